/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_RESULT_H
#define ZD_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "zdcheck.h"

enum check_status {
	STATUS_NONE, /* the check returned without a verdict: an error */
	STATUS_PASS,
	STATUS_FAIL,
	STATUS_SKIP,
	STATUS_ERROR, /* zdcheck could not set the check up */
};

#define RESULT_MAX_VALUES 20
#define RESULT_TEXT 12288

struct result_value {
	char name[32];
	long long value;
};

/*
 * A check's result lives in memory shared between the runner and the forked
 * child running the check, so it has no pointers: whatever the child wrote
 * before it hung or crashed (values, evidence, the step it was in) is still
 * there for the report.
 */
struct result {
	enum check_status status;
	char reason[512];
	char step[160]; /* what the child was doing last: the stuck call on timeout */
	long long duration_us;
	unsigned int nvalues;
	struct result_value values[RESULT_MAX_VALUES];
	size_t evidence_len;
	char evidence[RESULT_TEXT]; /* lines, each ending in '\n' */
	size_t klog_len;
	char klog[RESULT_TEXT]; /* kernel records seen during the check */
	unsigned int klog_bad; /* how many of them were classified bad */
	char klog_first_bad[256];
	/*
	 * The task the kernel names in the first bad record's splat (its
	 * "PID: N Comm: C", a WARNING's "PID: N", a hung task's "C:N"): 0
	 * when it names none.
	 */
	int klog_pid;
	char klog_comm[24];
	/*
	 * The other checks that were running when the first bad record was
	 * logged, when its task does not tell whose it is: "" when it is this
	 * check's alone.
	 */
	char klog_with[256];
	int pid; /* the check's child, for the report */
	bool returned; /* the check's function returned: its process is exiting */
	/*
	 * The check sleeps for up to seconds and needs no CPU meanwhile (a
	 * change not yet back after the release, a lost wake-up): the runner
	 * does not count it against -j while it does.
	 */
	bool waiting;
	/* Its pipes holding pins are closed (pin_catch_let_go()): it may be killed. */
	bool let_go;
	/*
	 * The check's own timeline did not hold (a thread ran too late to prove
	 * anything either way): an error the runner may retry.
	 */
	bool inconclusive;
	/*
	 * Inconclusive because other checks ran beside it: the kernel freed a
	 * block while it was pinned, and their files may have taken it. The
	 * runner runs it again alone, and every check that failed beside it.
	 */
	bool crowded;
	/*
	 * One of its failures is its own timeline's, which another check's
	 * files or pins cannot cause (a change that never woke up until a
	 * signal made it look, one that did not wait): a check that failed
	 * beside a crowded one is not run again for it.
	 */
	bool own_fail;
};

void result_init(struct result *r);
void result_pass(struct result *r);
void result_fail(struct result *r, const char *fmt, ...) __printf(2, 3);
void result_skip(struct result *r, const char *fmt, ...) __printf(2, 3);
void result_error(struct result *r, const char *fmt, ...) __printf(2, 3);
/*
 * zdcheck's own resource ran out (a thread, memory, a descriptor): an error,
 * never a failure of the kernel, reading "FMT: strerror(err) (LIMITS)" with
 * the limits of @limits (enum zd_limit) that are set.
 */
void result_no_resource(struct result *r, int err, unsigned int limits, const char *fmt, ...)
	__printf(4, 5);
/*
 * When @err says a resource ran out (zd_exhausted()), records that as
 * result_no_resource() does and returns true; else records nothing: the
 * caller judges @err as the kernel's answer.
 */
bool result_exhausted(struct result *r, int err, const char *fmt, ...) __printf(3, 4);
/* An error that says nothing about the kernel: the runner tries again. */
void result_inconclusive(struct result *r, const char *fmt, ...) __printf(2, 3);
/* Inconclusive because other checks ran (see crowded): run it again alone. */
void result_crowded(struct result *r, const char *fmt, ...) __printf(2, 3);
void result_value(struct result *r, const char *name, long long value);
const struct result_value *result_get_value(const struct result *r, const char *name);
void result_evidence(struct result *r, const char *fmt, ...) __printf(2, 3);
void result_step(struct result *r, const char *fmt, ...) __printf(2, 3);
void result_klog(struct result *r, const char *line, int bad);
/* Puts @src's kernel records (lines, counts, first bad task) into @dst. */
void result_klog_copy(struct result *dst, const struct result *src);

const char *status_name(enum check_status st);

/* Calls fn on each line of a '\n'-separated buffer, without the newline. */
void text_for_each_line(const char *buf, size_t len,
			void (*fn)(const char *line, size_t n, void *arg), void *arg);

#endif
