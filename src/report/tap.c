// SPDX-License-Identifier: GPL-2.0-only
/* TAP version 13, with a YAML block of evidence under every "not ok". */
#include <string.h>

#include "report/report.h"

static void yaml_item(const char *line, size_t n, void *arg)
{
	fprintf(arg, "    - \"");
	for (; n; n--, line++) {
		if (*line == '"' || *line == '\\')
			fputc('\\', arg);
		fputc(*line, arg);
	}
	fprintf(arg, "\"\n");
}

static void tap_begin(struct report *rp)
{
	fprintf(rp->out, "TAP version 13\n1..%zu\n", rp->run->nselected);
}

static void tap_check(struct report *rp, const struct run_result *rr)
{
	const struct result *r = &rr->res;
	unsigned int i;

	if (r->status == STATUS_SKIP) {
		fprintf(rp->out, "ok %zu - %s # SKIP %s\n", rp->index, rr->check->name,
			r->reason);
		return;
	}
	fprintf(rp->out, "%s %zu - %s\n", r->status == STATUS_PASS ? "ok" : "not ok", rp->index,
		rr->check->name);
	if (r->status == STATUS_PASS && !r->nvalues)
		return;
	fprintf(rp->out, "  ---\n");
	if (r->reason[0]) {
		fprintf(rp->out, "  reason:\n");
		yaml_item(r->reason, strlen(r->reason), rp->out);
	}
	if (r->nvalues) {
		fprintf(rp->out, "  values:\n");
		for (i = 0; i < r->nvalues; i++)
			fprintf(rp->out, "    %s: %lld\n", r->values[i].name,
				r->values[i].value);
	}
	if (r->status != STATUS_PASS && r->evidence_len) {
		fprintf(rp->out, "  evidence:\n");
		text_for_each_line(r->evidence, r->evidence_len, yaml_item, rp->out);
	}
	if (r->status != STATUS_PASS && r->klog_len) {
		fprintf(rp->out, "  kernel_log:\n");
		text_for_each_line(r->klog, r->klog_len, yaml_item, rp->out);
	}
	fprintf(rp->out, "  ...\n");
}

static void tap_end(struct report *rp)
{
	report_unrun(rp, " - # interrupted before it ran");
}

const struct report_ops report_tap_ops = {
	.begin = tap_begin,
	.check = tap_check,
	.end = tap_end,
};
