// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner. A check may hang in the kernel, crash, or leave helper
 * processes behind holding pins; none of that may take the run down. Each
 * check therefore runs in a child that leads its own process group, writes
 * its result into shared memory, and is killed as a group at its deadline.
 *
 * With -j N up to N checks are awake at once (ones that only sleep, waiting
 * out a lost wake-up, do not count), each on its own files and its own slow
 * device. What makes a verdict trustworthy stays per check: rows marked
 * CHECK_ALONE run with nothing beside them, an attempt that cannot be
 * judged with others running (result->crowded) is made again alone, so is
 * every check that failed beside it but for its own timeline (own_fail),
 * and a kernel record goes to the check whose task it names, else to every
 * check that was running, which its report names. After an oops a check
 * gets what its verdict needs, not its whole deadline. Results are
 * reported in table order, whatever order they end in.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "observe/task.h"
#include "run/child.h"
#include "run/needs.h"
#include "run/remove.h"
#include "run/runner.h"
#include "run/select.h"

struct run_slot {
	pid_t pid; /* the check's child, leading its group; 0: free */
	int pidfd;
	size_t idx; /* its place in run->results */
	struct result *shared; /* what the child writes */
	struct result klog; /* the kernel records attributed to it */
	long long t0, deadline;
	unsigned int timeout;
	long long oops_us; /* when a record said a task died in the kernel (0: none) */
	pid_t remover; /* the child that removed its files (0: none yet) */
	char dir[sizeof(((struct target *)0)->workdir) + 24];
};

/*
 * How long a check that is still running gets to say it let go of its pins
 * (a busy machine may not run its handler at once); it usually takes none.
 */
#define LET_GO_MS 3000
/* Beyond what its verdict needs, what a check gets after a kernel oops. */
#define OOPS_GRACE_US 2000000LL
/* How soon a full runner looks again whether a check began to sleep. */
#define WAITING_LOOK_US 20000
/* A kernel record group is judged once the log has been quiet this long. */
#define KMSG_QUIET_US 50000
/* At most this many records wait to be judged; more are judged at once. */
#define KMSG_HELD_MAX 4096

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

/*
 * Until the check says it let go of its pins, or ended (before it caught
 * the signal it held none), or LET_GO_MS passed: SIGKILL must not come
 * first, or a thread of it that waits for a page its own pipe pins can
 * never end, nor can its process, which is then stuck for good.
 */
static void let_go_wait(const struct run_slot *sl, const struct result *shared)
{
	long long until = now_us() + LET_GO_MS * 1000LL;
	siginfo_t si;

	while (!__atomic_load_n(&shared->let_go, __ATOMIC_ACQUIRE) && now_us() < until) {
		memset(&si, 0, sizeof(si));
		if (!waitid(P_PID, sl->pid, &si, WEXITED | WNOHANG | WNOWAIT) && si.si_pid)
			return;
		usleep(2000);
	}
}

static void child_main(const struct run *run, unsigned int slot, const struct check *c,
		       struct result *shared, const char *dir, bool alone)
{
	struct check_ctx ctx = {
		.opt = run->opt,
		.target = run->target,
		.res = shared,
		.dir = dir,
		.alone = alone,
	};
	struct target own;

	/* Its slot's slow device: what it sees in flight there is its own read. */
	if (run->lanes && run->target) {
		own = *run->target;
		own.slow = run->lanes[slot];
		ctx.target = &own;
	}
	shared->pid = getpid();
	pin_catch_let_go(&shared->let_go);
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
static void remove_check_dir(struct run *run, struct run_slot *sl, struct result *r)
{
	unsigned int ms = run->remove_timeout_ms ? run->remove_timeout_ms : REMOVE_TIMEOUT_MS;
	char verdict[sizeof(r->reason)];
	struct removal rm;
	int ret = remove_bounded(sl->dir, ms, run->remover, &rm);

	/* Evicting the files may make the kernel speak: the check's, too. */
	sl->remover = rm.pid;
	if (ret != -ETIMEDOUT)
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

/*
 * The slot whose check's process group @pid belongs to, whose check @pid
 * led (gone by now: its last close can make the kernel speak), or that
 * removed its files in @pid; else KMSG_FOREIGN.
 */
static int slot_of_task(const struct run *run, pid_t pid)
{
	pid_t pgid = getpgid(pid);
	unsigned int s;

	for (s = 0; s < run->nslots; s++)
		if ((run->busy & (1ULL << s)) &&
		    ((pgid > 0 && run->slots[s].pid == pgid) || run->slots[s].pid == pid ||
		     run->slots[s].remover == pid))
			return (int)s;
	return KMSG_FOREIGN;
}

/* The other slots of @owners, by their checks' names, into @buf. */
static void names_of(const struct run *run, unsigned long long owners, unsigned int self,
		     char *buf, size_t len)
{
	size_t off = 0;
	unsigned int s;

	buf[0] = '\0';
	for (s = 0; s < run->nslots && off < len; s++)
		if (s != self && (owners & (1ULL << s)))
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
					run->results[run->slots[s].idx].check->name);
}

/*
 * A task died in the kernel while the check ran: what it held stays held,
 * and a check waiting for it would wait out its whole deadline to learn
 * nothing more. From now it gets what its verdict needs, no more.
 */
static void cut_deadline(struct run *run, struct run_slot *sl)
{
	const struct check *c = run->results[sl->idx].check;
	long long now = now_us(), by;

	if (sl->oops_us)
		return;
	sl->oops_us = now;
	by = now + (long long)check_verdict_ms(c, run->opt) * 1000 + OOPS_GRACE_US;
	if (by < sl->deadline)
		sl->deadline = by;
}

static void kmsg_drop(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nheld; i++)
		free(run->held[i].raw);
	run->nheld = 0;
}

/*
 * Gives the records read so far to the checks they belong to. Records read
 * while no check ran stay, for the next check to start: run one after
 * another, each check gets what was logged since the one before ended.
 */
static void kmsg_judge(struct run *run)
{
	unsigned long long owners = kmsg_owners(run->held, run->nheld);
	unsigned int s;
	size_t i;

	if (!run->nheld || !owners)
		return;
	for (s = 0; s < run->nslots; s++) {
		struct result *kl = &run->slots[s].klog;
		bool clean = !kl->klog_bad;

		if (!(owners & (1ULL << s)))
			continue;
		for (i = 0; i < run->nheld; i++) {
			kmsg_attach(kl, run->held[i].raw, run->held[i].len);
			if (run->held[i].fatal)
				cut_deadline(run, &run->slots[s]);
		}
		if (clean && kl->klog_bad && (owners & ~(1ULL << s)))
			names_of(run, owners, s, kl->klog_with, sizeof(kl->klog_with));
	}
	kmsg_drop(run);
}

/* Reads what the kernel logged since the last call, with who was running. */
static void kmsg_pump(struct run *run)
{
	static const char lost[] = "0,0,0,-;[zdcheck: kernel log records were lost]";
	char raw[8192], comm[24];
	struct kmsg_record rec;
	ssize_t n;

	for (;;) {
		struct kmsg_held *h;
		const char *rawp = raw;
		int pid;

		n = kmsg_read(&run->kmsg, raw, sizeof(raw));
		if (n == 0)
			break;
		/* The ring wrapped under us: say so rather than pretend. */
		if (n == -EPIPE) {
			rawp = lost;
			n = sizeof(lost) - 1;
		}
		if (kmsg_parse(rawp, n, &rec) || rec.facility != 0)
			continue;
		if (run->nheld == KMSG_HELD_MAX)
			kmsg_judge(run);
		/* Still full: all logged while no check ran; dropped, and counted as lost. */
		if (run->nheld == KMSG_HELD_MAX) {
			kmsg_drop(run);
			run->kmsg.lost++;
		}
		h = &run->held[run->nheld];
		h->raw = malloc(n);
		if (!h->raw)
			break;
		memcpy(h->raw, rawp, n);
		h->len = n;
		h->running = run->busy;
		h->fatal = kmsg_is_fatal(&rec);
		/* Whose task it names, while that task is still there to ask. */
		pid = kmsg_task(rec.msg, rec.len, comm, sizeof(comm));
		h->owner = pid ? slot_of_task(run, pid) : KMSG_NOBODY;
		run->nheld++;
		run->held_us = now_us();
	}
}

static bool alone_row(const struct run *run, const struct check *c)
{
	return run->jobs == 1 || (c->flags & CHECK_ALONE) ||
	       (!run->lanes && (c->needs & NEED_SLOW_BDEV));
}

static int start_slot(struct run *run, unsigned int s, size_t idx, bool alone)
{
	struct run_result *rr = &run->results[idx];
	struct run_slot *sl = &run->slots[s];
	const struct check *c = rr->check;
	size_t i;
	pid_t pid;

	rr->attempts++;
	rr->alone = alone;
	result_init(&rr->res);
	result_init(&sl->klog);
	sl->idx = idx;
	sl->timeout = run->opt->timeout_s ? run->opt->timeout_s : check_deadline_s(c, run->opt);
	sl->shared = mmap(NULL, sizeof(*sl->shared), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sl->shared == MAP_FAILED) {
		result_no_resource(&rr->res, errno, zd_limits_for(errno),
				   "cannot map result memory");
		return -1;
	}
	result_init(sl->shared);

	/*
	 * Each check gets its own directory, so whatever a killed or stuck
	 * check leaves behind cannot collide with the next one.
	 */
	sl->dir[0] = '\0';
	if (run->target && run->target->workdir[0]) {
		snprintf(sl->dir, sizeof(sl->dir), "%s/%zu.%u", run->target->workdir, idx + 1,
			 rr->attempts);
		if (mkdir(sl->dir, 0700)) {
			result_error(&rr->res, "mkdir %s: %s", sl->dir, strerror(errno));
			munmap(sl->shared, sizeof(*sl->shared));
			return -1;
		}
	}
	kmsg_mark(&run->kmsg, "zdcheck: begin %s", c->name);
	sl->t0 = now_us();
	sl->deadline = sl->t0 + sl->timeout * 1000000LL;
	sl->oops_us = 0;
	sl->remover = 0;
	pid = child_fork();
	if (pid < 0) {
		result_no_resource(&rr->res, errno, ZD_LIM_PROCESS,
				   "cannot fork the check's process");
		munmap(sl->shared, sizeof(*sl->shared));
		return -1;
	}
	if (pid == 0)
		child_main(run, s, c, sl->shared, sl->dir[0] ? sl->dir : NULL, alone);
	sl->pid = pid;
	sl->pidfd = child_pidfd(pid);
	run->busy |= 1ULL << s;
	/* What was logged while nothing ran is this check's, as it always was. */
	for (i = 0; i < run->nheld; i++)
		if (!run->held[i].running)
			run->held[i].running = 1ULL << s;
	rr->state = RR_RUNNING;
	rr->start_us = sl->t0;
	return 0;
}

/*
 * The end of a check's attempt: @ret is 1 when its process exited, 0 at its
 * deadline, -EINTR when zdcheck was asked to stop.
 */
static void finish_slot(struct run *run, unsigned int s, int ret)
{
	struct run_slot *sl = &run->slots[s];
	struct run_result *rr = &run->results[sl->idx];
	struct result *shared = sl->shared, *res = &rr->res;
	const struct check *c = rr->check;
	siginfo_t si;
	bool gone;

	shared->duration_us = now_us() - sl->t0;
	if (ret == 0 && shared->returned) {
		result_evidence(shared,
				"deadline of %u s passed after the check returned, while its "
				"process exited (closing its files, unmapping its memory):",
				sl->timeout);
		task_describe_group(sl->pid, shared);
		result_fail(shared,
			    "the check returned, but its process did not exit by its %u s "
			    "deadline: closing or unmapping its files hangs in the kernel",
			    sl->timeout);
	} else if (ret == 0) {
		long long since = now_us() - sl->oops_us;
		char step[sizeof(shared->step)];

		snprintf(step, sizeof(step), "%s", shared->step[0] ? shared->step : "?");
		if (sl->oops_us)
			result_evidence(shared,
					"%lld ms after the kernel log said a task died in the "
					"kernel, the check was still in: %s",
					since / 1000, step);
		else
			result_evidence(shared,
					"deadline of %u s passed while the check was in: %s",
					sl->timeout, step);
		task_describe_group(sl->pid, shared);
		if (sl->oops_us)
			result_fail(shared,
				    "no result %lld s after the kernel oopsed: stuck in %s",
				    (since + 500000) / 1000000, step);
		else
			result_fail(shared, "no result after %u s: stuck in %s", sl->timeout,
				    step);
	} else if (ret == -EINTR) {
		result_skip(shared, "interrupted");
		run->interrupted = true;
	}
	/* Read how the child ended before kill_group() reaps it. */
	memset(&si, 0, sizeof(si));
	if (ret == 1)
		waitid(P_PID, sl->pid, &si, WEXITED | WNOWAIT);
	/* Still running: let it drop its pins first, or a wait for them never ends. */
	if (ret != 1 && !kill(-sl->pid, PIN_LET_GO_SIGNAL))
		let_go_wait(sl, shared);
	gone = kill_group(run, sl->pid, shared);

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
	if (sl->pidfd >= 0)
		close(sl->pidfd);

	/* A stuck task of the check may still hold its files: they go at the end. */
	if (sl->dir[0] && !run->opt->keep && gone)
		remove_check_dir(run, sl, res);

	/* Everything logged until now may be this check's: judge it with the slot. */
	kmsg_pump(run);
	kmsg_judge(run);
	result_klog_copy(res, &sl->klog);

	if (res->klog_bad && res->klog_with[0])
		result_evidence(res,
				"the first bad kernel record may be theirs as much as this "
				"check's: it was logged while these ran too: %s",
				res->klog_with);
	/* Under fstests, _check_dmesg judges the log; the lines stay as evidence. */
	if (res->klog_bad && run->opt->no_kmsg_verdict) {
		result_evidence(res, "kernel log: %s (not judged: --no-kmsg-verdict)",
				res->klog_first_bad);
	} else if (res->klog_bad) {
		char who[sizeof(res->klog_with) + 64];
		int off = 0;

		who[0] = '\0';
		if (res->klog_pid)
			off = snprintf(who, sizeof(who), "task %d%s%s", res->klog_pid,
				       res->klog_comm[0] ? " " : "", res->klog_comm);
		if (res->klog_with[0])
			snprintf(who + off, sizeof(who) - off, "%salso running: %s",
				 off ? "; " : "", res->klog_with);
		result_fail(res, "kernel log: %s%s%s%s", res->klog_first_bad,
			    who[0] ? " (" : "", who, who[0] ? ")" : "");
	}
	kmsg_mark(&run->kmsg, "zdcheck: end %s: %s", c->name, status_name(res->status));

	rr->end_us = now_us();
	rr->state = RR_DONE;
	if (res->crowded && run->ntaints < run->nselected * RUN_ATTEMPTS) {
		run->taints[run->ntaints].start_us = rr->start_us;
		run->taints[run->ntaints].end_us = rr->end_us;
		run->ntaints++;
	}
	sl->pid = 0;
	run->busy &= ~(1ULL << s);
}

static bool applies(const struct run *run, const struct check *c)
{
	return (!run->target || (c->target & run->target->kind)) &&
	       select_wanted(run->opt, c->name);
}

/* The next row of the table to run, consuming those that do not apply. */
static const struct check *next_row(struct run *run)
{
	const struct check_table *t = run->table;

	for (; run->next_row < t->n; run->next_row++)
		if (applies(run, &t->rows[run->next_row]))
			return &t->rows[run->next_row];
	return NULL;
}

/* A new row whose needs are unmet ends at once, without a process. */
static bool unmet(struct run *run, struct run_result *rr)
{
	bool exhausted = false;
	const char *why = needs_unmet(rr->check->needs, run->target, &exhausted);

	if (!why)
		return false;
	/* A probe that ran out of resources could not tell: no skip. */
	if (exhausted)
		result_error(&rr->res, "%s", why);
	else
		result_skip(&rr->res, "%s", why);
	rr->state = RR_DONE;
	return true;
}

static unsigned int nbusy(const struct run *run)
{
	return (unsigned int)__builtin_popcountll(run->busy);
}

/* The running checks that are not just sleeping: those count against -j. */
static unsigned int nactive(const struct run *run)
{
	unsigned int s, n = 0;

	for (s = 0; s < run->nslots; s++)
		n += (run->busy & (1ULL << s)) &&
		     !__atomic_load_n(&run->slots[s].shared->waiting, __ATOMIC_ACQUIRE);
	return n;
}

static bool alone_running(const struct run *run)
{
	unsigned int s;

	for (s = 0; s < run->nslots; s++)
		if ((run->busy & (1ULL << s)) && run->results[run->slots[s].idx].alone)
			return true;
	return false;
}

static unsigned int free_slot(const struct run *run)
{
	unsigned int s;

	for (s = 0; s < run->nslots; s++)
		if (!(run->busy & (1ULL << s)))
			return s;
	return run->nslots;
}

/*
 * Starts what may start now: the table's rows in order, while fewer than
 * -j checks are active (not just sleeping), then the attempts to make
 * again, alone, one after another. A check that runs alone waits until the
 * others end, and nothing starts beside it: made again as soon as they
 * were found, each would wait for every sleeping check of its time to end
 * (a lost wake-up sleeps out the wake limit); kept for the end, they share
 * one such wait. Their rows are reported later, still in table order.
 */
static void start_more(struct run *run)
{
	while (!run->interrupted && !zd_stop && !alone_running(run)) {
		const struct check *c = next_row(run);
		struct run_result *rr = NULL;
		bool alone = true;
		size_t i;

		for (i = 0; i < run->nresults && !rr && !c; i++)
			if (run->results[i].state == RR_WAITING)
				rr = &run->results[i];
		if (c)
			alone = alone_row(run, c);
		else if (!rr)
			return;
		if (nbusy(run) &&
		    (alone || nactive(run) >= run->jobs || nbusy(run) == run->nslots))
			return;
		if (c) {
			rr = &run->results[run->nresults++];
			run->next_row++;
			rr->check = c;
			result_init(&rr->res);
			if (run->on_start)
				run->on_start(run->arg, run, c);
			if (unmet(run, rr))
				continue;
		}
		if (start_slot(run, free_slot(run), rr - run->results, alone)) {
			rr->end_us = now_us();
			rr->state = RR_DONE;
		}
	}
}

/* Waits until a check ends, its deadline comes, or the log has news. */
static void wait_some(struct run *run)
{
	struct pollfd pfd[RUN_MAX_JOBS + 1];
	long long now = now_us(), until = now + 1000000;
	unsigned int s, n = 0;
	bool exact = true;

	for (s = 0; s < run->nslots; s++) {
		const struct run_slot *sl = &run->slots[s];

		if (!(run->busy & (1ULL << s)))
			continue;
		if (sl->deadline < until)
			until = sl->deadline;
		if (sl->pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = sl->pidfd, .events = POLLIN };
		else
			exact = false; /* before pidfd_open (v5.3): look again soon */
	}
	if (run->kmsg.readable && run->kmsg.fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = run->kmsg.fd, .events = POLLIN };
	if (run->nheld && run->held_us + KMSG_QUIET_US < until)
		until = run->held_us + KMSG_QUIET_US;
	if (!exact && now + 10000 < until)
		until = now + 10000;
	/* At the limit: look again soon, a check may have begun to sleep. */
	if (nbusy(run) < run->nslots && nactive(run) >= run->jobs &&
	    now + WAITING_LOOK_US < until)
		until = now + WAITING_LOOK_US;
	if (until > now)
		poll(pfd, n, (int)((until - now) / 1000) + 1);
	kmsg_pump(run);
	if (run->nheld && now_us() >= run->held_us + KMSG_QUIET_US)
		kmsg_judge(run);

	for (s = 0; s < run->nslots; s++) {
		struct run_slot *sl = &run->slots[s];
		siginfo_t si;

		if (!(run->busy & (1ULL << s)))
			continue;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, sl->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
			finish_slot(run, s, 1);
		else if (zd_stop)
			finish_slot(run, s, -EINTR);
		else if (now_us() >= sl->deadline)
			finish_slot(run, s, 0);
	}
}

static bool overlaps_taint(const struct run *run, const struct run_result *rr)
{
	size_t i;

	for (i = 0; i < run->ntaints; i++)
		if (run->taints[i].start_us < rr->end_us &&
		    rr->start_us < run->taints[i].end_us &&
		    (run->taints[i].start_us != rr->start_us || !rr->res.crowded))
			return true;
	return false;
}

/*
 * Whether an ended attempt must be made again, alone: it was inconclusive
 * (a thread ran late, or others ran beside it), or it failed beside an
 * attempt whose kernel freed a pinned block that its files may have taken,
 * and none of its failures is its own timeline's.
 */
static bool again(struct run *run, struct run_result *rr)
{
	const struct result *r = &rr->res;

	if (rr->attempts == RUN_ATTEMPTS || run->interrupted || zd_stop || run->nstuck)
		return false;
	if (r->status == STATUS_ERROR && r->inconclusive)
		return true;
	return r->status == STATUS_FAIL && !r->own_fail && !rr->alone &&
	       overlaps_taint(run, rr);
}

/*
 * An ended attempt is settled when no check that started before it ended is
 * still running: a check beside it can no longer ask for it to be made
 * again.
 */
static bool settled(const struct run *run, const struct run_result *rr)
{
	unsigned int s;

	for (s = 0; s < run->nslots; s++)
		if ((run->busy & (1ULL << s)) && run->slots[s].t0 < rr->end_us)
			return false;
	return true;
}

/* Settles ended attempts and reports them in table order. */
static void settle(struct run *run)
{
	size_t i;

	for (i = run->nreported; i < run->nresults; i++) {
		struct run_result *rr = &run->results[i];

		if (rr->state != RR_DONE || !settled(run, rr) || !again(run, rr))
			continue;
		snprintf(rr->why[rr->attempts - 1], sizeof(rr->why[0]), "%s%s",
			 rr->res.status == STATUS_FAIL ?
				 "failed beside a check whose kernel freed a pinned block: " :
				 "",
			 rr->res.reason);
		rr->state = RR_WAITING;
	}
	while (run->nreported < run->nresults) {
		struct run_result *rr = &run->results[run->nreported];
		unsigned int n;

		if (rr->state != RR_DONE || !settled(run, rr))
			break;
		for (n = 1; n < rr->attempts; n++)
			result_evidence(&rr->res, "attempt %u was inconclusive: %s", n,
					rr->why[n - 1]);
		if (rr->attempts > 1)
			result_value(&rr->res, "attempts", rr->attempts);
		rr->state = RR_REPORTED;
		run->nreported++;
		run->count[rr->res.status]++;
		if (run->on_result)
			run->on_result(run->arg, run, rr);
	}
}

unsigned int run_slots(unsigned int jobs)
{
	if (jobs <= 1)
		return 1;
	return jobs * RUN_WAITING_FACTOR > RUN_MAX_JOBS ? RUN_MAX_JOBS :
							  jobs * RUN_WAITING_FACTOR;
}

int run_checks(struct run *run)
{
	const struct check_table *t = run->table;
	struct rusage ru;
	size_t i;

	run->nselected = 0;
	for (i = 0; i < t->n; i++)
		run->nselected += applies(run, &t->rows[i]);
	run->jobs = run->opt->jobs ? run->opt->jobs : 1;
	if (run->jobs > RUN_MAX_JOBS)
		run->jobs = RUN_MAX_JOBS;
	run->nslots = run_slots(run->jobs);
	run->results = calloc(run->nselected ? run->nselected : 1, sizeof(*run->results));
	run->slots = calloc(run->nslots, sizeof(*run->slots));
	run->held = calloc(KMSG_HELD_MAX, sizeof(*run->held));
	run->taints = calloc(run->nselected * RUN_ATTEMPTS + 1, sizeof(*run->taints));
	if (!run->results || !run->slots || !run->held || !run->taints) {
		run_free(run);
		return -ENOMEM;
	}
	if (!run->kill_grace_ms)
		run->kill_grace_ms = 5000;

	run->started_us = now_us();
	kmsg_open(&run->kmsg);
	if (run->on_begin)
		run->on_begin(run->arg, run);
	for (;;) {
		start_more(run);
		if (nbusy(run) > run->most_running)
			run->most_running = nbusy(run);
		if (!run->busy) {
			settle(run);
			/* Nothing runs: what settle() asked to make again, or the end. */
			for (i = 0; i < run->nresults; i++)
				if (run->results[i].state == RR_WAITING)
					break;
			if (i == run->nresults || run->interrupted || zd_stop)
				break;
			continue;
		}
		wait_some(run);
		settle(run);
	}
	if (zd_stop)
		run->interrupted = true;
	/* Attempts that were to be made again, cut short: their last one stands. */
	for (i = 0; i < run->nresults; i++)
		if (run->results[i].state == RR_WAITING)
			run->results[i].state = RR_DONE;
	settle(run);
	kmsg_drop(run);
	kmsg_close(&run->kmsg);
	run->ended_us = now_us();
	/* Reaped children count: every check's process and its files' removal. */
	if (!getrusage(RUSAGE_SELF, &ru))
		run->maxrss_kb = ru.ru_maxrss;
	if (!getrusage(RUSAGE_CHILDREN, &ru))
		run->check_maxrss_kb = ru.ru_maxrss;
	return 0;
}

void run_free(struct run *run)
{
	free(run->results);
	free(run->slots);
	free(run->held);
	free(run->taints);
	run->results = NULL;
	run->slots = NULL;
	run->held = NULL;
	run->taints = NULL;
}
