// SPDX-License-Identifier: GPL-2.0-only
/*
 * A word is the splitmix64 hash of its 64-byte line (and the seed), xored
 * with a constant of its place in the line: one hash a line instead of one
 * a word, so that filling and verifying go at the speed of the memory, and
 * still no two words of a line, nor two lines, nor two seeds give the same
 * word but by a 64-bit coincidence.
 *
 * Whole lines are written and compared as four 16-byte vectors (GCC's
 * vector extension: SSE2 on x86-64, NEON on arm64), so a line costs a hash
 * and the memory operations of a memcpy of it, or fewer; a check folds the
 * differences of a block of lines into one vector and only looks for the
 * wrong byte when the block has one.
 */
#include <stdbool.h>
#include <string.h>

#include "map/pattern.h"

#define LINE 64
#define WORDS (LINE / 8)
#define BLOCK_LINES 64 /* lines folded before one test for a difference */

/* A quarter line; memcpy in and out, as a line starts where the pattern says. */
typedef uint64_t vq __attribute__((vector_size(16)));
#define VQ (LINE / 16)

static const vq lanes[VQ] = {
	{ 0x9c2b9d9f2ae75e2eULL, 0x02ff349d4f876aa3ULL },
	{ 0xe06c85afbaec4ef7ULL, 0xe7158a8021f64544ULL },
	{ 0x3c95ad20819ed6b6ULL, 0x3c7ba9e38be9794dULL },
	{ 0x4d317c68022dd18dULL, 0x8eca73657965c0feULL },
};

#define GOLDEN 0x9e3779b97f4a7c15ULL

static inline uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64's state for the line holding @off; the next line's is + GOLDEN. */
static inline uint64_t line_state(uint64_t seed, uint64_t off)
{
	return seed + (off / LINE + 1) * GOLDEN;
}

uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	return mix(line_state(seed, off)) ^ lanes[off / 8 % WORDS / 2][off / 8 % 2];
}

static void fill_lines(unsigned char *p, size_t lines, uint64_t z)
{
	vq h, v[VQ];
	size_t i;

	for (i = 0; i < lines; i++, z += GOLDEN, p += LINE) {
		h = (vq){ 0, 0 } + mix(z);
		v[0] = lanes[0] ^ h;
		v[1] = lanes[1] ^ h;
		v[2] = lanes[2] ^ h;
		v[3] = lanes[3] ^ h;
		memcpy(p, v, LINE);
	}
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	unsigned char *b = buf;
	uint64_t w;
	size_t i = 0, lines;

	/* Words before the first whole line, then whole lines, then the rest. */
	for (; i < len && (off + i) % LINE; i += 8) {
		w = pattern_word(seed, off + i);
		memcpy(b + i, &w, 8);
	}
	lines = (len - i) / LINE;
	fill_lines(b + i, lines, line_state(seed, off + i));
	for (i += lines * LINE; i < len; i += 8) {
		w = pattern_word(seed, off + i);
		memcpy(b + i, &w, 8);
	}
}

/* The first wrong byte of the word at byte @i, which differs from @want. */
static size_t wrong_byte(const unsigned char *b, size_t i, uint64_t want)
{
	size_t j;

	for (j = 0; j < 8; j++)
		if (b[i + j] != ((const unsigned char *)&want)[j])
			return i + j;
	return i + 8;
}

/* Word by word from byte @i to @end: the first wrong byte, or @end. */
static size_t check_words(const unsigned char *b, size_t i, size_t end, uint64_t seed,
			  uint64_t off)
{
	uint64_t got, want;

	for (; i < end; i += 8) {
		memcpy(&got, b + i, 8);
		want = pattern_word(seed, off + i);
		if (got != want)
			return wrong_byte(b, i, want);
	}
	return end;
}

/* Whether any of @lines lines starting at @p differs from the pattern. */
static bool lines_differ(const unsigned char *p, size_t lines, uint64_t z)
{
	vq h, v[VQ], d = { 0, 0 };
	size_t i;

	for (i = 0; i < lines; i++, z += GOLDEN, p += LINE) {
		h = (vq){ 0, 0 } + mix(z);
		memcpy(v, p, LINE);
		d |= (v[0] ^ lanes[0] ^ h) | (v[1] ^ lanes[1] ^ h) | (v[2] ^ lanes[2] ^ h) |
		     (v[3] ^ lanes[3] ^ h);
	}
	return d[0] | d[1];
}

size_t pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t off)
{
	const unsigned char *b = buf;
	size_t i = 0, n, bad;

	while (i < len && (off + i) % LINE)
		i += 8;
	bad = check_words(b, 0, i, seed, off);
	if (bad < i)
		return bad;
	for (; len - i >= LINE; i += n * LINE) {
		n = (len - i) / LINE < BLOCK_LINES ? (len - i) / LINE : BLOCK_LINES;
		if (lines_differ(b + i, n, line_state(seed, off + i)))
			return check_words(b, i, i + n * LINE, seed, off);
	}
	return check_words(b, i, len, seed, off);
}
