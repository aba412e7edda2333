// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsdax/dax/statx-mapsync: every other fs-dax check is only worth something
 * if the kernel really gave us DAX files, so prove it three ways: the inode
 * flag statx reports, MAP_SYNC (refused by every non-DAX ->mmap), and stores
 * through that mapping being what read() returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/check.h"
#include "map/dax.h"
#include "map/pattern.h"

#define LEN (2UL << 20)

void check_fsdax_dax(const struct check *c, struct check_ctx *ctx)
{
	struct result *r = ctx->res;
	char file[PATH_MAX + 64], desc[160];
	struct dax_proof proof;
	unsigned char *map, *buf = NULL;
	long long t0;
	size_t bad;
	int fd, err;

	snprintf(file, sizeof(file), "%s/statx-mapsync", ctx->dir);
	fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (!result_exhausted(r, errno, "cannot open %s", file))
			result_error(r, "create %s: %s", file, strerror(errno));
		return;
	}
	result_step(r, "fallocate(%zu)", LEN);
	if (fallocate(fd, 0, 0, LEN)) {
		result_error(r, "fallocate %lu bytes: %s", LEN, strerror(errno));
		goto out;
	}

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
	if (!proof.statx_dax || proof.map_sync_err) {
		result_fail(r, "work file is not DAX%s: %s",
			    ctx->target->dax ? " although the directory's files were" :
					       " (control run with --allow-non-dax)",
			    desc);
		goto out;
	}

	result_step(r, "mmap(MAP_SHARED_VALIDATE|MAP_SYNC)");
	map = dax_map_sync(fd, LEN, 0, &err);
	if (!map) {
		if (!result_exhausted(r, err, "cannot map the %lu MiB file again", LEN >> 20))
			result_fail(r, "MAP_SYNC mapping failed on second try: %s",
				    strerror(err));
		goto out;
	}
	result_step(r, "store pattern through the mapping");
	t0 = now_us();
	pattern_fill(map, LEN, ctx->opt->seed, 0);
	result_value(r, "store_us", now_us() - t0);
	munmap(map, LEN);

	buf = malloc(LEN);
	if (!buf) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM,
				   "cannot allocate %lu MiB to read back", LEN >> 20);
		goto out;
	}
	result_step(r, "pread() the file back");
	if (pread(fd, buf, LEN, 0) != (ssize_t)LEN) {
		result_fail(r, "pread of %lu bytes after DAX stores: %s", LEN, strerror(errno));
		goto out;
	}
	bad = pattern_check(buf, LEN, ctx->opt->seed, 0);
	if (bad != LEN) {
		result_fail(r, "byte %zu read back as 0x%02x, stored 0x%02x through MAP_SYNC",
			    bad, buf[bad],
			    (unsigned int)(pattern_word(ctx->opt->seed, bad & ~7UL) >>
					   (8 * (bad & 7))) &
				    0xff);
		goto out;
	}
	result_value(r, "bytes", LEN);
	result_pass(r);
out:
	free(buf);
	close(fd);
	unlink(file);
}
