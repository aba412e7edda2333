// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/data/pmem2: the whole window written the way applications write
 * persistent memory (stores, then libpmem2's persist), then read
 * back three ways: through the same mapping, through a second mapping, and
 * from a forked child's own mapping. Device-dax maps the same physical
 * pages for everyone; any mismatch is a mapping or fault-path bug.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks/check.h"
#include "map/devmem.h"
#include "map/pattern.h"

#define CHUNK (2UL << 20)

/* Returns the offset of the first wrong byte in [0, len), or len. */
static size_t verify(const unsigned char *p, size_t len, uint64_t seed)
{
	size_t off, bad;

	for (off = 0; off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;

		bad = pattern_check(p + off, n, seed, off);
		if (bad != n)
			return off + bad;
	}
	return len;
}

static size_t verify_mapping(int fd, size_t len, uint64_t seed, int *err)
{
	unsigned char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	size_t bad;

	if (p == MAP_FAILED) {
		*err = errno;
		return 0;
	}
	*err = 0;
	bad = verify(p, len, seed);
	munmap(p, len);
	return bad;
}

void check_devdax_data(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	uint64_t seed = ctx->opt->seed;
	char why[256];
	struct devmem m;
	size_t off, bad;
	long long t0;
	int fd, err, st;
	pid_t child;

	fd = open(t->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (!result_exhausted(r, errno, "cannot open %s", t->path))
			result_error(r, "open %s: %s", t->path, strerror(errno));
		return;
	}
	err = devmem_map(&m, fd, 0, t->window, true, true, why, sizeof(why));
	if (err) {
		if (!result_exhausted(r, -err, "cannot map the %llu-byte window", t->window))
			result_fail(r, "mapping the %llu-byte window: %s", t->window, why);
		goto out_fd;
	}
	result_evidence(r, "window mapped by %s", m.pmem2 ? "libpmem2" : "mmap");
	result_step(r, "fill %llu bytes", t->window);
	t0 = now_us();
	for (off = 0; off < t->window; off += CHUNK) {
		size_t n = t->window - off < CHUNK ? t->window - off : CHUNK;

		devmem_fill(&m, off, n, seed);
	}
	result_value(r, "fill_us", now_us() - t0);
	result_value(r, "bytes", (long long)t->window);

	result_step(r, "verify through the same mapping");
	bad = verify(m.addr, t->window, seed);
	if (bad != t->window)
		result_fail(r, "byte %zu read back wrong through the writing mapping", bad);

	result_step(r, "verify through a second mapping");
	bad = verify_mapping(fd, t->window, seed, &err);
	if (err && !result_exhausted(r, err, "cannot map the window a second time"))
		result_fail(r, "second mapping: %s", strerror(err));
	else if (!err && bad != t->window)
		result_fail(r, "byte %zu read back wrong through a second mapping", bad);

	result_step(r, "verify from a forked child");
	child = fork();
	if (child == 0) {
		bad = verify_mapping(fd, t->window, seed, &err);
		_exit(zd_exhausted(err) ? 3 : err ? 2 : bad != t->window ? 1 : 0);
	}
	if (child < 0)
		result_no_resource(r, errno, ZD_LIM_PROCESS, "cannot fork the reader");
	else if (waitpid(child, &st, 0) != child || !WIFEXITED(st))
		result_error(r, "forked reader did not finish");
	else if (WEXITSTATUS(st) == 3)
		result_no_resource(r, ENOMEM, ZD_LIM_MEM,
				   "the forked reader cannot map the window");
	else if (WEXITSTATUS(st))
		result_fail(r, "a forked child's own mapping %s",
			    WEXITSTATUS(st) == 2 ? "failed" : "read back different bytes");
	devmem_unmap(&m);
	result_pass(r);
out_fd:
	close(fd);
}
