// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device-mapper target's status, "TYPE PARAMS" as dmsetup status prints
 * them after the sector range, through slowdev_delay_reads().
 */
#include "discover/slowdev.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *type = fuzz_string(data, size), *params;

	if (!type)
		return 0;
	/* libdevmapper hands over no params at all for a target without them. */
	params = strchr(type, ' ');
	if (params)
		*params++ = '\0';
	slowdev_delay_reads(type, params);
	free(type);
	return 0;
}
