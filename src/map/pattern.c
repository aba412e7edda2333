// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "map/pattern.h"

/* splitmix64: cheap, and no two nearby offsets give the same word. */
uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	uint64_t z = seed + (off / 8 + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, off + i * 8);
}

size_t pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t off)
{
	const unsigned char *b = buf;
	size_t i, j;

	for (i = 0; i < len / 8; i++) {
		uint64_t want = pattern_word(seed, off + i * 8), got;

		memcpy(&got, b + i * 8, 8);
		if (got == want)
			continue;
		for (j = 0; j < 8; j++)
			if (b[i * 8 + j] != ((const unsigned char *)&want)[j])
				return i * 8 + j;
	}
	return len;
}
