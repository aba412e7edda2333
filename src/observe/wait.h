/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_WAIT_H
#define ZD_WAIT_H

#include <stdbool.h>

/* The timeline of one layout change under a pin, all in now_us() time. */
struct wait_timeline {
	long long taken_us; /* the pin is in place */
	long long release_us; /* the holder began to let go */
	long long start_us; /* the change's syscall was entered */
	long long end_us; /* and returned */
	bool returned_while_held; /* the checker saw it return before the release */
	bool done_at_release; /* the holder saw it had returned */
	bool visible_at_release; /* its effect was visible (fstat) before the release */
};

/*
 * Whether the change provably did not complete while the page was pinned.
 * Timestamps alone could be fooled by a descheduled thread that recorded
 * its end late, so the holder's own observations at release must agree.
 */
bool wait_held(const struct wait_timeline *w);
/* Microseconds from the release to the change's return, or -1 if it did not wait. */
long long wait_wake_us(const struct wait_timeline *w);

#endif
