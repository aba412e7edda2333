// SPDX-License-Identifier: GPL-2.0-only
/*
 * A line of a kernel configuration (/proc/config.gz) and of modules.dep
 * through kconfig_parse_line() and kmod_dep_line_names().
 */
#include "discover/kernel.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_string(data, size), val[8];

	if (!line)
		return 0;
	if (kconfig_parse_line(line, "FS_DAX", val, sizeof(val)))
		FUZZ_ASSERT(strlen(val) < sizeof(val) && !strchr(val, '\n'));
	kconfig_parse_line(line, "DEV_DAX_PMEM", val, sizeof(val));
	kmod_dep_line_names(line, "dm-delay");
	free(line);
	return 0;
}
