// SPDX-License-Identifier: GPL-2.0-only
/*
 * The thread that applies a layout change under a pin, and what can be
 * seen of it from outside: its timeline, its state and wchan when the pin
 * goes, and, when it does not come back, whether the kernel lost its
 * wake-up or still holds the page.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mutate/mutator.h"
#include "observe/task.h"
#include "pin/pin.h"
#include "report/result.h"

int mutator_init(struct mutator *mu, const struct mutation *m, struct layout *l)
{
	*mu = (struct mutator){ .m = m, .l = l };
	mu->done_fd = eventfd(0, EFD_CLOEXEC);
	return mu->done_fd < 0 ? -errno : 0;
}

void mutator_free(struct mutator *mu)
{
	if (mu->done_fd >= 0)
		close(mu->done_fd);
	mu->done_fd = -1;
}

static void *mutator_main(void *arg)
{
	struct mutator *mu = arg;
	uint64_t one = 1;

	__atomic_store_n(&mu->tid, gettid(), __ATOMIC_RELEASE);
	mu->start_us = now_us();
	mu->ret = mu->m->apply(mu->l);
	mu->end_us = now_us();
	__atomic_store_n(&mu->done, true, __ATOMIC_RELEASE);
	if (write(mu->done_fd, &one, sizeof(one)) < 0)
		mu->ret = mu->ret ? mu->ret : -errno;
	return NULL;
}

int mutator_start(struct mutator *mu)
{
	return pthread_create(&mu->thread, NULL, mutator_main, mu);
}

bool mutator_wait(struct mutator *mu, long long deadline_us)
{
	struct pollfd pfd = { .fd = mu->done_fd, .events = POLLIN };
	long long left;

	while (!__atomic_load_n(&mu->done, __ATOMIC_ACQUIRE)) {
		left = deadline_us - now_us();
		if (left <= 0)
			return false;
		poll(&pfd, 1, (int)(left / 1000) + 1);
	}
	return true;
}

bool mutator_wait_woken(struct mutator *mu, long long deadline_us, struct result *r)
{
	bool done;

	__atomic_store_n(&r->waiting, true, __ATOMIC_RELEASE);
	done = mutator_wait(mu, deadline_us);
	__atomic_store_n(&r->waiting, false, __ATOMIC_RELEASE);
	return done;
}

void mutator_observe(void *arg)
{
	struct at_release *a = arg;
	pid_t tid = __atomic_load_n(&a->mu->tid, __ATOMIC_ACQUIRE);

	a->done = __atomic_load_n(&a->mu->done, __ATOMIC_ACQUIRE);
	if (!a->done && a->mu->m->visible)
		a->visible = a->mu->m->visible(a->mu->l);
	/* The wait as the kernel shows it: where the change sleeps while pinned. */
	if (!a->done && tid)
		a->state = task_wchan(getpid(), tid, a->wchan, sizeof(a->wchan));
}

/*
 * Whether the change has left the sleep @at saw it in when the pin went
 * (it was woken, and something after the wait holds it), with its state
 * letter and wchan now.
 */
static bool left_wait(struct mutator *mu, const struct at_release *at, char *state, char *wchan,
		      size_t len)
{
	pid_t tid = __atomic_load_n(&mu->tid, __ATOMIC_ACQUIRE);

	*state = tid ? task_wchan(getpid(), tid, wchan, len) : 0;
	if (!tid)
		snprintf(wchan, len, "?");
	return task_left_sleep(at->state, at->wchan, *state, wchan);
}

static void on_signal(int sig)
{
}

/*
 * The wait in break-layouts is interruptible and restarts, re-checking the
 * page: if the change now returns, the page was idle and nobody woke the
 * waiter (a lost wake-up); if it blocks again, the page is still
 * referenced (a leak).
 */
void mutator_no_wake(struct mutator *mu, const struct at_release *at, struct pin *p,
		     unsigned int limit_s, bool alone, struct result *r)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	const struct mutation *m = mu->m;
	char wchan[64] = "", state;
	bool left;

	result_evidence(r, "%s still blocked %u s after the pin was let go:", m->call, limit_s);
	task_describe_group(getpgrp(), r);
	left = left_wait(mu, at, &state, wchan, sizeof(wchan));
	pin_finish(p);
	if (p->err)
		result_evidence(r, "the pin's own release failed: %s", strerror(-p->err));
	else
		result_evidence(r, "the pin was released %lld us after it was taken",
				p->released_us - p->taken_us);
	/*
	 * Woken, and held by what comes after the wait: neither a lost
	 * wake-up nor the page, and a signal would prove nothing. Other
	 * checks' work can slow that (a journal commit queued behind their
	 * MAP_SYNC faults on slow memory): only a run alone can tell.
	 */
	if (left && !alone) {
		result_crowded(r,
			       "%s left its wait for the page but had not returned %u s "
			       "after the pin was released, while other checks ran "
			       "(state %c, wchan %s): run alone",
			       m->call, limit_s, state ? state : '?', wchan);
		return;
	}
	if (left) {
		result_fail(r,
			    "%s left its wait for the page (%s) but had not returned %u s "
			    "after the pin was released: state %c, wchan %s",
			    m->call, at->wchan, limit_s, state ? state : '?', wchan);
		r->own_fail = true;
		return;
	}
	sigaction(SIGUSR1, &sa, NULL);
	pthread_kill(mu->thread, SIGUSR1);
	if (mutator_wait_woken(mu, now_us() + MUTATOR_RECHECK_S * 1000000LL, r)) {
		result_fail(r,
			    "%s never woke up after the pin was released (lost wake-up): "
			    "after a signal made it re-check, it returned at once",
			    m->call);
		r->own_fail = true;
		return;
	}
	result_evidence(r, "still blocked 1 s after %s:",
			state == 'D' ? "the signal" : "a signal made it re-check");
	task_describe_group(getpgrp(), r);
	/*
	 * An uninterruptible wait (eviction's since v6.15) does not re-check
	 * on a signal: a waiter nobody woke and a page still referenced look
	 * alike from here, so say both.
	 */
	if (state == 'D')
		result_fail(r,
			    "%s still waits %u s after the pin was released, in an "
			    "uninterruptible sleep (%s) that a signal cannot end: a lost "
			    "wake-up or a leaked reference",
			    m->call, limit_s, wchan[0] ? wchan : "wchan unknown");
	else
		result_fail(r,
			    "%s still waits %u s after the pin was released: the page is "
			    "still referenced (leaked reference), a signal did not help",
			    m->call, limit_s);
}
