// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stress model against the plainest oracle: three files kept as byte
 * arrays, changed with memmove and memset as the system calls change real
 * files, and written with the model's own data. After every one of
 * thousands of random writes and layout changes (each mutation record's
 * effect), the model must say every file holds exactly its bytes; a byte
 * flipped anywhere must be named at its offset with the words around it;
 * and the changes the kernel refuses must leave the model as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map/pattern.h"
#include "mutate/mutate.h"
#include "stress/model.h"
#include "unit.h"

#define FILES 3
#define PAGE 4096
#define CAP (64 * PAGE)

static unsigned char bytes[FILES][CAP];
static uint64_t size[FILES];

static uint64_t rnd(uint64_t *s, uint64_t n)
{
	return pattern_word(7, (*s)++ * 64) % n;
}

/* The oracle: what the system call does to the bytes; false if refused. */
static bool oracle(const struct model *m, unsigned int f, enum layout_effect e, uint64_t off,
		   uint64_t len, unsigned int src)
{
	unsigned char *b = bytes[f];

	switch (e) {
	case EFFECT_NONE:
		return true;
	case EFFECT_GONE:
	case EFFECT_SIZE_TO_0:
		off = 0;
		/* fallthrough */
	case EFFECT_END_AT_RANGE:
		memset(b + off, 0, CAP - off);
		size[f] = off;
		return true;
	case EFFECT_HOLE:
		if (off < size[f])
			memset(b + off, 0, (off + len < size[f] ? off + len : size[f]) - off);
		return true;
	case EFFECT_REMOVE:
		if (!len || off + len >= size[f])
			return false;
		memmove(b + off, b + off + len, size[f] - off - len);
		size[f] -= len;
		memset(b + size[f], 0, CAP - size[f]);
		return true;
	case EFFECT_INSERT:
		if (!len || off >= size[f] || size[f] + len > m->cap)
			return false;
		memmove(b + off + len, b + off, size[f] - off);
		memset(b + off, 0, len);
		size[f] += len;
		return true;
	case EFFECT_COPY:
		if (src == f || off + len > size[f] || off + len > size[src])
			return false;
		memcpy(b + off, bytes[src] + off, len);
		return true;
	}
	return false;
}

static void test_against_oracle(void)
{
	static const enum layout_effect effects[] = {
		EFFECT_SIZE_TO_0, EFFECT_END_AT_RANGE, EFFECT_HOLE, EFFECT_REMOVE,
		EFFECT_INSERT,	  EFFECT_COPY,	       EFFECT_GONE, EFFECT_NONE,
	};
	struct model m;
	struct model_diff d;
	uint64_t s = 1, off, len, gen = 0;
	unsigned int i, f, src, refused = 0, applied = 0;
	int ret;

	EXPECT(model_init(&m, 99, FILES, CAP) == 0);
	for (i = 0; i < 20000; i++) {
		f = (unsigned int)rnd(&s, FILES);
		off = rnd(&s, CAP / PAGE) * PAGE;
		len = (1 + rnd(&s, 8)) * PAGE;
		if (rnd(&s, 2)) {
			if (off + len > CAP) {
				EXPECT(model_write(&m, f, off, len, ++gen) == -EFBIG);
				continue;
			}
			EXPECT(model_write(&m, f, off, len, ++gen) == 0);
			model_data(&m, gen, off, bytes[f] + off, len);
			if (off + len > size[f])
				size[f] = off + len;
		} else {
			enum layout_effect e =
				effects[rnd(&s, sizeof(effects) / sizeof(effects[0]))];

			src = (unsigned int)rnd(&s, FILES);
			if (off + len > CAP)
				len = CAP - off;
			ret = model_change_check(&m, f, e, off, len, src);
			/* The dry run says what the change will say, and changes nothing. */
			EXPECT(model_size(&m, f) == size[f]);
			EXPECT(model_change(&m, f, e, off, len, src) == ret);
			if (oracle(&m, f, e, off, len, src)) {
				EXPECT(ret == 0);
				applied++;
			} else {
				EXPECT(ret == -EINVAL || ret == -EFBIG);
				refused++;
			}
		}
		for (f = 0; f < FILES; f++) {
			EXPECT(model_size(&m, f) == size[f]);
			/* The whole capacity: past the end, zeros. */
			if (!model_verify(&m, f, 0, bytes[f], CAP, &d)) {
				EXPECT(!"model and oracle differ");
				fprintf(stderr, "step %u file %u at %llu\n", i, f,
					(unsigned long long)d.off);
				i = 20000;
				break;
			}
		}
	}
	/* Both kinds came up often. */
	EXPECT(applied > 3000 && refused > 300);

	/* A byte flipped: named exactly, with the words of file and model. */
	for (i = 0; i < 200; i++) {
		f = i % FILES;
		off = rnd(&s, CAP);
		bytes[f][off] ^= 0x40;
		EXPECT(!model_verify(&m, f, 0, bytes[f], CAP, &d));
		EXPECT(d.off == off);
		EXPECT(d.found != d.expect);
		EXPECT(((d.found ^ d.expect) >> (off % 8 * 8) & 0xff) == 0x40);
		/* A part of the file from a page boundary, too. */
		EXPECT(!model_verify(&m, f, off / PAGE * PAGE, bytes[f] + off / PAGE * PAGE,
				     PAGE, &d));
		EXPECT(d.off == off);
		bytes[f][off] ^= 0x40;
		EXPECT(model_verify(&m, f, 0, bytes[f], CAP, &d));
	}
	model_free(&m);
}

/* Data moved by a collapse still reads as what its writer wrote. */
static void test_moved_data(void)
{
	static unsigned char buf[4 * PAGE];
	struct model m;
	struct model_diff d;

	EXPECT(model_init(&m, 5, 1, 8 * PAGE) == 0);
	EXPECT(model_write(&m, 0, 0, 4 * PAGE, 1) == 0);
	model_data(&m, 1, 0, buf, 4 * PAGE);
	EXPECT(model_change(&m, 0, EFFECT_REMOVE, 0, PAGE, 0) == 0);
	EXPECT(model_size(&m, 0) == 3 * PAGE);
	EXPECT(model_verify(&m, 0, 0, buf + PAGE, 3 * PAGE, &d));
	/* Where the pattern of its old place is now expected, the new place's is wrong. */
	EXPECT(!model_verify(&m, 0, 0, buf, 3 * PAGE, &d));
	EXPECT(d.off == 0 && d.gen == 1 && d.origin == 1);
	/* Refused: a collapse reaching the end, an insert past it. */
	EXPECT(model_change(&m, 0, EFFECT_REMOVE, PAGE, 2 * PAGE, 0) == -EINVAL);
	EXPECT(model_change(&m, 0, EFFECT_INSERT, 3 * PAGE, PAGE, 0) == -EINVAL);
	EXPECT(model_change(&m, 0, EFFECT_INSERT, 0, 6 * PAGE, 0) == -EFBIG);
	EXPECT(model_size(&m, 0) == 3 * PAGE);
	model_free(&m);
}

/*
 * An O_DIRECT read that landed: the slow device's pattern at its offset,
 * moved with the page like any other data; a device of the user's, anything.
 * A file that grows reads zeros in the new part.
 */
static void test_landed_and_grown(void)
{
	static unsigned char buf[4 * PAGE];
	struct model m;
	struct model_diff d;

	EXPECT(model_init(&m, 5, 1, 8 * PAGE) == 0);
	m.dev_seed = 0xd0d0;
	EXPECT(model_write(&m, 0, 0, 2 * PAGE, 1) == 0);
	EXPECT(model_landed(&m, 0, PAGE, 0, true) == 0);
	EXPECT(model_landed(&m, 0, 2 * PAGE, 0, true) == -EINVAL); /* past the end */
	model_data(&m, 1, 0, buf, PAGE);
	pattern_fill(buf + PAGE, PAGE, 0xd0d0, 0);
	EXPECT(model_verify(&m, 0, 0, buf, 2 * PAGE, &d));
	/* An insert before it moves the device's data up a page. */
	EXPECT(model_change(&m, 0, EFFECT_INSERT, 0, PAGE, 0) == 0);
	EXPECT(model_verify(&m, 0, 2 * PAGE, buf + PAGE, PAGE, &d));
	buf[PAGE + 9] ^= 1;
	EXPECT(!model_verify(&m, 0, 2 * PAGE, buf + PAGE, PAGE, &d));
	EXPECT(d.off == 2 * PAGE + 9 && d.gen == MODEL_GEN_DEVICE);
	/* What a device of the user's wrote is not judged. */
	EXPECT(model_landed(&m, 0, 2 * PAGE, 0, false) == 0);
	EXPECT(model_verify(&m, 0, 2 * PAGE, buf + PAGE, PAGE, &d));
	/* Grown: zeros up to the new end; never past the capacity. */
	EXPECT(model_grow(&m, 0, 6 * PAGE) == 0);
	EXPECT(model_size(&m, 0) == 6 * PAGE);
	memset(buf, 0, sizeof(buf));
	EXPECT(model_verify(&m, 0, 3 * PAGE, buf, 3 * PAGE, &d));
	EXPECT(model_grow(&m, 0, 9 * PAGE) == -EFBIG);
	EXPECT(model_grow(&m, 0, 2 * PAGE) == 0 && model_size(&m, 0) == 6 * PAGE);
	model_free(&m);
}

/* What a change's record says about refusals and its range. */
static void test_mutation_records(void)
{
	struct layout l = { .pin_off = 3 * PAGE * 256 + 5 * PAGE }; /* 3 MiB + 20 KiB */

	EXPECT(mutation_refused(&mut_collapse_range, -EINVAL));
	EXPECT(!mutation_refused(&mut_punch_hole, -EINVAL));
	EXPECT(mutation_refused(&mut_punch_hole, -EOPNOTSUPP));
	EXPECT(!mutation_refused(&mut_truncate_0, 0));
	layout_aim(&l, &mut_punch_hole, PAGE, 2 << 20);
	EXPECT(l.range_off == l.pin_off && l.range_len == PAGE);
	layout_aim(&l, &mut_punch_hole, 2 << 20, 2 << 20);
	EXPECT(l.range_off == 2 << 20 && l.range_len == 2 << 20);
	/* A cut of the end starts at the head of the pinned page's extent. */
	layout_aim(&l, &mut_truncate_mid, PAGE, 2 << 20);
	EXPECT(l.range_off == 2 << 20);
}

int main(void)
{
	test_against_oracle();
	test_moved_data();
	test_landed_and_grown();
	test_mutation_records();
	return unit_done();
}
