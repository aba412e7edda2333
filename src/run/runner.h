/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_RUNNER_H
#define ZD_RUNNER_H

#include <sys/types.h>

#include "checks/check.h"
#include "observe/kmsg.h"
#include "run/remove.h"

struct run_result {
	const struct check *check;
	struct result res;
};

#define RUN_MAX_STUCK 8

struct run {
	/* in */
	const struct options *opt;
	const struct target *target;
	const struct check_table *table;
	unsigned int kill_grace_ms; /* how long a SIGKILLed check may take to die */
	unsigned int remove_timeout_ms; /* for a check's files (0: REMOVE_TIMEOUT_MS) */
	remove_fn remover; /* removes a check's directory (NULL: zd_remove_tree()) */
	void (*on_begin)(void *arg, const struct run *run);
	void (*on_start)(void *arg, const struct run *run, const struct check *c);
	void (*on_result)(void *arg, const struct run *run, const struct run_result *rr);
	void *arg;

	/* out */
	size_t nselected;
	struct run_result *results;
	size_t nresults;
	unsigned int count[STATUS_ERROR + 1];
	struct kmsg kmsg;
	/* process groups that did not die on SIGKILL: checks, removals of their files */
	pid_t stuck[RUN_MAX_STUCK];
	size_t nstuck;
	bool interrupted;
	long long started_us, ended_us;
};

/*
 * Runs every selected check of run->table that applies to run->target, each
 * in a forked child with its own process group and deadline. Returns 0, or
 * -errno when the runner itself could not work (no memory, no fork).
 */
int run_checks(struct run *run);
void run_free(struct run *run);

#endif
