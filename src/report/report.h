/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_REPORT_H
#define ZD_REPORT_H

#include <stdio.h>

#include <json-c/json.h>

#include "run/runner.h"

/*
 * The only place results are printed. One backend per format, chosen once;
 * text and TAP stream a line per check as it ends, JSON prints one document
 * when the run is over.
 */
struct report;

struct report_ops {
	void (*begin)(struct report *rp);
	void (*check)(struct report *rp, const struct run_result *rr);
	void (*end)(struct report *rp);
};

struct report {
	FILE *out;
	const struct report_ops *ops;
	const struct run *run;
	size_t index; /* 1-based number of the last check printed */
};

void report_init(struct report *rp, FILE *out, const struct run *run);
/* Suitable as run->on_begin and run->on_result with the report as argument. */
void report_on_begin(void *arg, const struct run *run);
void report_on_result(void *arg, const struct run *run, const struct run_result *rr);
void report_end(struct report *rp);
/*
 * For the TAP formats' end: "not ok N" and @why for every selected check
 * not run, so that the plan is met, then a comment for every process group
 * left stuck in the kernel.
 */
void report_unrun(struct report *rp, const char *why);

void report_list(FILE *out, const struct check_table *t, const struct options *o);
void report_probe(FILE *out, json_object *facts, enum report_format fmt);

/* Backends and the pieces tests use directly. */
extern const struct report_ops report_text_ops, report_json_ops, report_tap_ops,
	report_ktap_ops;
json_object *report_json_run(const struct run *run);
json_object *report_json_check(const struct run_result *rr);
json_object *report_json_target(const struct target *t);
json_object *report_json_list(const struct check_table *t, const struct options *o);

#endif
