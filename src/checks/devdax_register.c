// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/uring-register/fixed-read: IORING_REGISTER_BUFFERS over device-dax
 * memory. Kernels differ (io_uring refused file-backed buffers of this kind
 * before v6.x; newer ones accept them, since device-dax has no layout to
 * break), so accepted or refused is reported as the observed fact. When
 * accepted, a fixed-buffer read must land the right bytes, and unregistering
 * must drop the long-term pin cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#if HAVE_LIBURING
#include <liburing.h>
#endif

#include "checks/devdax.h"
#include "map/pattern.h"

#define PAGE 4096UL

#if HAVE_LIBURING
/* A small file holding pattern @seed, the source of the fixed read. */
static int source_file(uint64_t seed)
{
	char path[] = "/tmp/zdcheck-fixed.XXXXXX";
	unsigned char buf[PAGE];
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	pattern_fill(buf, PAGE, seed, 0);
	if (pwrite(fd, buf, PAGE, 0) != (ssize_t)PAGE) {
		close(fd);
		return -1;
	}
	return fd;
}

static void fixed_read(struct result *r, struct io_uring *ring, unsigned char *buf,
		       uint64_t seed)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int src = source_file(seed), ret;

	if (src < 0) {
		if (!result_exhausted(r, errno, "cannot make the source file"))
			result_error(r, "cannot make the source file: %s", strerror(errno));
		return;
	}
	result_step(r, "IORING_OP_READ_FIXED into the registered device-dax buffer");
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_read_fixed(sqe, src, buf, PAGE, 0, 0);
	ret = io_uring_submit(ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0) {
		result_error(r, "io_uring: %s", strerror(-ret));
	} else {
		if (cqe->res != (int)PAGE)
			result_fail(r, "fixed read into device-dax returned %d", cqe->res);
		else if (pattern_check(buf, PAGE, seed, 0) != PAGE)
			result_fail(r, "fixed read into device-dax landed wrong bytes from %zu",
				    pattern_check(buf, PAGE, seed, 0));
		io_uring_cqe_seen(ring, cqe);
	}
	close(src);
}
#endif

void check_devdax_register(const struct check *c, struct check_ctx *ctx)
{
#if HAVE_LIBURING
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	struct io_uring ring;
	unsigned char *map;
	struct iovec iov;
	int fd, ret;

	map = devdax_map_head(t, r, &fd);
	if (!map)
		return;
	memset(map, 0, PAGE);
	ret = io_uring_queue_init(2, &ring, 0);
	if (ret < 0) {
		if (!result_exhausted(r, -ret, "cannot create an io_uring"))
			result_error(r, "io_uring_queue_init: %s", strerror(-ret));
		goto out_map;
	}
	iov.iov_base = map;
	iov.iov_len = PAGE;
	result_step(r, "io_uring_register_buffers(a device-dax page)");
	ret = io_uring_register_buffers(&ring, &iov, 1);
	result_value(r, "accepted", ret == 0);
	result_value(r, "errno", ret < 0 ? -ret : 0);
	if (ret == -ENOMEM) {
		/* Registered buffers count against the locked-memory limit. */
		result_no_resource(r, -ret, ZD_LIM_MEMLOCK | ZD_LIM_MEM,
				   "io_uring_register_buffers cannot account the buffer");
	} else if (ret < 0) {
		result_evidence(r, "registration refused: %s", strerror(-ret));
	} else {
		result_evidence(r, "registration accepted");
		fixed_read(r, &ring, map, ctx->opt->seed + 7);
		ret = io_uring_unregister_buffers(&ring);
		if (ret)
			result_fail(r, "io_uring_unregister_buffers: %s", strerror(-ret));
	}
	io_uring_queue_exit(&ring);
	result_pass(r);
out_map:
	devdax_unmap_head(t, map, fd);
#else
	result_skip(ctx->res, "zdcheck was built without liburing");
#endif
}
