// SPDX-License-Identifier: GPL-2.0-only
#include "observe/wait.h"

bool wait_held(const struct wait_timeline *w)
{
	if (w->returned_while_held || w->done_at_release || w->visible_at_release)
		return false;
	return w->release_us > 0 && w->end_us >= w->release_us && w->start_us <= w->release_us;
}

long long wait_wake_us(const struct wait_timeline *w)
{
	return wait_held(w) ? w->end_us - w->release_us : -1;
}
