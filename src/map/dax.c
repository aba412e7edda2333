// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "map/dax.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

void *dax_map_sync(int fd, size_t len, off_t off, int *err)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd,
		       off);

	if (p == MAP_FAILED) {
		*err = errno;
		return NULL;
	}
	*err = 0;
	return p;
}

int dax_prove_file(int fd, size_t len, struct dax_proof *p)
{
	struct statx stx;
	void *m;

	memset(p, 0, sizeof(*p));
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return -errno;
	p->statx_knows = stx.stx_attributes_mask & STATX_ATTR_DAX;
	p->statx_dax = stx.stx_attributes & STATX_ATTR_DAX;

	m = dax_map_sync(fd, len, 0, &p->map_sync_err);
	if (m)
		munmap(m, len);
	return 0;
}

/*
 * Two witnesses must agree: statx reports the inode flag the fault path
 * tests (IS_DAX), and MAP_SYNC is refused by every non-DAX ->mmap. But
 * ext4 and xfs refuse it with the same EOPNOTSUPP on a DAX device that is
 * not synchronous (daxdev_mapping_supported()), so there the page frames
 * stand in for it, and only where the bus is asynchronous by design: on
 * any other region a refused MAP_SYNC stays a refusal.
 */
enum dax_verdict dax_judge(const struct dax_proof *p)
{
	if (!p->statx_knows || !p->statx_dax)
		return DAX_NOT;
	if (!p->map_sync_err)
		return p->region_async ? DAX_ASYNC_MAPS_SYNC : DAX_SYNC;
	if (p->map_sync_err == EOPNOTSUPP && p->frames_in_region && p->region_async)
		return DAX_ASYNC;
	return DAX_NOT;
}

bool dax_proven(const struct dax_proof *p)
{
	return dax_judge(p) != DAX_NOT;
}

void dax_proof_describe(const struct dax_proof *p, char *buf, size_t len)
{
	snprintf(buf, len, "statx %s, MAP_SYNC %s%s%s",
		 !p->statx_knows ? "cannot report STATX_ATTR_DAX" :
		 p->statx_dax	 ? "reports STATX_ATTR_DAX" :
				   "reports no STATX_ATTR_DAX",
		 p->map_sync_err ? strerror(p->map_sync_err) : "mapped",
		 p->witness[0] ? "; " : "", p->witness);
}

void *dax_map_at(int fd, size_t len, size_t align, size_t misalign, bool sync, int *err)
{
	size_t span = len + align + misalign;
	unsigned char *base, *at, *p;

	/* Reserve address space, then map the file at the chosen spot in it. */
	base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		*err = errno;
		return NULL;
	}
	at = (unsigned char *)(((unsigned long)base + align - 1) & ~(align - 1)) + misalign;
	p = mmap(at, len, PROT_READ | PROT_WRITE,
		 MAP_FIXED | (sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED), fd, 0);
	if (p == MAP_FAILED) {
		*err = errno;
		munmap(base, span);
		return NULL;
	}
	if (at > base)
		munmap(base, (size_t)(at - base));
	if (base + span > at + len)
		munmap(at + len, (size_t)(base + span - (at + len)));
	*err = 0;
	return p;
}
