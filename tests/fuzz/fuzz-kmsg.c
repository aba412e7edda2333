// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/kmsg records (one a read, separated here by NUL bytes) through
 * kmsg_parse(), kmsg_is_bad() and kmsg_attach() into one struct result.
 */
#include "fuzz.h"
#include "observe/kmsg.h"

/* Too big for the stack of a fuzzer thread; reset for every input. */
static struct result r;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw = (const char *)data, *end = raw + size, *nul;
	struct kmsg_record rec;
	size_t len;

	result_init(&r);
	for (; raw < end; raw += len + 1) {
		nul = memchr(raw, '\0', end - raw);
		len = nul ? (size_t)(nul - raw) : (size_t)(end - raw);
		if (!kmsg_parse(raw, len, &rec)) {
			/* The message lies inside the record, before its first newline. */
			FUZZ_ASSERT(rec.msg > raw && rec.msg + rec.len <= raw + len);
			FUZZ_ASSERT(!memchr(rec.msg, '\n', rec.len));
			kmsg_is_bad(&rec);
		}
		kmsg_attach(&r, raw, len);
		FUZZ_ASSERT(r.klog_len < sizeof(r.klog) && !r.klog[r.klog_len]);
	}
	return 0;
}
