// SPDX-License-Identifier: GPL-2.0-only
/*
 * A word is the splitmix64 hash of its 64-byte line (and the seed), xored
 * with a constant of its place in the line: one hash a line instead of one
 * a word, so that filling and verifying go at the speed of the memory, and
 * still no two words of a line, nor two lines, nor two seeds give the same
 * word but by a 64-bit coincidence.
 */
#include <string.h>

#include "map/pattern.h"

#define LINE 64
#define WORDS (LINE / 8)

static const uint64_t lane[WORDS] = {
	0x9c2b9d9f2ae75e2eULL, 0x02ff349d4f876aa3ULL, 0xe06c85afbaec4ef7ULL,
	0xe7158a8021f64544ULL, 0x3c95ad20819ed6b6ULL, 0x3c7ba9e38be9794dULL,
	0x4d317c68022dd18dULL, 0x8eca73657965c0feULL,
};

static inline uint64_t line_hash(uint64_t seed, uint64_t off)
{
	uint64_t z = seed + (off / LINE + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	return line_hash(seed, off) ^ lane[off / 8 % WORDS];
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint64_t *w = buf, h;
	size_t i = 0, j;

	/* Words before the first whole line, then whole lines, then the rest. */
	for (; i < len / 8 && (off + i * 8) % LINE; i++)
		w[i] = pattern_word(seed, off + i * 8);
	for (; i + WORDS <= len / 8; i += WORDS) {
		h = line_hash(seed, off + i * 8);
		for (j = 0; j < WORDS; j++)
			w[i + j] = h ^ lane[j];
	}
	for (; i < len / 8; i++)
		w[i] = pattern_word(seed, off + i * 8);
}

/* The first wrong byte of the word at @i, which differs from @want. */
static size_t wrong_byte(const unsigned char *b, size_t i, uint64_t want)
{
	size_t j;

	for (j = 0; j < 8; j++)
		if (b[i * 8 + j] != ((const unsigned char *)&want)[j])
			return i * 8 + j;
	return i * 8 + 8;
}

size_t pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t off)
{
	const unsigned char *b = buf;
	uint64_t got[WORDS], h, diff;
	size_t i = 0, j;

	for (; i < len / 8 && (off + i * 8) % LINE; i++) {
		memcpy(got, b + i * 8, 8);
		if (got[0] != pattern_word(seed, off + i * 8))
			return wrong_byte(b, i, pattern_word(seed, off + i * 8));
	}
	for (; i + WORDS <= len / 8; i += WORDS) {
		h = line_hash(seed, off + i * 8);
		memcpy(got, b + i * 8, LINE);
		diff = 0;
		for (j = 0; j < WORDS; j++)
			diff |= got[j] ^ h ^ lane[j];
		if (!diff)
			continue;
		for (j = 0; j < WORDS; j++)
			if (got[j] != (h ^ lane[j]))
				return wrong_byte(b, i + j, h ^ lane[j]);
	}
	for (; i < len / 8; i++) {
		memcpy(got, b + i * 8, 8);
		if (got[0] != pattern_word(seed, off + i * 8))
			return wrong_byte(b, i, pattern_word(seed, off + i * 8));
	}
	return len;
}
