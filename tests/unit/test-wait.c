// SPDX-License-Identifier: GPL-2.0-only
/* The wait/wake verdict with injected timelines. */
#include "observe/wait.h"
#include "unit.h"

int main(void)
{
	/* Pin at 0, released at 200 ms, change from 1 ms to 200.3 ms: waited. */
	struct wait_timeline ok = {
		.taken_us = 0, .release_us = 200000, .start_us = 1000, .end_us = 200300
	};
	struct wait_timeline w;

	EXPECT(wait_held(&ok));
	EXPECT(wait_wake_us(&ok) == 300);

	/* Returned after 2 ms while pinned. */
	w = ok;
	w.end_us = 3000;
	EXPECT(!wait_held(&w));
	EXPECT(wait_wake_us(&w) == -1);

	/* The checker saw it return early (and kept the pin longer). */
	w = ok;
	w.returned_while_held = true;
	EXPECT(!wait_held(&w));

	/* Timestamps say "waited", but the holder saw it had returned already:
	 * the mutator thread was descheduled before it recorded its end. */
	w = ok;
	w.done_at_release = true;
	EXPECT(!wait_held(&w));

	/* Still blocked, but its effect was visible before the release. */
	w = ok;
	w.visible_at_release = true;
	EXPECT(!wait_held(&w));

	/* Never released, or started only after the release: nothing proven. */
	w = ok;
	w.release_us = 0;
	EXPECT(!wait_held(&w));
	w = ok;
	w.start_us = 250000;
	w.end_us = 250100;
	EXPECT(!wait_held(&w));

	/* Ending exactly at the release counts as waiting, with zero wake. */
	w = ok;
	w.end_us = w.release_us;
	EXPECT(wait_held(&w) && wait_wake_us(&w) == 0);
	return unit_done();
}
