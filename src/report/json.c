// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON report. Field names are an interface (the test bed, xfstests
 * wrappers and CI read them): add fields, never rename or remove one, and
 * document each in zdcheck(1).
 */
#include <string.h>

#include "discover/kernel.h"
#include "report/report.h"

static void add_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

static void add_line(const char *line, size_t n, void *arg)
{
	json_object_array_add(arg, json_object_new_string_len(line, (int)n));
}

static json_object *lines(const char *buf, size_t len)
{
	json_object *a = json_object_new_array();

	text_for_each_line(buf, len, add_line, a);
	return a;
}

json_object *report_json_check(const struct run_result *rr)
{
	const struct result *r = &rr->res;
	json_object *c = json_object_new_object(), *v = json_object_new_object();
	unsigned int i;

	add_str(c, "name", rr->check->name);
	add_str(c, "status", status_name(r->status));
	add_str(c, "reason", r->reason[0] ? r->reason : NULL);
	json_object_object_add(c, "duration_us", json_object_new_int64(r->duration_us));
	json_object_object_add(c, "alone", json_object_new_boolean(rr->alone));
	for (i = 0; i < r->nvalues; i++)
		json_object_object_add(v, r->values[i].name,
				       json_object_new_int64(r->values[i].value));
	json_object_object_add(c, "values", v);
	add_str(c, "step", r->step[0] ? r->step : NULL);
	json_object_object_add(c, "evidence", lines(r->evidence, r->evidence_len));
	json_object_object_add(c, "kernel_log", lines(r->klog, r->klog_len));
	json_object_object_add(c, "kernel_log_bad", json_object_new_int((int)r->klog_bad));
	return c;
}

json_object *report_json_target(const struct target *t)
{
	json_object *o = json_object_new_object();

	if (!t)
		return o;
	if (t->kind == TARGET_FSDAX) {
		add_str(o, "kind", "fsdax");
		add_str(o, "path", t->path);
		add_str(o, "mountpoint", t->mnt.mountpoint);
		add_str(o, "fstype", t->mnt.fstype);
		add_str(o, "source", t->mnt.source);
		add_str(o, "dax", dax_mode_name(t->mnt.dax));
		json_object_object_add(o, "inode_flag", json_object_new_boolean(t->inode_flag));
		json_object_object_add(o, "map_sync", json_object_new_boolean(t->map_sync));
		add_str(o, "map_sync_why", t->map_sync_why[0] ? t->map_sync_why : NULL);
		add_str(o, "region", t->nd.at.region[0] ? t->nd.at.region : NULL);
		add_str(o, "provider", t->nd.at.region[0] ? t->nd.at.provider : NULL);
		add_str(o, "workdir", t->workdir);
	} else {
		add_str(o, "kind", "devdax");
		add_str(o, "path", t->path);
		add_str(o, "device", t->devname);
		add_str(o, "region", t->region);
		json_object_object_add(o, "size", json_object_new_int64((int64_t)t->size));
		json_object_object_add(o, "align", json_object_new_int64((int64_t)t->align));
		json_object_object_add(o, "window", json_object_new_int64((int64_t)t->window));
		add_str(o, "uuid", t->uuid[0] ? t->uuid : NULL);
		json_object_object_add(o, "destructive",
				       json_object_new_boolean(t->destructive));
		add_str(o, "journal", t->saved.length ? t->journal : NULL);
		json_object_object_add(o, "crc_before",
				       t->saved.length ? json_object_new_int64(t->saved.crc) :
							 NULL);
		json_object_object_add(o, "crc_after",
				       t->restored ? json_object_new_int64(t->crc_after) :
						     NULL);
		json_object_object_add(o, "restored", json_object_new_boolean(t->restored));
	}
	return o;
}

json_object *report_json_run(const struct run *run)
{
	json_object *doc = json_object_new_object(), *tool = json_object_new_object();
	json_object *checks = json_object_new_array(), *sum = json_object_new_object();
	json_object *obs = json_object_new_object(), *stuck = json_object_new_array();
	size_t i;

	add_str(tool, "version", PACKAGE_VERSION);
	add_str(tool, "features", zd_features());
	json_object_object_add(tool, "seed", json_object_new_uint64(run->opt->seed));
	json_object_object_add(tool, "hold_ms", json_object_new_int((int)run->opt->hold_ms));
	json_object_object_add(tool, "timeout_s",
			       json_object_new_int((int)run->opt->timeout_s));
	json_object_object_add(tool, "timeout_scale",
			       json_object_new_int((int)options_timeout_scale(run->opt)));
	json_object_object_add(tool, "jobs", json_object_new_int((int)run->jobs));
	json_object_object_add(doc, "zdcheck", tool);
	json_object_object_add(doc, "kernel", kernel_describe());
	json_object_object_add(doc, "target", report_json_target(run->target));

	json_object_object_add(obs, "kmsg", json_object_new_boolean(run->kmsg.readable));
	json_object_object_add(obs, "kmsg_verdict",
			       json_object_new_boolean(!run->opt->no_kmsg_verdict));
	add_str(obs, "note", run->kmsg.note[0] ? run->kmsg.note : NULL);
	json_object_object_add(obs, "lost_records",
			       json_object_new_int64((int64_t)run->kmsg.lost));
	json_object_object_add(doc, "observer", obs);

	for (i = 0; i < run->nresults; i++)
		json_object_array_add(checks, report_json_check(&run->results[i]));
	json_object_object_add(doc, "checks", checks);
	for (i = 0; i < run->nstuck; i++)
		json_object_array_add(stuck, json_object_new_int(run->stuck[i]));
	json_object_object_add(doc, "stuck_tasks", stuck);

	json_object_object_add(sum, "total", json_object_new_int((int)run->nresults));
	json_object_object_add(sum, "pass", json_object_new_int((int)run->count[STATUS_PASS]));
	json_object_object_add(sum, "fail", json_object_new_int((int)run->count[STATUS_FAIL]));
	json_object_object_add(sum, "skip", json_object_new_int((int)run->count[STATUS_SKIP]));
	json_object_object_add(sum, "error",
			       json_object_new_int((int)run->count[STATUS_ERROR]));
	json_object_object_add(sum, "interrupted", json_object_new_boolean(run->interrupted));
	json_object_object_add(sum, "duration_us",
			       json_object_new_int64(run->ended_us - run->started_us));
	json_object_object_add(sum, "most_running",
			       json_object_new_int((int)run->most_running));
	json_object_object_add(sum, "maxrss_kb", json_object_new_int64(run->maxrss_kb));
	json_object_object_add(sum, "check_maxrss_kb",
			       json_object_new_int64(run->check_maxrss_kb));
	json_object_object_add(doc, "summary", sum);
	return doc;
}

static void json_begin(struct report *rp)
{
}

static void json_check(struct report *rp, const struct run_result *rr)
{
}

static void json_end(struct report *rp)
{
	json_object *doc = report_json_run(rp->run);

	fprintf(rp->out, "%s\n",
		json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

const struct report_ops report_json_ops = {
	.begin = json_begin,
	.check = json_check,
	.end = json_end,
};
