// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stream's two routes. Both hand the kernel every slot whose read
 * completed in one call (io_submit, io_uring_submit_and_wait), so a round
 * trip costs a system call for a batch of reads, not for each.
 */
#include <errno.h>
#include <stdlib.h>

#if HAVE_LIBAIO
#include <libaio.h>
#endif
#if HAVE_LIBURING
#include <liburing.h>
#endif

#include "pin/stream.h"
#include "zdcheck.h"

const char *pin_route_name(enum pin_route route)
{
	return route == PIN_ROUTE_AIO ? "aio" : "uring";
}

/* The device offset of the next read. */
static off_t next_off(struct pin_stream *s)
{
	off_t off = s->next;

	s->next += (off_t)s->bs;
	if (s->next + (off_t)s->bs > s->src_len)
		s->next = 0;
	return off;
}

static int read_result(const struct pin_stream *s, long res)
{
	return res == (long)s->bs ? 0 : res < 0 ? (int)res : -EIO;
}

#if HAVE_LIBAIO
struct aio_stream {
	io_context_t ctx;
	struct iocb *cbs;
	struct iocb **batch;
	struct io_event *ev;
};

static int aio_open(struct pin_stream *s)
{
	struct aio_stream *a = calloc(1, sizeof(*a));
	int ret;

	if (!a)
		return -ENOMEM;
	a->cbs = calloc(s->qd, sizeof(*a->cbs));
	a->batch = calloc(s->qd, sizeof(*a->batch));
	a->ev = calloc(s->qd, sizeof(*a->ev));
	ret = a->cbs && a->batch && a->ev ? io_setup((int)s->qd, &a->ctx) : -ENOMEM;
	if (ret < 0) {
		free(a->cbs);
		free(a->batch);
		free(a->ev);
		free(a);
		return ret;
	}
	s->priv = a;
	return 0;
}

static void aio_prep(struct pin_stream *s, struct aio_stream *a, unsigned int slot)
{
	io_prep_pread(&a->cbs[slot], s->src_fd, s->buf + slot * s->bs, s->bs, next_off(s));
}

static int aio_run(struct pin_stream *s, long long until_us)
{
	struct aio_stream *a = s->priv;
	unsigned int i, n = 0, inflight = 0;
	int ret, err = 0;
	bool more = true;

	for (i = 0; i < s->qd; i++) {
		aio_prep(s, a, i);
		a->batch[n++] = &a->cbs[i];
	}
	do {
		if (n) {
			ret = io_submit(a->ctx, n, a->batch);
			if (ret != (int)n) {
				/* Some may have gone in: still wait for them. */
				inflight += ret > 0 ? (unsigned int)ret : 0;
				err = err ?: ret < 0 ? ret : -EAGAIN;
				more = false;
			} else {
				inflight += n;
			}
			n = 0;
		}
		if (!inflight)
			break;
		ret = io_getevents(a->ctx, 1, (long)inflight, a->ev, NULL);
		if (ret < 0) {
			if (ret == -EINTR)
				continue;
			return err ?: ret; /* the context is gone: nothing left to wait for */
		}
		inflight -= (unsigned int)ret;
		s->done += (unsigned int)ret;
		more = more && !err && now_us() < until_us;
		for (i = 0; i < (unsigned int)ret; i++) {
			err = err ?: read_result(s, (long)a->ev[i].res);
			if (more && !err) {
				unsigned int slot = (unsigned int)(a->ev[i].obj - a->cbs);

				aio_prep(s, a, slot);
				a->batch[n++] = &a->cbs[slot];
			}
		}
	} while (inflight || n);
	return err;
}

static void aio_close(struct pin_stream *s)
{
	struct aio_stream *a = s->priv;

	io_destroy(a->ctx);
	free(a->cbs);
	free(a->batch);
	free(a->ev);
	free(a);
}
#else
static int aio_open(struct pin_stream *s)
{
	return -EOPNOTSUPP;
}

static int aio_run(struct pin_stream *s, long long until_us)
{
	return -EOPNOTSUPP;
}

static void aio_close(struct pin_stream *s)
{
}
#endif

#if HAVE_LIBURING
static int uring_open(struct pin_stream *s)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	int ret;

	if (!ring)
		return -ENOMEM;
	ret = io_uring_queue_init(s->qd, ring, 0);
	if (ret < 0) {
		free(ring);
		return ret;
	}
	s->priv = ring;
	return 0;
}

static void uring_prep(struct pin_stream *s, struct io_uring *ring, unsigned int slot)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	/* A ring of qd entries with at most qd reads out always has an entry. */
	io_uring_prep_read(sqe, s->src_fd, s->buf + slot * s->bs, (unsigned int)s->bs,
			   (__u64)next_off(s));
	io_uring_sqe_set_data64(sqe, slot);
}

static int uring_run(struct pin_stream *s, long long until_us)
{
	struct io_uring *ring = s->priv;
	struct io_uring_cqe *cqe;
	unsigned int i, head, seen, inflight = 0;
	int ret, err = 0;
	bool more = true;

	for (i = 0; i < s->qd; i++)
		uring_prep(s, ring, i);
	for (;;) {
		ret = io_uring_submit_and_wait(ring, inflight ? 1 : 0);
		if (ret > 0)
			inflight += (unsigned int)ret;
		else if (ret < 0 && ret != -EINTR)
			err = err ?: ret; /* no more: only wait for what is out */
		if (!inflight)
			break;
		if (ret < 0 && ret != -EINTR && io_uring_wait_cqe(ring, &cqe) < 0)
			return err;
		seen = 0;
		more = more && !err && now_us() < until_us;
		io_uring_for_each_cqe(ring, head, cqe)
		{
			err = err ?: read_result(s, cqe->res);
			if (more && !err)
				uring_prep(s, ring, (unsigned int)io_uring_cqe_get_data64(cqe));
			seen++;
		}
		io_uring_cq_advance(ring, seen);
		inflight -= seen;
		s->done += seen;
	}
	return err;
}

static void uring_close(struct pin_stream *s)
{
	io_uring_queue_exit(s->priv);
	free(s->priv);
}
#else
static int uring_open(struct pin_stream *s)
{
	return -EOPNOTSUPP;
}

static int uring_run(struct pin_stream *s, long long until_us)
{
	return -EOPNOTSUPP;
}

static void uring_close(struct pin_stream *s)
{
}
#endif

int pin_stream_open(struct pin_stream *s, enum pin_route route, int src_fd, off_t src_len,
		    unsigned char *buf, size_t bs, unsigned int qd)
{
	*s = (struct pin_stream){ .route = route,
				  .src_fd = src_fd,
				  .src_len = src_len,
				  .buf = buf,
				  .bs = bs,
				  .qd = qd };
	if (!qd || !bs || src_len < (off_t)bs)
		return -EINVAL;
	return route == PIN_ROUTE_AIO ? aio_open(s) : uring_open(s);
}

int pin_stream_run(struct pin_stream *s, long long until_us)
{
	return s->route == PIN_ROUTE_AIO ? aio_run(s, until_us) : uring_run(s, until_us);
}

void pin_stream_close(struct pin_stream *s)
{
	if (!s->priv)
		return;
	if (s->route == PIN_ROUTE_AIO)
		aio_close(s);
	else
		uring_close(s);
	s->priv = NULL;
}
