// SPDX-License-Identifier: GPL-2.0-only
#include "unit.h"

int unit_failures;

int unit_done(void)
{
	if (unit_failures)
		fprintf(stderr, "%d expectation(s) failed\n", unit_failures);
	return unit_failures ? 1 : 0;
}
