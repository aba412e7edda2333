// SPDX-License-Identifier: GPL-2.0-only
/*
 * O_DIRECT reads from a slow non-DAX block device *into* the DAX mapping.
 * The block layer pins the destination pages when it builds the bio
 * (FOLL_GET before v6.5, FOLL_PIN since) and unpins them at completion,
 * which the device delays by the hold time: the pages stay pinned for
 * exactly as long as a real DMA would keep them. (O_DIRECT *on* a DAX
 * file is a copy and pins nothing.) Three ways to issue it: libaio,
 * io_uring with an unregistered buffer, and a plain pread() in a thread.
 *
 * A pin counts as taken only once the device reports the read in flight
 * (dm-delay's status): io_uring, for one, may retry the read from an io-wq
 * worker after the inline attempt would block, and until that worker has
 * built its bio nothing is pinned.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#if HAVE_LIBAIO
#include <libaio.h>
#endif
#if HAVE_LIBURING
#include <liburing.h>
#endif

#include "observe/task.h"
#include "pin/pin.h"
#include "pin/ring.h"
#include "zdcheck.h"

/*
 * dm-delay counts in jiffies from when it maps the bio, so a read can
 * complete a couple of jiffies before submission + delay.
 */
#define JIFFY_SLACK_US 10000

static void set_times(struct pin *p, long long submit_us)
{
	long long hold = p->hold_ms * 1000LL, early = hold / 4;

	p->taken_us = now_us();
	p->release_at_us =
		submit_us + (hold > 2 * JIFFY_SLACK_US ? hold - JIFFY_SLACK_US : hold);
	if (early < 20000)
		early = 20000;
	p->observe_at_us = submit_us + (hold > early ? hold - early : 0);
}

/*
 * Returns 0 once the device has the read, -ETIME if it never got it: a
 * code of its own, since -EAGAIN is also what a thread that cannot be
 * created returns.
 */
static int wait_submitted(struct pin *p, long long deadline_us)
{
	if (!p->dev || slowdev_reads_in_flight(p->dev) < 0)
		return 0; /* cannot be observed: trust the submission */
	while (slowdev_reads_in_flight(p->dev) < 1)
		if (now_us() > deadline_us)
			return -ETIME;
		else
			usleep(100);
	return 0;
}

#if HAVE_LIBAIO
/*
 * The completion is reaped only by the holder, in aio_release(); whether it
 * happened is read from an eventfd the kernel signals then, which other
 * threads may poll while the holder waits in io_getevents().
 */
struct aio_pin {
	io_context_t ctx;
	struct iocb cb;
	int efd;
};

static bool aio_in_flight(struct pin *p)
{
	struct aio_pin *a = p->priv;
	struct pollfd pfd = { .fd = a->efd, .events = POLLIN };
	int n;

	while ((n = poll(&pfd, 1, 0)) < 0 && errno == EINTR)
		;
	return n == 0;
}

static void aio_release(struct pin *p)
{
	struct aio_pin *a = p->priv;
	struct timespec limit = { .tv_sec = 60 };
	struct io_event ev;
	int n;

	n = io_getevents(a->ctx, 1, 1, &ev, &limit);
	p->released_us = now_us();
	if (n != 1)
		p->err = n < 0 ? n : -ETIMEDOUT;
	else if (ev.res != p->len)
		p->err = (long)ev.res < 0 ? (int)ev.res : -EIO;
}

static void aio_free(struct pin *p)
{
	struct aio_pin *a = p->priv;

	if (!a)
		return;
	io_destroy(a->ctx);
	close(a->efd);
	free(a);
	p->priv = NULL;
}

static int aio_take(struct pin *p)
{
	struct aio_pin *a = calloc(1, sizeof(*a));
	struct iocb *cbs[1] = { NULL };
	long long submit;
	int ret;

	if (!a)
		return pin_no_resource(p, "memory for an aio context", ZD_LIM_MEM, ENOMEM);
	a->efd = eventfd(0, EFD_CLOEXEC);
	if (a->efd < 0) {
		ret = errno;
		free(a);
		return pin_no_resource(p, "an eventfd", ZD_LIM_FD, ret);
	}
	ret = io_setup(1, &a->ctx);
	if (ret < 0) {
		close(a->efd);
		free(a);
		/* Out of aio contexts or memory; anything else is the kernel's answer. */
		if (ret == -EAGAIN || ret == -ENOMEM)
			return pin_no_resource(p, "an aio context (io_setup)",
					       ZD_LIM_AIO | ZD_LIM_MEM, -ret);
		return ret;
	}
	p->priv = a;
	io_prep_pread(&a->cb, p->src_fd, p->addr, p->len, 0);
	io_set_eventfd(&a->cb, a->efd);
	cbs[0] = &a->cb;
	submit = now_us();
	ret = io_submit(a->ctx, 1, cbs);
	if (ret != 1) {
		aio_free(p);
		return ret < 0 ? ret : -EIO;
	}
	ret = wait_submitted(p, submit + p->hold_ms * 500LL);
	if (ret) {
		aio_release(p); /* never leave a read in flight into our mapping */
		aio_free(p);
		return ret;
	}
	set_times(p, submit);
	return 0;
}
#else
static bool aio_in_flight(struct pin *p)
{
	return false;
}

static void aio_release(struct pin *p)
{
}

static void aio_free(struct pin *p)
{
}

static int aio_take(struct pin *p)
{
	return -EOPNOTSUPP;
}
#endif

#if HAVE_LIBURING
/* Reads the ring's tail only: the holder may be waiting on it meanwhile. */
static bool uring_in_flight(struct pin *p)
{
	return io_uring_cq_ready(p->priv) == 0;
}

static void uring_release(struct pin *p)
{
	struct io_uring *ring = p->priv;
	struct __kernel_timespec limit = { .tv_sec = 60 };
	struct io_uring_cqe *cqe = NULL;
	int ret;

	ret = io_uring_wait_cqe_timeout(ring, &cqe, &limit);
	p->released_us = now_us();
	if (ret < 0)
		p->err = ret;
	else if (cqe->res != (int)p->len)
		p->err = cqe->res < 0 ? cqe->res : -EIO;
}

static void uring_free(struct pin *p)
{
	if (!p->priv)
		return;
	io_uring_queue_exit(p->priv);
	free(p->priv);
	p->priv = NULL;
}

int pin_ring_new(struct pin *p, unsigned int entries, struct io_uring **ringp)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	int ret;

	if (!ring)
		return pin_no_resource(p, "memory for an io_uring", ZD_LIM_MEM, ENOMEM);
	ret = io_uring_queue_init(entries, ring, 0);
	if (ret < 0) {
		free(ring);
		if (ret == -ENOMEM || ret == -EMFILE || ret == -ENFILE)
			return pin_no_resource(p, "an io_uring (io_uring_queue_init)",
					       ZD_LIM_FD | ZD_LIM_MEMLOCK | ZD_LIM_AS, -ret);
		return ret;
	}
	*ringp = ring;
	return 0;
}

static int uring_take(struct pin *p)
{
	struct io_uring *ring;
	struct io_uring_sqe *sqe;
	long long submit;
	int ret;

	ret = pin_ring_new(p, 4, &ring);
	if (ret)
		return ret;
	p->priv = ring;
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_read(sqe, p->src_fd, p->addr, (unsigned int)p->len, 0);
	submit = now_us();
	ret = io_uring_submit(ring);
	if (ret != 1) {
		io_uring_queue_exit(ring);
		free(ring);
		p->priv = NULL;
		return ret < 0 ? ret : -EIO;
	}
	ret = wait_submitted(p, submit + p->hold_ms * 500LL);
	if (ret) {
		uring_release(p);
		uring_free(p);
		return ret;
	}
	set_times(p, submit);
	return 0;
}
#else
static bool uring_in_flight(struct pin *p)
{
	return false;
}

static void uring_release(struct pin *p)
{
}

static void uring_free(struct pin *p)
{
}

static int uring_take(struct pin *p)
{
	return -EOPNOTSUPP;
}
#endif

struct pread_pin {
	pthread_t thread;
	pid_t tid;
	ssize_t ret;
	int err;
	bool done;
};

static void *pread_main(void *arg)
{
	struct pin *p = arg;
	struct pread_pin *t = p->priv;

	__atomic_store_n(&t->tid, gettid(), __ATOMIC_RELEASE);
	t->ret = pread(p->src_fd, p->addr, p->len, 0);
	t->err = t->ret < 0 ? errno : 0;
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static bool pread_in_flight(struct pin *p)
{
	struct pread_pin *t = p->priv;

	return !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}

static void pread_release(struct pin *p)
{
	struct pread_pin *t = p->priv;

	pthread_join(t->thread, NULL);
	p->released_us = now_us();
	if (t->ret != (ssize_t)p->len)
		p->err = t->err ? -t->err : -EIO;
}

static void pread_free(struct pin *p)
{
	free(p->priv);
	p->priv = NULL;
}

/*
 * A synchronous read pins inside pread(): it is held once the device has
 * the read and the reading thread sleeps uninterruptibly waiting for it.
 */
static int pread_take(struct pin *p)
{
	struct pread_pin *t = calloc(1, sizeof(*t));
	long long submit, deadline;
	pid_t tid;
	int ret;

	if (!t)
		return pin_no_resource(p, "memory for the reading thread", ZD_LIM_MEM, ENOMEM);
	p->priv = t;
	submit = now_us();
	ret = pthread_create(&t->thread, NULL, pread_main, p);
	if (ret) {
		free(t);
		p->priv = NULL;
		return pin_no_resource(p, "the reading thread", ZD_LIM_THREAD, ret);
	}
	deadline = submit + p->hold_ms * 500LL;
	ret = wait_submitted(p, deadline);
	while (!ret && !((tid = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE)) &&
			 task_state(getpid(), tid) == 'D')) {
		if (now_us() > deadline || !pread_in_flight(p))
			ret = -ETIME;
		usleep(100);
	}
	if (ret) {
		pread_release(p);
		pread_free(p);
		return ret;
	}
	set_times(p, submit);
	return 0;
}

const struct pin_ops pin_dio_aio = {
	.name = "aio",
	.take = aio_take,
	.release = aio_release,
	.free = aio_free,
	.in_flight = aio_in_flight,
};
const struct pin_ops pin_dio_uring = {
	.name = "uring",
	.take = uring_take,
	.release = uring_release,
	.free = uring_free,
	.in_flight = uring_in_flight,
};
const struct pin_ops pin_dio_pread = {
	.name = "pread",
	.take = pread_take,
	.release = pread_release,
	.free = pread_free,
	.in_flight = pread_in_flight,
};
