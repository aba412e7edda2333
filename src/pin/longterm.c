// SPDX-License-Identifier: GPL-2.0-only
/*
 * io_uring fixed buffers: IORING_REGISTER_BUFFERS takes the pages with
 * FOLL_LONGTERM and keeps them until the buffers are unregistered, a hold
 * that is entirely ours, as vmsplice's. Device-dax memory takes it; fs-dax
 * memory must refuse it, since break-layouts cannot wait for a pin user
 * space may keep for ever (fsdax/uring-register/longterm).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>

#if HAVE_LIBURING
#include <liburing.h>
#endif

#include "pin/pin.h"
#include "pin/ring.h"
#include "zdcheck.h"

#if HAVE_LIBURING
static int longterm_take(struct pin *p)
{
	struct iovec iov = { .iov_base = p->addr, .iov_len = p->len };
	struct io_uring *ring;
	int ret;

	ret = pin_ring_new(p, 2, &ring);
	if (ret)
		return ret;
	ret = io_uring_register_buffers(ring, &iov, 1);
	if (ret < 0) {
		io_uring_queue_exit(ring);
		free(ring);
		/* Registered buffers count against the locked-memory limit. */
		if (ret == -ENOMEM)
			return pin_no_resource(
				p, "a registered buffer (io_uring_register_buffers)",
				ZD_LIM_MEMLOCK | ZD_LIM_MEM, -ret);
		return ret;
	}
	p->priv = ring;
	p->taken_us = now_us();
	return 0;
}

static void longterm_release(struct pin *p)
{
	struct io_uring *ring = p->priv;

	if (!ring)
		return;
	p->err = io_uring_unregister_buffers(ring);
	p->released_us = now_us();
	io_uring_queue_exit(ring);
	free(ring);
	p->priv = NULL;
}
#else
static int longterm_take(struct pin *p)
{
	return -EOPNOTSUPP;
}

static void longterm_release(struct pin *p)
{
}
#endif

const struct pin_ops pin_uring_longterm = {
	.name = "uring-fixed",
	.take = longterm_take,
	.release = longterm_release,
	.extendable = true,
};
