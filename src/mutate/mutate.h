/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_MUTATE_H
#define ZD_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The file whose layout changes under a pin, and where the pin sits. */
struct layout {
	int fd;
	const char *path;
	unsigned char *map; /* the DAX mapping of the whole file */
	size_t map_len;
	off_t map_off; /* the file (device) offset map[0] shows */
	off_t size; /* file size before the change */
	long long blocks; /* st_blocks before the change */
	off_t pin_off; /* file offset of the pinned range */
	size_t pin_len; /* length of the pinned range */
	off_t range_off; /* block-aligned range the change applies to */
	size_t range_len;
	int clone_src; /* for clone-range: a file of the same size */
};

/*
 * What a change does to the file's contents, in terms of its range
 * (layout.range_off, range_len), for a model of what the file must hold
 * (zdcheck stress, src/stress/model.c).
 */
enum layout_effect {
	EFFECT_SIZE_TO_0, /* the file is empty */
	EFFECT_END_AT_RANGE, /* the file ends where the range begins */
	EFFECT_HOLE, /* the range reads as zeros; the size stays */
	EFFECT_REMOVE, /* the range is cut out; what followed moves down */
	EFFECT_INSERT, /* a hole as long as the range opens there; the rest moves up */
	EFFECT_COPY, /* the range holds the clone source's same range */
	EFFECT_GONE, /* the file is gone */
	EFFECT_NONE, /* only the mapping changed */
};

/*
 * One layout change. apply() returns 0 or -errno; -EOPNOTSUPP (and EINVAL
 * for operations a filesystem does not implement) means "refused".
 * Every change except eviction must wait for the pinned page to be idle
 * ("break layouts"); eviction waits only on kernels with
 * dax_break_layout_final() (v6.15), which zdcheck reports, not demands.
 */
struct mutation {
	const char *name;
	const char *call; /* the syscall, for evidence and timeouts */
	int (*apply)(struct layout *l);
	bool must_wait;
	bool evicts; /* the file and its mapping are gone afterwards */
	/* The change is visible without taking the inode lock (fstat). */
	bool (*visible)(const struct layout *l);
	enum layout_effect effect;
	/*
	 * EINVAL says "not implemented here" too (ext4's collapse and insert
	 * without extents, clone on a filesystem without reflink).
	 */
	bool einval_refuses;
};

/* Whether @ret from @m's apply() is the filesystem refusing it, not a wait or an error. */
bool mutation_refused(const struct mutation *m, int ret);
/*
 * Aims @m at the pinned page l->pin_off: the @unit (a page, or a PMD
 * extent) holding it; a change that cuts the file's end there cuts from
 * the head of the @extent holding it, so that what stays is whole extents.
 */
void layout_aim(struct layout *l, const struct mutation *m, size_t unit, size_t extent);

extern const struct mutation mut_truncate_0, mut_truncate_mid, mut_punch_hole, mut_zero_range,
	mut_collapse_range, mut_insert_range, mut_clone_range, mut_evict, mut_remap;

#endif
