// SPDX-License-Identifier: GPL-2.0-only
/*
 * KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst), what
 * kselftest and KUnit print, so that the fleets that parse theirs parse
 * zdcheck's too. A check is a test case, numbered in table order; what
 * explains its verdict goes on diagnostic lines ("# ...") before its
 * result line, as the spec asks, since KTAP has no YAML blocks. A SKIP or
 * an ERROR carries its reason as the directive's diagnostic data, a pass
 * its values.
 */
#include <string.h>

#include "report/report.h"

static void diag(const char *line, size_t n, void *arg)
{
	fprintf(arg, "# %.*s\n", (int)n, line);
}

static void values(FILE *out, const struct result *r)
{
	unsigned int i;

	for (i = 0; i < r->nvalues; i++)
		fprintf(out, "%s%s=%lld", i ? " " : "", r->values[i].name, r->values[i].value);
}

static void ktap_begin(struct report *rp)
{
	fprintf(rp->out, "KTAP version 1\n1..%zu\n", rp->run->nselected);
}

static void ktap_check(struct report *rp, const struct run_result *rr)
{
	const struct result *r = &rr->res;
	FILE *out = rp->out;
	bool detail = r->status == STATUS_FAIL || r->status == STATUS_ERROR ||
		      r->status == STATUS_NONE || rp->run->opt->verbose;

	if (detail) {
		text_for_each_line(r->evidence, r->evidence_len, diag, out);
		text_for_each_line(r->klog, r->klog_len, diag, out);
	}
	switch (r->status) {
	case STATUS_PASS:
		fprintf(out, "ok %zu %s", rp->index, rr->check->name);
		if (r->nvalues) {
			fprintf(out, " # ");
			values(out, r);
		}
		break;
	case STATUS_SKIP:
		fprintf(out, "ok %zu %s # SKIP %s", rp->index, rr->check->name, r->reason);
		break;
	case STATUS_ERROR:
	case STATUS_NONE:
		fprintf(out, "not ok %zu %s # ERROR %s", rp->index, rr->check->name, r->reason);
		break;
	default:
		fprintf(out, "# %s\n", r->reason);
		if (r->nvalues) {
			fprintf(out, "# ");
			values(out, r);
			fprintf(out, "\n");
		}
		fprintf(out, "not ok %zu %s", rp->index, rr->check->name);
		break;
	}
	fprintf(out, "\n");
}

static void ktap_end(struct report *rp)
{
	report_unrun(rp, " # ERROR interrupted before it ran");
}

const struct report_ops report_ktap_ops = {
	.begin = ktap_begin,
	.check = ktap_check,
	.end = ktap_end,
};
