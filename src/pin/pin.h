/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PIN_H
#define ZD_PIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

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

	/* Written by the holder; read after pin_finish(). */
	long long taken_us; /* the reference is in place */
	long long release_us; /* the holder starts letting go */
	long long released_us; /* the holder has let go */
	int err; /* holder-side -errno, 0 when fine */
	unsigned char *back; /* vmsplice: the bytes the pipe gave back */
	size_t back_len;

	/* Called by the holder just before it lets go (evidence of state). */
	void (*at_release)(void *arg);
	void *arg;

	pthread_t holder;
	bool holder_running;
	int fd[2];

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
};

extern const struct pin_ops pin_vmsplice;

int pin_take(struct pin *p);
/*
 * If the holder has not started to let go, keeps the pin held until
 * pin_let_go() and returns true: time to look at what a layout change that
 * returned too early did while the page is still pinned.
 */
bool pin_extend(struct pin *p);
void pin_let_go(struct pin *p);
/* Waits for the holder thread to have let go, then frees what the pin used. */
void pin_finish(struct pin *p);

#endif
