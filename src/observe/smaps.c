// SPDX-License-Identifier: GPL-2.0-only
/* What the kernel says about one of our own mappings in /proc/self/smaps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe/smaps.h"

long smaps_parse_kb(FILE *f, unsigned long addr, const char *field)
{
	unsigned long start, end;
	size_t n = strlen(field), cap = 0;
	char *line = NULL;
	bool in = false;
	long kb = -1;

	/*
	 * Whole lines: a mapping's path runs to PATH_MAX, and the rest of a
	 * header cut by a fixed buffer would be read as a line of its own.
	 */
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = addr >= start && addr < end;
			continue;
		}
		if (in && !strncmp(line, field, n) && line[n] == ':') {
			sscanf(line + n + 1, "%ld", &kb);
			break;
		}
	}
	free(line);
	return kb;
}

long smaps_field_kb(const void *addr, const char *field)
{
	long kb;
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	kb = smaps_parse_kb(f, (unsigned long)addr, field);
	fclose(f);
	return kb;
}
