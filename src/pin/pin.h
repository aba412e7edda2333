/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PIN_H
#define ZD_PIN_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "discover/slowdev.h"

/*
 * A pin is a page reference taken on a DAX mapping through one of the
 * kernel's routes. It is let go by a holder thread on its own timer, never
 * by the task that changes the layout or drops the last file reference:
 * on kernels where eviction waits uninterruptibly (v6.15+) that task
 * would otherwise wait for itself, unkillable.
 */
struct pin {
	const struct pin_ops *ops;
	unsigned char *addr; /* pinned range, inside a DAX mapping */
	size_t len;
	unsigned int hold_ms;
	int src_fd; /* O_DIRECT pins: the slow device read from */

	/*
	 * When the holder starts to let go. vmsplice: taken + hold. O_DIRECT:
	 * the earliest moment the delayed read can complete.
	 */
	long long release_at_us;
	/*
	 * When the holder looks at the layout change (at_release). Equal to
	 * release_at_us when we let go ourselves; for a device's delay it is
	 * well before the earliest completion, so that a late-waking holder
	 * cannot see a change that correctly finished after the completion.
	 */
	long long observe_at_us;
	bool completed_early; /* O_DIRECT: already done when the holder looked */
	long long observed_us; /* when the holder looked */
	const struct slowdev *dev; /* O_DIRECT: the slow device, to see reads in flight */

	/* Written by the holder; read after pin_finish(). */
	long long taken_us; /* the reference is in place */
	long long release_us; /* the holder starts letting go */
	long long released_us; /* the holder has let go */
	int err; /* holder-side -errno, 0 when fine */
	/*
	 * When pin_take() failed for want of one of zdcheck's own resources:
	 * what it could not make ("the holder thread"), and the limits
	 * (enum zd_limit) that can explain it. NULL when the kernel refused.
	 */
	const char *failed;
	unsigned int limits;
	unsigned char *back; /* vmsplice: the bytes the pipe gave back */
	size_t back_len;

	/* Called by the holder just before it lets go (evidence of state). */
	void (*at_release)(void *arg);
	void *arg;

	pthread_t holder;
	bool holder_running;
	int fd[2];
	void *priv; /* the pin's own state (aio context, ring, thread) */

	/* pin_extend() keeps the holder from letting go until pin_let_go(). */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool releasing;
	bool extended;
};

struct pin_ops {
	const char *name;
	/* Takes the pin; returns 0 when it is held, -errno when the kernel refused. */
	int (*take)(struct pin *p);
	/* The holder's work after hold_ms: let go, record released_us. */
	void (*release)(struct pin *p);
	/*
	 * Frees what take() made, once the holder is gone (pin_finish()):
	 * release() must leave it to in_flight() callers on other threads.
	 */
	void (*free)(struct pin *p);
	/*
	 * Whether the read is still in flight (O_DIRECT pins only): from any
	 * thread until pin_finish(), also while the holder lets go.
	 */
	bool (*in_flight)(struct pin *p);
	/* The hold is ours to extend (vmsplice); a device's delay is not. */
	bool extendable;
};

extern const struct pin_ops pin_vmsplice, pin_dio_aio, pin_dio_uring, pin_dio_pread,
	pin_uring_longterm;

/*
 * Returns 0 when the pin is held; -errno when the kernel refused it or
 * zdcheck's own resources ran out (p->failed says which), or -ETIME when
 * an O_DIRECT read did not reach the slow device in time (a loaded
 * machine: try again).
 */
int pin_take(struct pin *p);
/* For the pins' take(): records that @what could not be made; returns -@err. */
int pin_no_resource(struct pin *p, const char *what, unsigned int limits, int err);
/*
 * If the holder has not started to let go, keeps the pin held until
 * pin_let_go() and returns true: time to look at what a layout change that
 * returned too early did while the page is still pinned.
 */
bool pin_extend(struct pin *p);
void pin_let_go(struct pin *p);
/* Waits for the holder thread to have let go, then frees what the pin used. */
void pin_finish(struct pin *p);
/*
 * In a check's process: on PIN_LET_GO_SIGNAL, close the pipes that hold its
 * pins, so that a thread waiting for those pages can end, then set *@done.
 * The runner sends it before it kills a check that is still running, and
 * waits for *@done: once SIGKILL is pending no handler runs any more.
 */
#define PIN_LET_GO_SIGNAL SIGUSR2
void pin_catch_let_go(bool *done);
/*
 * After pin_finish(): whether an O_DIRECT pin was gone before the holder
 * looked (too fast a device, or a holder that woke late), with the reason
 * in @why; such a run proved nothing.
 */
bool pin_gone_early(const struct pin *p, char *why, size_t len);
/*
 * While the pin is held, right after a layout change returned before
 * release_at_us: false when nothing shows the page still pinned, because
 * the slow device already ended its read (it lets go on its own clock:
 * dm-delay counts jiffies, which lag under load). A read ends once, so a
 * read the device still has proves the page pinned when the change
 * returned. Pins we let go ourselves, and devices whose reads cannot be
 * counted, are held until release_at_us. @reads, when not NULL, gets the
 * count (-1: not counted).
 */
bool pin_still_held(const struct pin *p, int *reads);

#endif
