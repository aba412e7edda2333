// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmsplice(2) of mapped pages into a pipe: the pipe buffers hold page
 * references (GUP with FOLL_GET) until the pipe is read, so the hold time is
 * entirely ours and no device is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pin/pin.h"
#include "zdcheck.h"

static int vmsplice_take(struct pin *p)
{
	struct iovec iov = { .iov_base = p->addr, .iov_len = p->len };
	ssize_t n;

	p->back = malloc(p->len);
	if (!p->back)
		return pin_no_resource(p, "memory for the pipe's bytes", ZD_LIM_MEM, ENOMEM);
	if (pipe2(p->fd, O_CLOEXEC))
		return pin_no_resource(p, "a pipe", ZD_LIM_FD, errno);
	/* The default pipe holds 16 pages; the whole range must fit at once. */
	if (p->len > 65536 && fcntl(p->fd[1], F_SETPIPE_SZ, (int)p->len) < 0)
		return pin_no_resource(p, "a pipe that big (fs.pipe-max-size)", 0, errno);
	n = vmsplice(p->fd[1], &iov, 1, 0);
	if (n < 0)
		return -errno;
	p->taken_us = now_us();
	if ((size_t)n != p->len)
		return -ENOBUFS; /* a partial pin would be a different experiment */
	close(p->fd[1]);
	p->fd[1] = -1;
	return 0;
}

/* Draining the pipe drops the page references: that is the release. */
static void vmsplice_release(struct pin *p)
{
	size_t got = 0;
	ssize_t n;

	while (got < p->len) {
		n = read(p->fd[0], p->back + got, p->len - got);
		if (n <= 0) {
			p->err = n < 0 ? -errno : -EIO;
			break;
		}
		got += (size_t)n;
	}
	p->released_us = now_us();
	p->back_len = got;
}

const struct pin_ops pin_vmsplice = {
	.name = "vmsplice",
	.take = vmsplice_take,
	.release = vmsplice_release,
	.extendable = true,
};
