// SPDX-License-Identifier: GPL-2.0-only
#include <sys/utsname.h>

#include "report/report.h"

static void indent_line(const char *line, size_t n, void *arg)
{
	fprintf(arg, "    %.*s\n", (int)n, line);
}

static void text_begin(struct report *rp)
{
	const struct target *t = rp->run->target;
	char sync[160] = "";
	struct utsname u;

	uname(&u);
	fprintf(rp->out, "zdcheck %s (%s) on Linux %s, seed %llu\n", PACKAGE_VERSION,
		zd_features(), u.release, rp->run->opt->seed);
	/* DAX whose region refuses MAP_SYNC: the pin checks map without it. */
	if (t && t->kind == TARGET_FSDAX && t->dax && !t->map_sync)
		snprintf(sync, sizeof(sync), ", no MAP_SYNC (%s %s)", t->nd.at.provider,
			 t->nd.at.region);
	if (t && t->kind == TARGET_FSDAX)
		fprintf(rp->out, "target: %s (%s on %s, dax=%s%s%s), work dir %s\n", t->path,
			t->mnt.fstype, t->mnt.source, dax_mode_name(t->mnt.dax),
			t->inode_flag ? ", FS_XFLAG_DAX" : "", sync, t->workdir);
	else if (t)
		fprintf(rp->out,
			"target: %s (%s, %llu bytes, align %lu), window %llu bytes%s\n",
			t->path, t->region, t->size, t->align, t->window,
			t->destructive ? ", destructive" : ", saved to its journal");
	if (rp->run->kmsg.note[0])
		fprintf(rp->out, "note: %s\n", rp->run->kmsg.note);
}

static void text_check(struct report *rp, const struct run_result *rr)
{
	const struct result *r = &rr->res;
	bool detail = r->status == STATUS_FAIL || r->status == STATUS_ERROR ||
		      rp->run->opt->verbose;
	unsigned int i;

	fprintf(rp->out, "%-5s %s",
		r->status == STATUS_PASS ? "PASS" :
		r->status == STATUS_FAIL ? "FAIL" :
		r->status == STATUS_SKIP ? "SKIP" :
					   "ERROR",
		rr->check->name);
	if (r->reason[0])
		fprintf(rp->out, ": %s", r->reason);
	for (i = 0; i < r->nvalues; i++)
		fprintf(rp->out, "%s%s=%lld%s", i ? " " : " (", r->values[i].name,
			r->values[i].value, i + 1 == r->nvalues ? ")" : "");
	fputc('\n', rp->out);
	if (!detail)
		return;
	text_for_each_line(r->evidence, r->evidence_len, indent_line, rp->out);
	if (r->klog_len) {
		fprintf(rp->out, "    kernel log:\n");
		text_for_each_line(r->klog, r->klog_len, indent_line, rp->out);
	}
}

static void text_end(struct report *rp)
{
	const struct run *run = rp->run;
	size_t i;

	for (i = 0; i < run->nstuck; i++)
		fprintf(rp->out, "warning: process group %d is still stuck in the kernel\n",
			run->stuck[i]);
	if (run->interrupted)
		fprintf(rp->out, "interrupted: %zu of %zu checks ran\n", run->nresults,
			run->nselected);
	if (run->target && run->target->restored)
		fprintf(rp->out,
			"window: %llu bytes restored from the journal, crc32 %08x %s\n",
			run->target->window, run->target->crc_after,
			run->target->crc_after == run->target->saved.crc ? "as before" :
									   "CHANGED");
	if (run->count[STATUS_ERROR])
		fprintf(rp->out, "%u errors: zdcheck could not set those checks up\n",
			run->count[STATUS_ERROR]);
	fprintf(rp->out, "summary: %u passed, %u failed, %u skipped\n", run->count[STATUS_PASS],
		run->count[STATUS_FAIL], run->count[STATUS_SKIP]);
}

const struct report_ops report_text_ops = {
	.begin = text_begin,
	.check = text_check,
	.end = text_end,
};
