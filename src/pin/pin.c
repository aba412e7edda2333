// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pin/pin.h"
#include "zdcheck.h"

/*
 * The pipes that hold pins in this process. A check killed while one of its
 * threads waits, uninterruptibly, for a page that its own pipe holds (from
 * v6.15 eviction does, in dax_break_layout_final()) could never die: the
 * pipe goes only with the process's last thread, and that thread is the one
 * waiting. So the runner asks a check to let go first, and this closes them.
 */
#define PIN_MAX_HELD 4
static volatile int held_fds[PIN_MAX_HELD] = { -1, -1, -1, -1 };
static bool *let_go_done;
static pid_t let_go_pid; /* helpers it forks inherit the handler: not theirs to say */

static void hold_fd(int fd, int was)
{
	size_t i;

	for (i = 0; i < PIN_MAX_HELD; i++)
		if (held_fds[i] == was) {
			held_fds[i] = fd;
			return;
		}
}

static void let_go_all(int sig)
{
	size_t i;

	for (i = 0; i < PIN_MAX_HELD; i++) {
		if (held_fds[i] >= 0)
			close(held_fds[i]);
		held_fds[i] = -1;
	}
	if (let_go_done && getpid() == let_go_pid)
		__atomic_store_n(let_go_done, true, __ATOMIC_RELEASE);
}

void pin_catch_let_go(bool *done)
{
	struct sigaction sa = { .sa_handler = let_go_all };

	let_go_done = done;
	let_go_pid = getpid();
	sigaction(PIN_LET_GO_SIGNAL, &sa, NULL);
}

static void sleep_until(long long t)
{
	struct timespec ts;
	long long left;

	while ((left = t - now_us()) > 0) {
		ts.tv_sec = left / 1000000;
		ts.tv_nsec = (left % 1000000) * 1000;
		nanosleep(&ts, NULL);
	}
}

static void *holder(void *arg)
{
	struct pin *p = arg;

	sleep_until(p->observe_at_us);
	pthread_mutex_lock(&p->lock);
	while (p->extended)
		pthread_cond_wait(&p->cond, &p->lock);
	p->releasing = true;
	pthread_mutex_unlock(&p->lock);
	p->observed_us = now_us();
	if (p->at_release)
		p->at_release(p->arg);
	/* The observation is only worth something if the pin was still there. */
	if (p->ops->in_flight && !p->ops->in_flight(p))
		p->completed_early = true;
	sleep_until(p->release_at_us);
	/* A device lets go on its own: count from the earliest moment it can. */
	p->release_us = p->ops->extendable ? now_us() : p->release_at_us;
	p->ops->release(p);
	if (!p->released_us)
		p->released_us = now_us();
	return NULL;
}

int pin_take(struct pin *p)
{
	int ret;

	p->fd[0] = p->fd[1] = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	ret = p->ops->take(p);
	if (p->fd[0] >= 0)
		hold_fd(p->fd[0], -1);
	if (ret)
		return ret;
	if (!p->taken_us)
		p->taken_us = now_us();
	if (!p->release_at_us)
		p->release_at_us = p->taken_us + p->hold_ms * 1000LL;
	if (!p->observe_at_us)
		p->observe_at_us = p->release_at_us;
	ret = pthread_create(&p->holder, NULL, holder, p);
	if (ret) {
		/* Without a holder nobody would let go: release right here. */
		p->ops->release(p);
		if (p->ops->free)
			p->ops->free(p);
		return pin_no_resource(p, "the holder thread", ZD_LIM_THREAD, ret);
	}
	p->holder_running = true;
	return 0;
}

int pin_no_resource(struct pin *p, const char *what, unsigned int limits, int err)
{
	p->failed = what;
	p->limits = limits;
	return -err;
}

bool pin_extend(struct pin *p)
{
	bool held;

	pthread_mutex_lock(&p->lock);
	if (!p->releasing)
		p->extended = true;
	held = p->extended;
	pthread_mutex_unlock(&p->lock);
	return held;
}

void pin_let_go(struct pin *p)
{
	pthread_mutex_lock(&p->lock);
	p->extended = false;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void pin_finish(struct pin *p)
{
	if (p->holder_running) {
		pin_let_go(p);
		pthread_join(p->holder, NULL);
	}
	p->holder_running = false;
	if (p->ops->free)
		p->ops->free(p);
	if (p->fd[0] >= 0) {
		hold_fd(-1, p->fd[0]);
		close(p->fd[0]);
	}
	if (p->fd[1] >= 0)
		close(p->fd[1]);
	p->fd[0] = p->fd[1] = -1;
}

bool pin_gone_early(const struct pin *p, char *why, size_t len)
{
	char dev[ZD_ABBREV];

	if (!p->completed_early)
		return false;
	snprintf(why, len,
		 "the %s read completed before the hold ended: %s is not slow enough, or "
		 "zdcheck looked %lld ms late",
		 p->ops->name,
		 p->dev && p->dev->path[0] ? zd_abbrev(p->dev->path, dev, sizeof(dev)) :
					     "the device",
		 (p->observed_us - p->observe_at_us) / 1000);
	return true;
}

bool pin_still_held(const struct pin *p, int *reads)
{
	int n = p->ops->in_flight && p->dev ? slowdev_reads_in_flight(p->dev) : -1;

	if (reads)
		*reads = n;
	return n != 0;
}
