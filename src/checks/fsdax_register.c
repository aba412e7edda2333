// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsdax/uring-register[-pmd]/longterm: IORING_REGISTER_BUFFERS pins with
 * FOLL_LONGTERM, a pin that lasts until user space lets go. Break-layouts
 * cannot wait for that, so GUP must refuse it on fs-dax; accepting it
 * would let a truncate free blocks a device can still DMA into.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#if HAVE_LIBURING
#include <liburing.h>
#endif

#include "checks/check.h"
#include "map/dax.h"
#include "map/pattern.h"
#include "observe/dax_watch.h"

#define FILE_LEN (4UL << 20)
#define EXTENT (2UL << 20)

void check_fsdax_register(const struct check *c, struct check_ctx *ctx)
{
#if HAVE_LIBURING
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	bool pmd = c->flags & CHECK_PMD;
	char path[sizeof(t->workdir) + 16], why[sizeof(r->reason)];
	int fd, ret, err, possible = -1;
	struct dax_watch fw;
	struct io_uring ring;
	unsigned char *map;
	struct iovec iov;
	struct stat st;

	snprintf(path, sizeof(path), "%s/longterm", ctx->dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || fallocate(fd, 0, 0, FILE_LEN)) {
		if (!result_exhausted(r, errno, "cannot open %s", path))
			result_error(r, "create %s: %s", path, strerror(errno));
		goto out_fd;
	}
	map = dax_map_at(fd, FILE_LEN, EXTENT, pmd ? 0 : 4096, t->map_sync, &err);
	if (!map) {
		if (!result_exhausted(r, err, "cannot map the %lu MiB file", FILE_LEN >> 20))
			result_fail(r, "mapping the DAX file failed: %s", strerror(err));
		goto out_fd;
	}
	if (fstat(fd, &st)) {
		result_error(r, "fstat: %s", strerror(errno));
		goto out_map;
	}
	/* The registration must be refused for the mapping it saw: PMD or PTE. */
	if (t->dax)
		dax_watch_start(&fw, &st, map + EXTENT);
	pattern_fill(map, FILE_LEN, ctx->opt->seed, 0);
	if (pmd)
		possible = pmd_possible(fd, EXTENT, map + EXTENT, why, sizeof(why));
	ret = io_uring_queue_init(2, &ring, 0);
	if (ret < 0) {
		if (!result_exhausted(r, -ret, "cannot create an io_uring"))
			result_error(r, "io_uring_queue_init: %s", strerror(-ret));
		goto out_watch;
	}
	iov.iov_base = map + EXTENT;
	iov.iov_len = pmd ? EXTENT : 4096;
	result_step(r, "io_uring_register_buffers(%zu bytes of a DAX mapping)", iov.iov_len);
	ret = io_uring_register_buffers(&ring, &iov, 1);
	if (t->dax)
		check_fault_stop(&fw, r);
	result_value(r, "errno", ret < 0 ? -ret : 0);
	if (ret == 0) {
		io_uring_unregister_buffers(&ring);
		if (t->dax)
			result_fail(r,
				    "io_uring accepted a long-term pin (FOLL_LONGTERM) of %zu "
				    "bytes of fs-dax memory",
				    iov.iov_len);
		else
			result_skip(r, "not applicable: the file is not DAX");
	} else if (ret == -ENOMEM) {
		/* Registered buffers count against the locked-memory limit. */
		result_no_resource(r, -ret, ZD_LIM_MEMLOCK | ZD_LIM_MEM,
				   "io_uring_register_buffers cannot account the buffer");
	} else {
		result_evidence(r, "io_uring_register_buffers refused: %s", strerror(-ret));
		if (!t->dax)
			result_skip(r, "not applicable: the file is not DAX");
		result_pass(r);
	}
	io_uring_queue_exit(&ring);
out_watch:
	if (t->dax) {
		check_fault_stop(&fw, r);
		if (pmd && possible == 0)
			result_evidence(r, "no PMD mapping possible: %s", why);
		check_fault_report(&fw, pmd, possible, r);
	}
out_map:
	munmap(map, FILE_LEN);
out_fd:
	if (fd >= 0)
		close(fd);
	unlink(path);
#else
	result_skip(ctx->res, "zdcheck was built without liburing");
#endif
}
