// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner. A check may hang in the kernel, crash, or leave helper
 * processes behind holding pins; none of that may take the run down. Each
 * check therefore runs in a child that leads its own process group, writes
 * its result into shared memory, and is killed as a group at its deadline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "observe/task.h"
#include "run/child.h"
#include "run/needs.h"
#include "run/remove.h"
#include "run/runner.h"
#include "run/select.h"

/*
 * SIGKILLs the whole group and gives it @grace_ms to go. A task in
 * uninterruptible sleep (a D-state wait in the kernel) cannot die; it is
 * reported and left behind rather than hanging the run.
 */
static bool kill_group(struct run *run, pid_t pgid, struct result *r)
{
	if (child_kill_group(pgid, run->kill_grace_ms))
		return true;

	result_evidence(r, "process group %d still alive %u ms after SIGKILL:", pgid,
			run->kill_grace_ms);
	task_describe_group(pgid, r);
	if (run->nstuck < RUN_MAX_STUCK)
		run->stuck[run->nstuck++] = pgid;
	return false;
}

static void child_main(const struct run *run, const struct check *c, struct result *shared,
		       const char *dir)
{
	struct check_ctx ctx = {
		.opt = run->opt,
		.target = run->target,
		.res = shared,
		.dir = dir,
	};

	shared->pid = getpid();
	c->run(c, &ctx);
	/* Exiting closes and unmaps the check's files: that may wait, too. */
	shared->returned = true;
	_exit(0);
}

/*
 * Removes the check's directory in a child: the last reference to a file
 * whose page was pinned may go here, and eviction can wait for that page
 * for ever. A removal that is stuck fails the check, with where it waits.
 */
static void remove_check_dir(struct run *run, const char *dir, struct result *r)
{
	unsigned int ms = run->remove_timeout_ms ? run->remove_timeout_ms : REMOVE_TIMEOUT_MS;
	char verdict[sizeof(r->reason)];
	struct removal rm;

	if (remove_bounded(dir, ms, run->remover, &rm) != -ETIMEDOUT)
		return;
	result_evidence(r,
			"removing the check's files after it ended: %s still not removed "
			"after %u ms:",
			rm.at, ms);
	task_describe_group(rm.pid, r);
	removal_verdict(&rm, verdict, sizeof(verdict));
	result_fail(r, "%s", verdict);
	kill_group(run, rm.pid, r);
}

static void run_one(struct run *run, const struct check *c, struct result *res,
		    unsigned int attempt)
{
	unsigned int timeout = run->opt->timeout_s ? run->opt->timeout_s :
						     check_deadline_s(c, run->opt);
	char dir[sizeof(run->target->workdir) + 24];
	struct result *shared;
	long long t0;
	siginfo_t si;
	bool gone;
	pid_t pid;
	int ret;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (shared == MAP_FAILED) {
		result_no_resource(res, errno, zd_limits_for(errno),
				   "cannot map result memory");
		return;
	}
	result_init(shared);

	/*
	 * Each check gets its own directory, so whatever a killed or stuck
	 * check leaves behind cannot collide with the next one.
	 */
	dir[0] = '\0';
	if (run->target && run->target->workdir[0]) {
		snprintf(dir, sizeof(dir), "%s/%zu.%u", run->target->workdir, run->nresults,
			 attempt);
		if (mkdir(dir, 0700)) {
			result_error(res, "mkdir %s: %s", dir, strerror(errno));
			munmap(shared, sizeof(*shared));
			return;
		}
	}
	kmsg_mark(&run->kmsg, "zdcheck: begin %s", c->name);
	t0 = now_us();
	pid = child_fork();
	if (pid < 0) {
		result_no_resource(res, errno, ZD_LIM_PROCESS,
				   "cannot fork the check's process");
		munmap(shared, sizeof(*shared));
		return;
	}
	if (pid == 0)
		child_main(run, c, shared, dir[0] ? dir : NULL);

	ret = child_wait(pid, t0 + timeout * 1000000LL, true);
	shared->duration_us = now_us() - t0;
	if (ret == 0 && shared->returned) {
		result_evidence(shared,
				"deadline of %u s passed after the check returned, while its "
				"process exited (closing its files, unmapping its memory):",
				timeout);
		task_describe_group(pid, shared);
		result_fail(shared,
			    "the check returned, but its process did not exit by its %u s "
			    "deadline: closing or unmapping its files hangs in the kernel",
			    timeout);
	} else if (ret == 0) {
		char step[sizeof(shared->step)];

		snprintf(step, sizeof(step), "%s", shared->step[0] ? shared->step : "?");
		result_evidence(shared, "deadline of %u s passed while the check was in: %s",
				timeout, step);
		task_describe_group(pid, shared);
		result_fail(shared, "no result after %u s: stuck in %s", timeout, step);
	} else if (ret == -EINTR) {
		result_skip(shared, "interrupted");
		run->interrupted = true;
	}
	/* Read how the child ended before kill_group() reaps it. */
	memset(&si, 0, sizeof(si));
	if (ret == 1)
		waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	gone = kill_group(run, pid, shared);

	if (ret == 1) {
		if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
			result_fail(shared,
				    "check process killed by signal %d (%s) while in: %s",
				    si.si_status, strsignal(si.si_status),
				    shared->step[0] ? shared->step : "?");
		else if (si.si_status != 0)
			result_error(shared, "check process exited with status %d",
				     si.si_status);
	}
	if (shared->status == STATUS_NONE)
		result_error(shared, "check returned without a verdict (zdcheck bug)");

	*res = *shared;
	munmap(shared, sizeof(*shared));

	/* A stuck task of the check may still hold its files: they go at the end. */
	if (dir[0] && !run->opt->keep && gone)
		remove_check_dir(run, dir, res);
	kmsg_collect(&run->kmsg, res);
	/* Under fstests, _check_dmesg judges the log; the lines stay as evidence. */
	if (res->klog_bad && run->opt->no_kmsg_verdict)
		result_evidence(res, "kernel log: %s (not judged: --no-kmsg-verdict)",
				res->klog_first_bad);
	else if (res->klog_bad && res->klog_pid)
		result_fail(res, "kernel log: %s (task %d%s%s)", res->klog_first_bad,
			    res->klog_pid, res->klog_comm[0] ? " " : "", res->klog_comm);
	else if (res->klog_bad)
		result_fail(res, "kernel log: %s", res->klog_first_bad);
	kmsg_mark(&run->kmsg, "zdcheck: end %s: %s", c->name, status_name(res->status));
}

/*
 * A check whose timeline did not hold (on a loaded machine a thread can
 * wake a hundred milliseconds late) proved nothing either way: run it
 * again, and keep why in the evidence. Never more than RUN_ATTEMPTS, and an
 * inconclusive last attempt stays an error.
 */
#define RUN_ATTEMPTS 3

static void run_attempts(struct run *run, const struct check *c, struct result *res)
{
	char why[RUN_ATTEMPTS][sizeof(res->reason)];
	unsigned int n, i;

	for (n = 1;; n++) {
		result_init(res);
		run_one(run, c, res, n);
		if (res->status != STATUS_ERROR || !res->inconclusive || n == RUN_ATTEMPTS ||
		    run->interrupted || zd_stop || run->nstuck)
			break;
		snprintf(why[n - 1], sizeof(why[0]), "%s", res->reason);
	}
	for (i = 1; i < n; i++)
		result_evidence(res, "attempt %u was inconclusive: %s", i, why[i - 1]);
	if (n > 1)
		result_value(res, "attempts", n);
}

static bool applies(const struct run *run, const struct check *c)
{
	return (!run->target || (c->target & run->target->kind)) &&
	       select_wanted(run->opt, c->name);
}

int run_checks(struct run *run)
{
	const struct check_table *t = run->table;
	const char *unmet;
	bool exhausted;
	size_t i;

	run->nselected = 0;
	for (i = 0; i < t->n; i++)
		run->nselected += applies(run, &t->rows[i]);
	run->results = calloc(run->nselected ? run->nselected : 1, sizeof(*run->results));
	if (!run->results)
		return -ENOMEM;
	if (!run->kill_grace_ms)
		run->kill_grace_ms = 5000;

	run->started_us = now_us();
	kmsg_open(&run->kmsg);
	if (run->on_begin)
		run->on_begin(run->arg, run);
	for (i = 0; i < t->n && !run->interrupted && !zd_stop; i++) {
		const struct check *c = &t->rows[i];
		struct run_result *rr;

		if (!applies(run, c))
			continue;
		rr = &run->results[run->nresults++];
		rr->check = c;
		result_init(&rr->res);
		if (run->on_start)
			run->on_start(run->arg, run, c);

		exhausted = false;
		unmet = needs_unmet(c->needs, run->target, &exhausted);
		/* A probe that ran out of resources could not tell: no skip. */
		if (unmet && exhausted)
			result_error(&rr->res, "%s", unmet);
		else if (unmet)
			result_skip(&rr->res, "%s", unmet);
		else
			run_attempts(run, c, &rr->res);

		run->count[rr->res.status]++;
		if (run->on_result)
			run->on_result(run->arg, run, rr);
	}
	if (zd_stop)
		run->interrupted = true;
	kmsg_close(&run->kmsg);
	run->ended_us = now_us();
	return 0;
}

void run_free(struct run *run)
{
	free(run->results);
	run->results = NULL;
}
