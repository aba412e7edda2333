// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsdax/dax/statx-mapsync: every other fs-dax check is only worth something
 * if the kernel really gave us DAX files, so prove it three ways: the inode
 * flag statx reports, MAP_SYNC (refused by every non-DAX ->mmap), and stores
 * through that mapping being what read() returns. On an asynchronous region
 * (virtio-pmem) MAP_SYNC must be refused instead: it promises stores durable
 * without a flush, which that bus cannot keep.
 *
 * fsdax/dax/pfn-in-region: a witness of DAX that needs no MAP_SYNC. A DAX
 * fault maps the page frame dax_direct_access() gives for the file's block,
 * which lies in the memory of the nd region behind the mount; a page-cache
 * page never does. So every page of a work file, written through its
 * mapping, must be mapped at a frame inside the region's resource.
 *
 * fsdax/dax/pmd-punch-refault: a 2 MiB extent written through a PMD
 * mapping is one large folio (v6.15). Punching a page out of it takes the
 * PMD mapping and the entry away, and dax_folio_put() splits the folio back
 * into pages; write faults on the rest then map those pages one by one.
 * 6.15-rc1 left the old order behind, and the next write fault on xfs
 * crashed in __lruvec_stat_mod_folio() (fixed in 6.15-rc3/rc4, "fs/dax: fix
 * folio splitting issue by resetting old folio order + _nr_pages"). The
 * kernel log is the runner's to watch; the check shows the PMD, and that
 * every page then holds what the faults stored.
 *
 * fsdax/dax/pmd-cow-write: a 2 MiB extent shared with another file by
 * FICLONERANGE (xfs reflink), read through a PMD mapping, then written by
 * pwrite(): the write copies on write, so dax_iomap_iter() takes the old
 * entries out of the mapping (invalidate_inode_pages2_range()) before the
 * new blocks are written, and the mapping must then show the new data.
 * For DAX, invalidate_inode_pages2_range() unmaps the page tables only
 * after it dropped the entries, so dax_folio_put() meets a large folio that
 * a PMD still maps: found by zdcheck stress on 7.x, where its debug check
 * warns ("WARNING: fs/dax.c ... dax_disassociate_entry", through
 * __dax_invalidate_entry() from xfs_file_dax_write()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/check.h"
#include "map/dax.h"
#include "observe/dax_watch.h"
#include "map/pagemap.h"
#include "map/pattern.h"

#define LEN (2UL << 20)
#define PUNCH_OFF (LEN / 2 + 4096) /* a page in the middle: not the head's */

/* A LEN-byte file with its blocks allocated, or -1 with @r filled. */
static int work_file(const char *file, struct result *r)
{
	int fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (!result_exhausted(r, errno, "cannot open %s", file))
			result_error(r, "create %s: %s", file, strerror(errno));
		return -1;
	}
	result_step(r, "fallocate(%lu)", LEN);
	if (fallocate(fd, 0, 0, LEN)) {
		result_error(r, "fallocate %lu bytes: %s", LEN, strerror(errno));
		close(fd);
		unlink(file);
		return -1;
	}
	return fd;
}

/*
 * pread()s the LEN-byte file back and compares it with pattern @seed:
 * LEN if it holds it; else the first wrong byte, with @r failed naming what
 * it reads and what was stored @how; -1 with @r filled if it was not read.
 */
static long long read_back(int fd, uint64_t seed, const char *how, struct result *r)
{
	unsigned char *buf = malloc(LEN);
	uint64_t stored;
	long long bad = -1;

	if (!buf) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM,
				   "cannot allocate %lu MiB to read back", LEN >> 20);
		return -1;
	}
	result_step(r, "pread() the file back");
	if (pread(fd, buf, LEN, 0) != (ssize_t)LEN) {
		result_fail(r, "pread of %lu bytes after the stores %s: %s", LEN, how,
			    strerror(errno ? errno : EIO));
	} else {
		bad = (long long)pattern_check(buf, LEN, seed, 0);
	}
	if (bad >= 0 && bad != (long long)LEN) {
		stored = pattern_word(seed, (uint64_t)bad & ~7ULL) >> (8 * (bad & 7));
		result_fail(r, "byte %lld read back as 0x%02x, stored 0x%02x %s", bad, buf[bad],
			    (unsigned int)(stored & 0xff), how);
	}
	free(buf);
	return bad;
}

void check_fsdax_dax(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	char file[PATH_MAX + 64], desc[160];
	struct dax_proof proof;
	unsigned char *map;
	long long t0;
	bool refused;
	int fd, err;

	snprintf(file, sizeof(file), "%s/statx-mapsync", ctx->dir);
	fd = work_file(file, r);
	if (fd < 0)
		return;

	if (dax_prove_file(fd, LEN, &proof)) {
		result_error(r, "statx: %s", strerror(errno));
		goto out;
	}
	dax_proof_describe(&proof, desc, sizeof(desc));
	result_evidence(r, "%s", desc);
	/* Out of memory for the mapping says nothing about MAP_SYNC. */
	if (result_exhausted(r, proof.map_sync_err, "cannot map the %lu MiB file", LEN >> 20))
		goto out;
	if (!proof.statx_knows) {
		result_fail(r, "statx cannot report STATX_ATTR_DAX on this kernel");
		goto out;
	}
	/*
	 * pmem_attach_disk() gives the DAX device of an ND_REGION_ASYNC region
	 * no DAXDEV_SYNC, so daxdev_mapping_supported() refuses MAP_SYNC there:
	 * a store on that bus is durable only after the flush fsync() sends.
	 */
	refused = t->region_async && proof.map_sync_err == EOPNOTSUPP;
	if (!proof.statx_dax || (proof.map_sync_err && !refused)) {
		result_fail(r, "work file is not DAX%s: %s",
			    t->dax ? " although the directory's files were" :
				     " (control run with --allow-non-dax)",
			    desc);
		goto out;
	}
	if (t->region_async && !refused) {
		result_fail(r,
			    "MAP_SYNC mapped a file on %s %s, whose bus is asynchronous: its "
			    "DAX device must refuse MAP_SYNC (EOPNOTSUPP)",
			    t->nd.at.provider, t->nd.at.region);
		goto out;
	}

	result_step(r, "mmap(%s)", refused ? "MAP_SHARED" : "MAP_SHARED_VALIDATE|MAP_SYNC");
	map = dax_map_at(fd, LEN, 4096, 0, !refused, &err);
	if (!map) {
		if (!result_exhausted(r, err, "cannot map the %lu MiB file again", LEN >> 20))
			result_fail(r, "mapping failed on second try: %s", strerror(err));
		goto out;
	}
	result_step(r, "store pattern through the mapping");
	t0 = now_us();
	pattern_fill(map, LEN, ctx->opt->seed, 0);
	result_value(r, "store_us", now_us() - t0);
	munmap(map, LEN);

	if (read_back(fd, ctx->opt->seed, "through MAP_SYNC", r) != (long long)LEN)
		goto out;
	result_value(r, "bytes", LEN);
	result_pass(r);
out:
	close(fd);
	unlink(file);
}

void check_fsdax_pfn(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	const struct nd_region_info *nd = &t->nd;
	struct result *r = ctx->res;
	char file[PATH_MAX + 64], seen_text[160];
	struct pfn_seen seen;
	unsigned char *map;
	int fd, err, ret;

	if (!nd->at.region[0]) {
		result_skip(r, "nothing to compare the page frames with: %s", t->nd_why);
		return;
	}
	result_evidence(
		r, "%s %s (%s, %s of %s): physical 0x%llx-0x%llx from its resource and size",
		nd->at.provider, nd->at.region, nd->at.bus, nd->disk, nd->device, nd->start,
		nd->start + nd->size);
	snprintf(file, sizeof(file), "%s/pfn-in-region", ctx->dir);
	fd = work_file(file, r);
	if (fd < 0)
		return;
	/* 2 MiB-aligned: a PMD fault's frames are read page by page, too. */
	map = dax_map_at(fd, LEN, LEN, 0, false, &err);
	if (!map) {
		if (!result_exhausted(r, err, "cannot map the %lu MiB file", LEN >> 20))
			result_fail(r, "shared mapping of the work file failed: %s",
				    strerror(err));
		goto out;
	}
	result_step(r, "store into each page, read /proc/self/pagemap");
	ret = pfn_witness(map, LEN, nd->start, nd->size, &seen);
	munmap(map, LEN);
	if (ret) {
		if (!result_exhausted(r, -ret, "cannot read the page frames"))
			result_error(r, "/proc/self/pagemap: %s", strerror(-ret));
		goto out;
	}
	pfn_seen_describe(&seen, seen_text, sizeof(seen_text));
	result_evidence(r, "%s", seen_text);
	result_value(r, "pages", (long long)seen.present);
	if (seen.verdict != PFN_HIDDEN) {
		result_value(r, "pfn_lo", (long long)seen.lo);
		result_value(r, "pfn_hi", (long long)seen.hi);
	}
	switch (seen.verdict) {
	case PFN_INSIDE:
		result_pass(r);
		break;
	case PFN_OUTSIDE:
		result_fail(r,
			    "page %zu of the file is mapped at frame 0x%llx, outside %s "
			    "[0x%llx-0x%llx)%s",
			    seen.out_page, seen.out_pfn, nd->at.region, nd->start,
			    nd->start + nd->size,
			    t->dax ? "" : " (control run with --allow-non-dax)");
		break;
	case PFN_HIDDEN:
		result_skip(r, "%s", seen_text);
		break;
	case PFN_UNMAPPED:
		result_error(r, "%zu of %zu pages not mapped after a store into each",
			     seen.pages - seen.present, seen.pages);
		break;
	}
out:
	close(fd);
	unlink(file);
}

/*
 * Maps the LEN-byte file at a 2 MiB boundary, so that a PMD can map it, and
 * notes in @r when none can: the mapping, with @st filled and *@possible
 * from pmd_possible(); or NULL with @r filled.
 */
static unsigned char *map_for_pmd(const struct target *t, int fd, struct stat *st,
				  int *possible, struct result *r)
{
	char why[sizeof(r->reason)];
	unsigned char *map;
	int err;

	result_step(r, "map the 2 MiB file at a 2 MiB boundary");
	map = dax_map_at(fd, LEN, LEN, 0, t->map_sync, &err);
	if (!map) {
		if (!result_exhausted(r, err, "cannot map the %lu MiB file", LEN >> 20))
			result_fail(r, "mapping the DAX file failed: %s", strerror(err));
		return NULL;
	}
	if (fstat(fd, st)) {
		result_error(r, "fstat: %s", strerror(errno));
		munmap(map, LEN);
		return NULL;
	}
	*possible = pmd_possible(fd, 0, map, why, sizeof(why));
	if (*possible == 0)
		result_evidence(r, "no PMD mapping possible: %s", why);
	return map;
}

void check_fsdax_refault(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	uint64_t seed = ctx->opt->seed ^ 0x5e1f;
	char file[PATH_MAX + 64];
	struct dax_watch fw, again;
	unsigned char *map;
	int fd, possible = -1;
	long long bad;
	struct stat st;

	snprintf(file, sizeof(file), "%s/pmd-punch-refault", ctx->dir);
	fd = work_file(file, r);
	if (fd < 0)
		return;
	map = map_for_pmd(t, fd, &st, &possible, r);
	if (!map)
		goto out;

	result_step(r, "write-fault the extent");
	if (t->dax)
		dax_watch_start(&fw, &st, map + PUNCH_OFF);
	pattern_fill(map, LEN, ctx->opt->seed, 0);
	if (t->dax)
		check_fault_stop(&fw, r);

	result_step(r, "fallocate(PUNCH_HOLE) one page at %lu", PUNCH_OFF);
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PUNCH_OFF, 4096)) {
		if (errno == EOPNOTSUPP)
			result_skip(r, "the filesystem refuses fallocate(PUNCH_HOLE)");
		else
			result_error(r, "fallocate(PUNCH_HOLE): %s", strerror(errno));
		goto out_watch;
	}
	/* The split pages, faulted again one by one; the punched one anew. */
	result_step(r, "write-fault every page of the extent again");
	if (t->dax)
		dax_watch_start(&again, &st, map + PUNCH_OFF + 4096);
	pattern_fill(map, LEN, seed, 0);
	if (t->dax) {
		dax_watch_stop(&again, NULL, NULL);
		if (again.size)
			result_value(r, "refault_size", again.size);
	}
	munmap(map, LEN);
	map = NULL;

	bad = read_back(fd, seed, "by the write faults after the punch", r);
	if (bad >= 0 && bad / 4096 == PUNCH_OFF / 4096)
		result_evidence(r, "byte %lld is in the punched page", bad);
	if (bad != (long long)LEN)
		goto out_watch;
	result_value(r, "bytes", LEN);
	result_pass(r);
out_watch:
	/* A pass proves the PMD path only if the first fault mapped a PMD. */
	if (t->dax)
		check_fault_report(&fw, c->flags & CHECK_PMD, possible, r);
	else if (r->status == STATUS_PASS)
		result_skip(r, "not applicable: the file is not DAX");
	if (map)
		munmap(map, LEN);
out:
	close(fd);
	unlink(file);
}

/* The source of a clone: LEN bytes of pattern @seed, written. */
static int clone_source(const char *file, uint64_t seed, struct result *r)
{
	unsigned char *buf = malloc(LEN);
	int fd = -1;

	if (!buf) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM, "cannot allocate %lu MiB", LEN >> 20);
		return -1;
	}
	fd = work_file(file, r);
	pattern_fill(buf, LEN, seed, 0);
	if (fd >= 0 && pwrite(fd, buf, LEN, 0) != (ssize_t)LEN) {
		result_error(r, "write %s: %s", file, strerror(errno ? errno : EIO));
		close(fd);
		unlink(file);
		fd = -1;
	}
	free(buf);
	return fd;
}

void check_fsdax_cow(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	uint64_t shared = ctx->opt->seed ^ 0xc0c0, own = ctx->opt->seed ^ 0xc0de;
	char file[PATH_MAX + 64], src[PATH_MAX + 64];
	struct file_clone_range fcr = { .src_length = LEN };
	unsigned char *map = NULL, *buf = NULL;
	int fd = -1, sfd, possible = -1;
	struct dax_watch fw;
	struct stat st;
	size_t bad;

	snprintf(src, sizeof(src), "%s/cow-src", ctx->dir);
	snprintf(file, sizeof(file), "%s/pmd-cow-write", ctx->dir);
	sfd = clone_source(src, shared, r);
	if (sfd < 0)
		return;
	fd = work_file(file, r);
	if (fd < 0)
		goto out;
	result_step(r, "ioctl(FICLONERANGE) the 2 MiB extent from cow-src");
	fcr.src_fd = sfd;
	if (ioctl(fd, FICLONERANGE, &fcr)) {
		if (errno == EOPNOTSUPP || errno == EXDEV || errno == EINVAL || errno == ENOTTY)
			result_skip(r,
				    "the filesystem cannot share blocks (reflink): "
				    "FICLONERANGE: %s",
				    strerror(errno));
		else
			result_error(r, "ioctl(FICLONERANGE): %s", strerror(errno));
		goto out;
	}
	buf = malloc(LEN);
	if (!buf) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM, "cannot allocate %lu MiB", LEN >> 20);
		goto out;
	}
	map = map_for_pmd(t, fd, &st, &possible, r);
	if (!map)
		goto out;

	/* A read fault maps the shared blocks: the clean entry the write must drop. */
	result_step(r, "read-fault the shared extent");
	if (t->dax)
		dax_watch_start(&fw, &st, map);
	memcpy(buf, map, LEN);
	if (t->dax)
		check_fault_stop(&fw, r);
	bad = pattern_check(buf, LEN, shared, 0);
	if (bad != LEN) {
		result_fail(r,
			    "byte %zu of the cloned extent read through the mapping is not "
			    "cow-src's",
			    bad);
		goto out_watch;
	}

	result_step(r, "pwrite() 2 MiB over the shared extent (copy on write)");
	pattern_fill(buf, LEN, own, 0);
	if (pwrite(fd, buf, LEN, 0) != (ssize_t)LEN) {
		result_error(r, "pwrite: %s", strerror(errno ? errno : EIO));
		goto out_watch;
	}
	/* The mapping must have let go of the shared blocks. */
	result_step(r, "read the extent through the mapping again");
	memcpy(buf, map, LEN);
	bad = pattern_check(buf, LEN, own, 0);
	if (bad != LEN) {
		result_fail(r,
			    "byte %zu read through the mapping after the copy on write is "
			    "%s: the mapping kept the shared block",
			    bad,
			    pattern_check(buf + bad / 8 * 8, 8, shared, bad / 8 * 8) == 8 ?
				    "still cow-src's" :
				    "neither the new data nor cow-src's");
		goto out_watch;
	}
	if (read_back(fd, own, "by pwrite() over the shared extent", r) != (long long)LEN)
		goto out_watch;
	/* The other owner of the blocks keeps what it had. */
	if (read_back(sfd, shared, "in cow-src, which shared the extent", r) != (long long)LEN)
		goto out_watch;
	result_value(r, "bytes", LEN);
	result_pass(r);
out_watch:
	if (t->dax)
		check_fault_report(&fw, c->flags & CHECK_PMD, possible, r);
	else if (r->status == STATUS_PASS)
		result_skip(r, "not applicable: the file is not DAX");
out:
	free(buf);
	if (map)
		munmap(map, LEN);
	if (fd >= 0)
		close(fd);
	close(sfd);
	unlink(file);
	unlink(src);
}
