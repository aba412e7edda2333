/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_MUTATOR_H
#define ZD_MUTATOR_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "mutate/mutate.h"

struct pin;
struct result;

/*
 * A layout change applied by a thread of its own while a page is pinned,
 * so that the caller can watch it wait: when it entered and left the
 * kernel, and where it sleeps when the pin is let go. The fs-dax pin
 * checks and zdcheck stress both drive their changes through it.
 */
struct mutator {
	const struct mutation *m;
	struct layout *l;
	long long start_us, end_us;
	int ret;
	int done_fd; /* eventfd: written when apply() returned */
	bool done;
	pid_t tid; /* the thread that applies the change, once it runs */
	pthread_t thread;
};

/* What was true at the moment the holder started to let go (pin->at_release). */
struct at_release {
	struct mutator *mu;
	bool done; /* the change had already returned */
	bool visible; /* its effect was already visible (fstat) */
	char state; /* the mutator thread's state letter, 0 if unknown */
	char wchan[64]; /* and the kernel function it slept in */
};

/*
 * A change still blocked at the wake limit is signalled and given this
 * long more, to tell a lost wake-up from a leaked reference.
 */
#define MUTATOR_RECHECK_S 1

/* Prepares @mu for @m on @l; -errno when its eventfd cannot be made. */
int mutator_init(struct mutator *mu, const struct mutation *m, struct layout *l);
void mutator_free(struct mutator *mu);
/* Starts the change in its thread: 0 or the pthread_create() error (positive). */
int mutator_start(struct mutator *mu);
/* Waits for the change to return, at most until @deadline_us. */
bool mutator_wait(struct mutator *mu, long long deadline_us);
/*
 * mutator_wait() past the release, where only a kernel that lost the
 * wake-up or leaked the page makes it last: the caller sleeps for seconds,
 * and says so in @r (result->waiting) so that the runner may start another
 * check meanwhile.
 */
bool mutator_wait_woken(struct mutator *mu, long long deadline_us, struct result *r);
/* For pin->at_release with a struct at_release: what the holder sees. */
void mutator_observe(void *arg);
/*
 * The change did not return within @limit_s of the release of pin @p:
 * finishes the pin, then tells a lost wake-up from a leaked reference by a
 * signal that makes the waiter re-check, and fails @r with the evidence;
 * a change that left its wait (@at) is held by neither, and says so: a
 * failure if it ran @alone, else inconclusive, to be made again alone.
 * The thread may still be blocked afterwards: leave its files alone.
 */
void mutator_no_wake(struct mutator *mu, const struct at_release *at, struct pin *p,
		     unsigned int limit_s, bool alone, struct result *r);

#endif
