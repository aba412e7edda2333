// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tracefs "trace" file through dax_trace_parse() line by line, and whole
 * through dax_fault_read() for the page of its first event.
 */
#include <stdio.h>

#include "fuzz.h"
#include "observe/dax_trace.h"

static void lines(const char *s, size_t size, struct dax_event *first)
{
	struct dax_event ev;
	const char *end = s + size, *nl;
	size_t n;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (!dax_trace_parse(s, n, &ev)) {
			/* What the evidence quotes lies inside the line. */
			FUZZ_ASSERT(ev.kind != DAX_EV_NONE);
			FUZZ_ASSERT(ev.msg >= s && ev.msg + ev.msg_len <= s + n);
			FUZZ_ASSERT(strlen(ev.result_text) < sizeof(ev.result_text));
			if (first->kind == DAX_EV_NONE)
				*first = ev;
		}
		s += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dax_event first = { .kind = DAX_EV_NONE };
	struct dax_fault f;
	FILE *fp;

	if (!size) /* fmemopen() refuses an empty buffer */
		return 0;
	lines((const char *)data, size, &first);
	dax_fault_init(&f, first.dev_major, first.dev_minor, first.ino, first.address);
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	dax_fault_read(&f, fp, NULL, NULL);
	fclose(fp);
	/* The caller reports it as a page size: only the sizes a fault has. */
	FUZZ_ASSERT(f.size == 0 || f.size == DAX_PTE_SIZE || f.size == DAX_PMD_SIZE);
	FUZZ_ASSERT(strlen(f.deciding) < sizeof(f.deciding));
	return 0;
}
