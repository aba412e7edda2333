/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_STRESS_MODEL_H
#define ZD_STRESS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mutate/mutate.h"

/*
 * What the stress run's files must hold, page by page, as (generation,
 * origin) instead of copies: the data of generation g written for page o
 * of a file is the pattern of g's seed at o's offset, wherever a collapse,
 * an insert or a clone has moved it since. Its size does not grow with the
 * run's length: 16 bytes a page of the files' capacity. Writes and changes
 * are whole pages, so a file's size is too, and pages at or past it hold
 * zeros (what a file that grows again reads there).
 */
struct model_page {
	uint64_t gen; /* 0: zeros (a hole, or never written) */
	uint64_t origin; /* the page the pattern was written for */
};

struct model_file {
	struct model_page *page;
	uint64_t size; /* bytes */
};

/*
 * Pages an O_DIRECT read landed in hold the slow device's data: the
 * pattern of its seed at @origin pages into the device, or, for a device
 * of the user's, bytes nobody can know.
 */
#define MODEL_GEN_DEVICE UINT64_MAX
#define MODEL_GEN_UNKNOWN (UINT64_MAX - 1)

struct model {
	uint64_t seed;
	uint64_t dev_seed; /* the slow device's pattern (discover/slowdev.h) */
	unsigned int files;
	uint64_t cap; /* bytes a file may grow to: a page multiple */
	struct model_file *file;
};

/* The first byte a file's contents differ from the model's. */
struct model_diff {
	uint64_t off; /* its offset in the file */
	uint64_t gen, origin; /* what its page must hold */
	uint64_t expect, found; /* the aligned 8-byte words holding it */
};

int model_init(struct model *m, uint64_t seed, unsigned int files, uint64_t cap);
void model_free(struct model *m);
/* The data a write of generation @gen puts at [@off, @off + @len): page aligned. */
void model_data(const struct model *m, uint64_t gen, uint64_t off, void *buf, size_t len);
/* After such a write to @file: -EFBIG beyond the capacity. */
int model_write(struct model *m, unsigned int file, uint64_t off, uint64_t len, uint64_t gen);
/* After an O_DIRECT read from device offset @dev_off into page @off of @file. */
int model_landed(struct model *m, unsigned int file, uint64_t off, uint64_t dev_off,
		 bool known);
/* After the file grew to @size (ftruncate): what is new reads as zeros. */
int model_grow(struct model *m, unsigned int file, uint64_t size);
/* What model_change() would return, changing nothing. */
int model_change_check(const struct model *m, unsigned int file, enum layout_effect e,
		       uint64_t off, uint64_t len, unsigned int src);
/*
 * After a layout change of effect @e over [@off, @off + @len) of @file
 * succeeded (@src: the clone source). -EINVAL where the kernel must have
 * refused it, -EFBIG beyond the capacity: the model is then unchanged.
 */
int model_change(struct model *m, unsigned int file, enum layout_effect e, uint64_t off,
		 uint64_t len, unsigned int src);
uint64_t model_size(const struct model *m, unsigned int file);
/*
 * Whether @buf holds @file's bytes at [@off, @off + @len) (multiples of 8);
 * else @d says where not.
 */
bool model_verify(const struct model *m, unsigned int file, uint64_t off, const void *buf,
		  size_t len, struct model_diff *d);

#endif
