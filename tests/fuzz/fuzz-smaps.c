// SPDX-License-Identifier: GPL-2.0-only
/* /proc/self/smaps text through smaps_parse_kb(), for two mappings' fields. */
#include <stdio.h>

#include "fuzz.h"
#include "observe/smaps.h"

static void parse(const uint8_t *data, size_t size, unsigned long addr, const char *field)
{
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return;
	smaps_parse_kb(f, addr, field);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size) /* fmemopen() refuses an empty buffer */
		return 0;
	/* The addresses the seeds map: a DAX file's PMD, and a library's page. */
	parse(data, size, 0x7f3a00200000UL, "FilePmdMapped");
	parse(data, size, 0x5609304eb000UL, "Rss");
	return 0;
}
