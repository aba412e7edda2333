/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_MAP_DAX_H
#define ZD_MAP_DAX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What the kernel says about one open file: the evidence a DAX verdict needs. */
struct dax_proof {
	bool statx_knows; /* stx_attributes_mask has STATX_ATTR_DAX */
	bool statx_dax; /* stx_attributes has it */
	int map_sync_err; /* 0 when MAP_SHARED_VALIDATE|MAP_SYNC mapped, else errno */
	/*
	 * The second witness, asked by discover/fsdax.c only when MAP_SYNC is
	 * refused with EOPNOTSUPP: the file's page frames lie in the memory of
	 * the nd region behind the mount. @witness says what was seen.
	 */
	bool frames_in_region;
	/* The region's bus refuses MAP_SYNC by design (virtio-pmem): always set. */
	bool region_async;
	char witness[512]; /* "" when not asked */
};

enum dax_verdict {
	DAX_NOT, /* not proven DAX */
	DAX_SYNC, /* statx and MAP_SYNC: DAX */
	DAX_ASYNC, /* statx and the page frames: DAX on a region without MAP_SYNC */
	/*
	 * statx and MAP_SYNC: DAX, but on a region that must refuse MAP_SYNC.
	 * A kernel bug fsdax/dax/statx-mapsync reports; the other checks map
	 * without MAP_SYNC, as on any asynchronous region.
	 */
	DAX_ASYNC_MAPS_SYNC,
};

int dax_prove_file(int fd, size_t len, struct dax_proof *p);
enum dax_verdict dax_judge(const struct dax_proof *p);
bool dax_proven(const struct dax_proof *p);
void dax_proof_describe(const struct dax_proof *p, char *buf, size_t len);

/* MAP_SYNC only succeeds on DAX files, so a mapping from here is DAX or NULL. */
void *dax_map_sync(int fd, size_t len, off_t off, int *err);

/*
 * Maps @len bytes of @fd at a virtual address that is @misalign bytes past
 * a multiple of @align: misalign 0 lets DAX faults use PMDs (when the
 * blocks are 2M-aligned too), a 4K misalign forces PTEs. MAP_SYNC when
 * @sync, plain MAP_SHARED otherwise (the non-DAX control run, and DAX on a
 * region that refuses MAP_SYNC by design).
 */
void *dax_map_at(int fd, size_t len, size_t align, size_t misalign, bool sync, int *err);

#endif
