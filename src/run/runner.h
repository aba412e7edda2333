/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_RUNNER_H
#define ZD_RUNNER_H

#include <sys/types.h>

#include "checks/check.h"
#include "observe/kmsg.h"
#include "run/remove.h"

/* How often an inconclusive check is tried at most; the last one stands. */
#define RUN_ATTEMPTS 3
/* -j at most: the runner's masks of running checks are 64 bits wide. */
#define RUN_MAX_JOBS 64
/*
 * Checks that only sleep (result->waiting) do not count against -j, so up
 * to this many times as many processes run; never more than RUN_MAX_JOBS.
 */
#define RUN_WAITING_FACTOR 4
/* How many checks may run at once with -j @jobs, the waiting ones included. */
unsigned int run_slots(unsigned int jobs);

enum run_state {
	RR_WAITING, /* to be run (again, alone) */
	RR_RUNNING,
	RR_DONE, /* its attempt ended; a check beside it may still ask for another */
	RR_REPORTED,
};

struct run_result {
	const struct check *check;
	struct result res;
	/* the runner's own */
	enum run_state state;
	unsigned int attempts;
	bool alone; /* its last attempt ran with no other check */
	long long start_us, end_us; /* of its last attempt */
	char why[RUN_ATTEMPTS][sizeof(((struct result *)0)->reason) + 64]; /* earlier ones' */
};

#define RUN_MAX_STUCK 8

struct run_slot;
struct run {
	/* in */
	const struct options *opt;
	const struct target *target;
	const struct check_table *table;
	unsigned int kill_grace_ms; /* how long a SIGKILLed check may take to die */
	unsigned int remove_timeout_ms; /* for a check's files (0: REMOVE_TIMEOUT_MS) */
	remove_fn remover; /* removes a check's directory (NULL: zd_remove_tree()) */
	/*
	 * A slow device per slot (run_slots(opt->jobs), discover/slowdev.h), so
	 * that the read a check sees in flight is its own; NULL: the target's
	 * one is shared, and the checks that read from it run alone.
	 */
	const struct slowdev *lanes;
	void (*on_begin)(void *arg, const struct run *run);
	void (*on_start)(void *arg, const struct run *run, const struct check *c);
	/* Called in table order, whatever order the checks ended in. */
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
	unsigned int most_running; /* how many checks ran at the same time, at most */
	long maxrss_kb, check_maxrss_kb; /* peak memory: zdcheck's, its largest check's */

	/* the runner's own */
	unsigned int jobs, nslots;
	struct run_slot *slots;
	unsigned long long busy; /* the slots in use */
	size_t next_row, nreported;
	struct kmsg_held *held; /* kernel records read, not yet attributed */
	size_t nheld;
	long long held_us; /* when the last of them was read */
	struct run_taint {
		long long start_us, end_us;
	} * taints; /* attempts whose kernel freed a pinned block beside others */
	size_t ntaints;
};

/*
 * Runs every selected check of run->table that applies to run->target, each
 * in a forked child with its own process group and deadline, up to
 * opt->jobs of them at a time. Returns 0, or -errno when the runner itself
 * could not work (no memory, no fork).
 */
int run_checks(struct run *run);
void run_free(struct run *run);

#endif
