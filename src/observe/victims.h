/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_VICTIMS_H
#define ZD_VICTIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "report/result.h"

/*
 * The corruption probe. After a layout change returned, new files
 * ("victims") are allocated until one of them is given the physical block
 * that was pinned; that one is filled with its own pattern. A stale pin that
 * still writes (a delayed O_DIRECT read) then lands in a victim, and one
 * that still reads (vmsplice) returns a victim's bytes.
 */
#define VICTIMS_MAX 64

struct victim {
	char path[4200];
	uint64_t seed;
	size_t len;
	bool written; /* holds its pattern (only the one that got the block) */
};

struct victims {
	struct victim v[VICTIMS_MAX];
	int n;
	int hit; /* index of the victim that got the pinned block, or -1 */
	off_t hit_off; /* the pinned block's offset inside that victim */
	size_t bytes; /* bytes allocated in all victims */
	long long create_us; /* how long creating them took */
	long long covered_us; /* when the hit's bytes at the pinned block were written */
};

/* Physical byte address of file offset @off, from FIEMAP. */
int fiemap_phys(int fd, off_t off, unsigned long long *phys);
/*
 * The first extent of the @span bytes at file offset @off, if it holds @off:
 * where it starts in the file and on the device, and its length. Filesystems
 * that report through iomap cut the extent to the span asked about.
 */
int fiemap_extent(int fd, off_t off, size_t span, unsigned long long *logical,
		  unsigned long long *phys, unsigned long long *len);

/*
 * Creates victims of @unit bytes in @dir (after syncfs so that freed blocks
 * are reusable) until one covers @phys, @cap bytes were allocated, or
 * now_us() passes @deadline_us (0: no deadline). The one that covers it is
 * written with its pattern, the @span bytes at @phys first.
 */
int victims_create(struct victims *vs, const char *dir, unsigned long long phys, size_t span,
		   size_t unit, size_t cap, uint64_t seed, long long deadline_us);
/*
 * Verifies every written victim byte; records each corrupted run in @r.
 * Returns the count, or -ENOMEM when a victim could not be read back.
 */
int victims_verify(const struct victims *vs, struct result *r);
/* Which victim's pattern @buf (@len bytes at victim offset @off) holds, or -1. */
int victims_owner(const struct victims *vs, const unsigned char *buf, size_t len);
/* Whether victim @i holds at @off the @len bytes of pattern @seed at @pat_off. */
bool victims_holds(const struct victims *vs, int i, off_t off, size_t len, uint64_t seed,
		   uint64_t pat_off);
void victims_remove(struct victims *vs);

#endif
