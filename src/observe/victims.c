// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "map/pattern.h"
#include "zdcheck.h"
#include "observe/victims.h"

int fiemap_extent(int fd, off_t off, size_t span, unsigned long long *logical,
		  unsigned long long *phys, unsigned long long *len)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[1];
	} req;

	memset(&req, 0, sizeof(req));
	req.fm.fm_start = (__u64)off;
	req.fm.fm_length = span;
	req.fm.fm_flags = FIEMAP_FLAG_SYNC;
	req.fm.fm_extent_count = 1;
	if (ioctl(fd, FS_IOC_FIEMAP, &req.fm))
		return -errno;
	if (req.fm.fm_mapped_extents < 1 || req.fe[0].fe_logical > (__u64)off)
		return -ENODATA;
	*logical = req.fe[0].fe_logical;
	*phys = req.fe[0].fe_physical;
	*len = req.fe[0].fe_length;
	return 0;
}

int fiemap_phys(int fd, off_t off, unsigned long long *phys)
{
	unsigned long long logical, start, len;
	int ret = fiemap_extent(fd, off, 1, &logical, &start, &len);

	if (!ret)
		*phys = start + ((unsigned long long)off - logical);
	return ret;
}

/* Finds where @phys lies in @fd, scanning its extents. */
static int covers(int fd, size_t len, unsigned long long phys, off_t *where)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe[32];
	} req;
	unsigned int i;

	memset(&req, 0, sizeof(req));
	req.fm.fm_length = len;
	req.fm.fm_flags = FIEMAP_FLAG_SYNC;
	req.fm.fm_extent_count = 32;
	if (ioctl(fd, FS_IOC_FIEMAP, &req.fm))
		return -errno;
	for (i = 0; i < req.fm.fm_mapped_extents; i++) {
		struct fiemap_extent *e = &req.fe[i];

		if (phys >= e->fe_physical && phys < e->fe_physical + e->fe_length) {
			*where = (off_t)(e->fe_logical + (phys - e->fe_physical));
			return 1;
		}
	}
	return 0;
}

/* Bytes [@from, @to) of @buf to the same place in @fd. */
static bool write_part(int fd, const unsigned char *buf, size_t from, size_t to)
{
	return pwrite(fd, buf + from, to - from, (off_t)from) == (ssize_t)(to - from);
}

int victims_create(struct victims *vs, const char *dir, unsigned long long phys, size_t span,
		   size_t unit, size_t cap, uint64_t seed, long long deadline_us)
{
	long long t0 = now_us();
	unsigned char *buf;
	int fd, ret = 0;

	memset(vs, 0, sizeof(*vs));
	vs->hit = -1;
	buf = malloc(unit);
	if (!buf)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Freed blocks stay busy until the journal/log commits: force that. */
	if (fd >= 0) {
		syncfs(fd);
		close(fd);
	}
	while (vs->n < VICTIMS_MAX && vs->bytes < cap && vs->hit < 0 &&
	       (!deadline_us || now_us() < deadline_us)) {
		struct victim *v = &vs->v[vs->n];
		off_t where;
		int c;

		snprintf(v->path, sizeof(v->path), "%s/victim-%d", dir, vs->n);
		v->seed = seed + (uint64_t)vs->n + 1;
		v->len = unit;
		fd = open(v->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			ret = -errno;
			break;
		}
		vs->n++;
		/*
		 * Allocating is what takes the block; only the victim that got it
		 * needs data (its own pattern, written before any late DMA lands),
		 * so the search stays fast enough to beat a device's delay.
		 */
		if (fallocate(fd, 0, 0, (off_t)unit)) {
			ret = -errno;
			close(fd);
			break;
		}
		vs->bytes += unit;
		c = covers(fd, unit, phys, &where);
		if (c > 0) {
			/*
			 * The bytes a late write can land in first: on slow
			 * memory (CXL under TCG) the whole victim can take
			 * longer than the device's delay leaves.
			 */
			size_t lo = (size_t)where & ~4095UL, hi = (size_t)where + span;

			if (hi > unit)
				hi = unit;
			pattern_fill(buf, unit, v->seed, 0);
			v->written = write_part(fd, buf, lo, hi);
			vs->covered_us = now_us();
			v->written = v->written && write_part(fd, buf, 0, lo) &&
				     write_part(fd, buf, hi, unit);
			vs->hit = vs->n - 1;
			vs->hit_off = where;
		}
		close(fd);
	}
	free(buf);
	vs->create_us = now_us() - t0;
	/* ENOSPC just ends the search: the space is what it is. */
	return ret == -ENOSPC ? 0 : ret;
}

int victims_verify(const struct victims *vs, struct result *r)
{
	unsigned char *buf;
	int i, bad = 0;

	for (i = 0; i < vs->n; i++) {
		const struct victim *v = &vs->v[i];
		size_t off = 0, at;
		int fd;

		if (!v->written)
			continue;

		buf = malloc(v->len);
		/* Without memory to read a victim, no verdict on it: say so. */
		if (!buf)
			return -ENOMEM;
		fd = open(v->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || pread(fd, buf, v->len, 0) != (ssize_t)v->len) {
			result_evidence(r, "cannot read back %s", v->path);
			if (fd >= 0)
				close(fd);
			free(buf);
			continue;
		}
		close(fd);
		while (off < v->len && (at = off + pattern_check(buf + off, v->len - off,
								 v->seed, off)) < v->len) {
			size_t word = at & ~7UL, end = word;
			uint64_t want = pattern_word(v->seed, word), got;

			/* One line per corrupted run, with its first word as found. */
			while (end < v->len && pattern_check(buf + end, 8, v->seed, end) != 8)
				end += 8;
			memcpy(&got, buf + word, 8);
			result_evidence(r,
					"%s: bytes %zu-%zu corrupted; at %zu expected %016llx, "
					"found %016llx",
					strrchr(v->path, '/') + 1, at, end - 1, word,
					(unsigned long long)want, (unsigned long long)got);
			bad++;
			off = end;
		}
		free(buf);
	}
	return bad;
}

int victims_owner(const struct victims *vs, const unsigned char *buf, size_t len)
{
	if (vs->hit >= 0 &&
	    pattern_check(buf, len, vs->v[vs->hit].seed, (uint64_t)vs->hit_off) == len)
		return vs->hit;
	return -1;
}

bool victims_holds(const struct victims *vs, int i, off_t off, size_t len, uint64_t seed,
		   uint64_t pat_off)
{
	unsigned char *buf = malloc(len);
	bool same = false;
	int fd;

	fd = buf ? open(vs->v[i].path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && pread(fd, buf, len, off) == (ssize_t)len)
		same = pattern_check(buf, len, seed, pat_off) == len;
	if (fd >= 0)
		close(fd);
	free(buf);
	return same;
}

void victims_remove(struct victims *vs)
{
	int i;

	for (i = 0; i < vs->n; i++)
		unlink(vs->v[i].path);
	vs->n = 0;
}
