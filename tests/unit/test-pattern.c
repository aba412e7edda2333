// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data pattern: the vector fill and check give the words of the
 * one-word-at-a-time definition (a splitmix64 hash per 64-byte line, xored
 * with the word's lane), at any offset, length and buffer alignment, and a
 * check names exactly the first wrong byte wherever it is: before the
 * first whole line, in any word of a line, in a later block, in the tail.
 */
#include <stdint.h>
#include <stdlib.h>

#include "map/pattern.h"
#include "unit.h"

static const uint64_t lane[8] = {
	0x9c2b9d9f2ae75e2eULL, 0x02ff349d4f876aa3ULL, 0xe06c85afbaec4ef7ULL,
	0xe7158a8021f64544ULL, 0x3c95ad20819ed6b6ULL, 0x3c7ba9e38be9794dULL,
	0x4d317c68022dd18dULL, 0x8eca73657965c0feULL,
};

/* The definition, word by word, as the pattern has been since its start. */
static uint64_t word(uint64_t seed, uint64_t off)
{
	uint64_t z = seed + (off / 64 + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) ^ lane[off / 8 % 8];
}

#define MAX (64 * 200)

int main(void)
{
	static const size_t lens[] = { 0, 8, 56, 64, 72, 128, 4096, 64 * 64 + 8, 64 * 130 + 24 };
	static const uint64_t offs[] = { 0, 8, 56, 64, 4096 - 8, 1ULL << 40 };
	unsigned char *mem = malloc(MAX + 64), *b;
	uint64_t w;
	size_t li, oi, a, i, at, bad = 0;

	for (li = 0; li < sizeof(lens) / sizeof(*lens); li++)
		for (oi = 0; oi < sizeof(offs) / sizeof(*offs); oi++)
			for (a = 0; a < 64; a += 8) {
				size_t len = lens[li];
				uint64_t off = offs[oi];

				b = mem + a;
				pattern_fill(b, len, 7, off);
				for (i = 0; i < len; i += 8) {
					memcpy(&w, b + i, 8);
					bad += w != word(7, off + i) ||
					       w != pattern_word(7, off + i);
				}
				EXPECT(pattern_check(b, len, 7, off) == len);
				EXPECT(!len || pattern_check(b, len, 8, off) == 0 ||
				       pattern_check(b, len, 8, off) == 1);
				/* Every byte of short runs; every 8th word, each byte in turn, of long ones. */
				for (at = 0; at<len; at += len> 200 ? 8 * 8 + 3 : 1) {
					b[at] ^= 0x40;
					bad += pattern_check(b, len, 7, off) != at;
					b[at] ^= 0x40;
				}
			}
	EXPECT(bad == 0);
	/* A wrong byte in the last line of a later block, behind a clean one. */
	pattern_fill(mem, MAX, 3, 64);
	mem[MAX - 1] ^= 1;
	EXPECT(pattern_check(mem, MAX, 3, 64) == MAX - 1);
	EXPECT(pattern_check(mem, MAX - 8, 3, 64) == MAX - 8);
	free(mem);
	return unit_done();
}
