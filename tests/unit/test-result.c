// SPDX-License-Identifier: GPL-2.0-only
/* Verdict precedence: a failure is never hidden by a later skip or pass. */
#include <stdlib.h>

#include "report/result.h"
#include "unit.h"

int main(void)
{
	struct result *r = calloc(1, sizeof(*r));
	int i;

	result_init(r);
	EXPECT(r->status == STATUS_NONE);
	result_pass(r);
	EXPECT(r->status == STATUS_PASS);
	result_skip(r, "filesystem refuses %s", "COLLAPSE_RANGE");
	EXPECT(r->status == STATUS_SKIP);
	result_pass(r);
	EXPECT(r->status == STATUS_SKIP);

	result_init(r);
	result_fail(r, "truncate returned after %d ms while pinned", 2);
	result_fail(r, "second problem");
	result_skip(r, "too late");
	result_error(r, "too late");
	result_pass(r);
	EXPECT(r->status == STATUS_FAIL);
	EXPECT_STR(r->reason, "truncate returned after 2 ms while pinned");
	EXPECT(strstr(r->evidence, "also: second problem\n"));

	result_init(r);
	result_error(r, "fallocate: ENOSPC");
	result_fail(r, "real failure");
	EXPECT(r->status == STATUS_FAIL);

	result_init(r);
	result_value(r, "wait_us", 1);
	result_value(r, "wake_us", 2);
	result_value(r, "wait_us", 3);
	EXPECT(r->nvalues == 2);
	EXPECT(result_get_value(r, "wait_us")->value == 3);
	EXPECT(result_get_value(r, "nope") == NULL);

	/* A flood of evidence keeps its head and says it was cut. */
	for (i = 0; i < 5000; i++)
		result_evidence(r, "line %d", i);
	EXPECT(!strncmp(r->evidence, "line 0\nline 1\n", 14));
	EXPECT(strstr(r->evidence, "[more lines cut]\n"));
	EXPECT(r->evidence_len < sizeof(r->evidence));
	EXPECT(strlen(r->evidence) == r->evidence_len);

	EXPECT_STR(status_name(STATUS_NONE), "error");
	free(r);
	return unit_done();
}
