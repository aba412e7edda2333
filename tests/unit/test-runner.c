// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's promises: a hanging check is killed at its deadline with the
 * stuck task's state as evidence, helpers it forked die with it, a crash is
 * a failure, a missing need is a skip, and SIGINT stops the run cleanly.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pin/pin.h"
#include "run/needs.h"
#include "run/runner.h"
#include "unit.h"

static void pass(const struct check *c, struct check_ctx *ctx)
{
	result_value(ctx->res, "answer", 42);
	result_pass(ctx->res);
}

static void hang(const struct check *c, struct check_ctx *ctx)
{
	pid_t helper = fork();

	if (helper == 0) {
		for (;;)
			pause();
	}
	/* The helper stands for a pin holder: it must not outlive the check. */
	result_value(ctx->res, "helper_pid", helper);
	result_step(ctx->res, "pause() with a helper holding a pin");
	for (;;)
		pause();
}

/*
 * A task that SIGKILL cannot remove from the group. The real case is a task
 * in uninterruptible sleep; here a zombie stands in for it: the test is a
 * child subreaper that does not reap it until the runner has given up.
 */
static void unkillable(const struct check *c, struct check_ctx *ctx)
{
	pid_t zombie = fork();

	if (zombie == 0)
		_exit(0);
	result_value(ctx->res, "zombie_pid", zombie);
	result_step(ctx->res, "pause() next to a task that will not die");
	for (;;)
		pause();
}

static void crash(const struct check *c, struct check_ctx *ctx)
{
	result_step(ctx->res, "about to abort()");
	abort();
}

static void no_verdict(const struct check *c, struct check_ctx *ctx)
{
}

static void bad_exit(const struct check *c, struct check_ctx *ctx)
{
	_exit(3);
}

/* A user-space "WARNING:" in the log is not a kernel splat. */
static void user_warning(const struct check *c, struct check_ctx *ctx)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "<4>WARNING: CPU: 0 PID: 1 at fake.c:1 from user space\n", 54) <
		    0)
			result_evidence(ctx->res, "kmsg write failed");
		close(fd);
	}
	result_pass(ctx->res);
}

/* Attempts so far, in memory the forked checks share with the test. */
static int *tries;

static void late_twice(const struct check *c, struct check_ctx *ctx)
{
	if (++*tries < 3)
		result_inconclusive(ctx->res, "ran %d ms late", *tries * 100);
	else
		result_pass(ctx->res);
}

static void always_late(const struct check *c, struct check_ctx *ctx)
{
	result_inconclusive(ctx->res, "ran late");
}

/* When the row after them began: the attempt to make again waits for it. */
static int *pass_began_at_try;

static void pass_after(const struct check *c, struct check_ctx *ctx)
{
	*pass_began_at_try = *tries;
	result_pass(ctx->res);
}

static void interrupt_me(const struct check *c, struct check_ctx *ctx)
{
	kill(getppid(), SIGINT);
	for (;;)
		pause();
}

/* What the stuck removers leave for the test, in memory they share with it. */
static struct removers {
	int n;
	pid_t zombies[2]; /* that keep their groups alive */
	int nfds[2]; /* the files each held open */
	bool stdout_null[2]; /* its stdout was /dev/null, not ours */
} * removers;

/* How many files this process holds open; whether its stdout is /dev/null. */
static int open_files(bool *stdout_null)
{
	char target[64];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	ssize_t n;
	int nfds = 0;

	n = readlink("/proc/self/fd/1", target, sizeof(target) - 1);
	*stdout_null = n > 0 && !strncmp(target, "/dev/null", (size_t)n);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		nfds += de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d);
	closedir(d);
	return nfds;
}

static void touch(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	if (fd >= 0)
		close(fd);
}

/*
 * A removal that eviction holds for ever, where the check left a file
 * "hang": it says it is at "pinned" and sleeps. SIGKILL would end it, so a
 * zombie in its group stands in for the D state (the test is a subreaper).
 */
static int hanging_remove(const char *dir, char *at, size_t len)
{
	char path[PATH_MAX];
	pid_t z;
	int i;

	snprintf(path, sizeof(path), "%s/hang", dir);
	if (access(path, F_OK))
		return zd_remove_tree(dir, at, len);
	snprintf(at, len, "%s/pinned", dir);
	z = fork();
	if (z == 0)
		_exit(0);
	i = __atomic_fetch_add(&removers->n, 1, __ATOMIC_SEQ_CST);
	removers->zombies[i] = z;
	removers->nfds[i] = open_files(&removers->stdout_null[i]);
	for (;;)
		pause();
}

/* Found a page that never goes idle; its file then cannot be evicted. */
static void leak(const struct check *c, struct check_ctx *ctx)
{
	touch(ctx->dir, "pinned");
	touch(ctx->dir, "hang");
	result_fail(ctx->res,
		    "truncate still waits 2 s after the pin was released: the page is "
		    "still referenced (leaked reference), a signal did not help");
}

/* Passed, but its file cannot be evicted: the removal alone fails it. */
/*
 * Past its deadline, slow to take the runner's request to let go of its
 * pins (the signal blocked until 1.4 s, as a busy machine might delay its
 * handler): the runner must wait for it before it kills.
 */
static void slow_let_go(const struct check *c, struct check_ctx *ctx)
{
	long long t0 = now_us();
	sigset_t usr2;

	sigemptyset(&usr2);
	sigaddset(&usr2, PIN_LET_GO_SIGNAL);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	while (now_us() - t0 < 1400000)
		usleep(10000);
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	for (;;)
		pause();
}

static void pass_then_hang(const struct check *c, struct check_ctx *ctx)
{
	touch(ctx->dir, "pinned");
	touch(ctx->dir, "hang");
	result_pass(ctx->res);
}

static void pass_in_dir(const struct check *c, struct check_ctx *ctx)
{
	touch(ctx->dir, "pinned");
	result_pass(ctx->res);
}

/* A row of a test table: an fs-dax check with a 10 s deadline. */
#define ROW(name_, run_)                                                            \
	{                                                                           \
		.name = name_, .target = TARGET_FSDAX, .timeout_s = 10, .run = run_ \
	}

static const struct check rows[] = {
	ROW("t/pass", pass),
	{ .name = "t/hang", .target = TARGET_FSDAX, .timeout_s = 1, .run = hang },
	{ .name = "t/slow-let-go", .target = TARGET_FSDAX, .timeout_s = 1, .run = slow_let_go },
	ROW("t/crash", crash),
	{ .name = "t/skip",
	  .target = TARGET_FSDAX,
	  .needs = NEED_LIBPMEM2,
	  .timeout_s = 10,
	  .run = pass },
	{ .name = "t/devdax-only", .target = TARGET_DEVDAX, .timeout_s = 10, .run = pass },
	ROW("t/no-verdict", no_verdict),
	ROW("t/bad-exit", bad_exit),
	ROW("t/user-warning", user_warning),
	ROW("t/late-twice", late_twice),
	ROW("t/interrupt", interrupt_me),
	ROW("t/after-interrupt", pass),
};
static const struct check_table table = { rows, ARRAY_SIZE(rows) };

static const struct check unkillable_row = { .name = "t/unkillable",
					     .target = TARGET_FSDAX,
					     .timeout_s = 1,
					     .run = unkillable };
static const struct check_table unkillable_table = { &unkillable_row, 1 };

static const struct check removal_rows[] = {
	ROW("t/leak", leak),
	ROW("t/pass-then-hang", pass_then_hang),
	ROW("t/pass-in-dir", pass_in_dir),
};
static const struct check_table removal_table = { removal_rows, ARRAY_SIZE(removal_rows) };

static const struct result *find(const struct run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->nresults; i++)
		if (!strcmp(run->results[i].check->name, name))
			return &run->results[i].res;
	fprintf(stderr, "no result for %s\n", name);
	exit(1);
}

/*
 * Side by side (-j): what each check saw, in memory they share with the
 * test. A check sleeps 300 ms between its start and end marks.
 */
static struct side {
	int running, most; /* checks inside their sleep now, and at most */
	int alone_with; /* others running while the alone row ran */
	int crowded_tries, beside_tries;
	bool alone_seen[8];
} * side;

static void sleep_ms(int ms)
{
	usleep((useconds_t)ms * 1000);
}

/* One more check inside its sleep: counted, and the most so far kept. */
static void enter(void)
{
	int now = __atomic_add_fetch(&side->running, 1, __ATOMIC_SEQ_CST);
	int most = __atomic_load_n(&side->most, __ATOMIC_SEQ_CST);

	while (now > most && !__atomic_compare_exchange_n(&side->most, &most, now, false,
							  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

static void busy(const struct check *c, struct check_ctx *ctx)
{
	enter();
	sleep_ms(300);
	__atomic_sub_fetch(&side->running, 1, __ATOMIC_SEQ_CST);
}

static void side_pass(const struct check *c, struct check_ctx *ctx)
{
	busy(c, ctx);
	result_pass(ctx->res);
}

static void side_alone(const struct check *c, struct check_ctx *ctx)
{
	int others = __atomic_load_n(&side->running, __ATOMIC_SEQ_CST);

	busy(c, ctx);
	others += __atomic_load_n(&side->running, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&side->alone_with, others, __ATOMIC_SEQ_CST);
	side->alone_seen[0] = ctx->alone;
	result_pass(ctx->res);
}

/* Its kernel freed a pinned block: with others beside it, nothing is shown. */
static void side_crowded(const struct check *c, struct check_ctx *ctx)
{
	__atomic_add_fetch(&side->crowded_tries, 1, __ATOMIC_SEQ_CST);
	busy(c, ctx);
	if (!ctx->alone)
		result_crowded(ctx->res, "returned while pinned, with others running");
	else
		result_fail(ctx->res, "returned while pinned");
}

/* Fails beside the crowded one (its block taken), passes alone. */
static void side_victim(const struct check *c, struct check_ctx *ctx)
{
	__atomic_add_fetch(&side->beside_tries, 1, __ATOMIC_SEQ_CST);
	busy(c, ctx);
	if (!ctx->alone)
		result_fail(ctx->res, "the pinned page changed while pinned");
	else
		result_pass(ctx->res);
}

/* Beside it too, but its own change never woke up: that is no neighbour's doing. */
static void side_own(const struct check *c, struct check_ctx *ctx)
{
	busy(c, ctx);
	result_fail(ctx->res, "ftruncate(0) never woke up after the pin was released");
	ctx->res->own_fail = true;
}

static void side_fail(const struct check *c, struct check_ctx *ctx)
{
	busy(c, ctx);
	result_fail(ctx->res, "still blocked 2 s after the pin was let go");
}

static const struct check side_rows[] = {
	ROW("j/1", side_pass),
	ROW("j/2", side_pass),
	ROW("j/3", side_fail),
	ROW("j/4", side_pass),
	{ .name = "j/alone",
	  .target = TARGET_FSDAX,
	  .flags = CHECK_ALONE,
	  .timeout_s = 10,
	  .run = side_alone },
	ROW("j/crowded", side_crowded),
	ROW("j/victim", side_victim),
	ROW("j/own", side_own),
};
static const struct check_table side_table = { side_rows, ARRAY_SIZE(side_rows) };

static char side_order[ARRAY_SIZE(side_rows)][16];
static size_t side_nreported;

static void side_report(void *arg, const struct run *run, const struct run_result *rr)
{
	snprintf(side_order[side_nreported++], sizeof(side_order[0]), "%s", rr->check->name);
}

static const struct check again_rows[] = {
	ROW("a/late-twice", late_twice),
	ROW("a/always-late", always_late),
	ROW("a/pass", pass_after),
};
static const struct check_table again_table = { again_rows, ARRAY_SIZE(again_rows) };

/*
 * An inconclusive attempt is made again, alone, once the table's rows have
 * all begun (they share one wait for the others to end); the last attempt
 * stands.
 */
static void test_again(void)
{
	struct options o = { .hold_ms = 10, .jobs = 1 };
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = { .opt = &o, .target = &t, .table = &again_table };
	const struct result *r;

	pass_began_at_try = mmap(NULL, sizeof(*pass_began_at_try), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT(pass_began_at_try != MAP_FAILED);
	*tries = 0;
	zd_stop = 0;
	EXPECT(run_checks(&run) == 0);
	r = find(&run, "a/late-twice");
	EXPECT(r->status == STATUS_PASS && *tries == 3);
	EXPECT(result_get_value(r, "attempts") && result_get_value(r, "attempts")->value == 3);
	EXPECT(strstr(r->evidence, "attempt 1 was inconclusive: ran 100 ms late"));
	EXPECT(strstr(r->evidence, "attempt 2 was inconclusive: ran 200 ms late"));
	r = find(&run, "a/always-late");
	EXPECT(r->status == STATUS_ERROR && strstr(r->reason, "ran late"));
	EXPECT(result_get_value(r, "attempts") && result_get_value(r, "attempts")->value == 3);
	/* a/pass began after late-twice's first attempt, before its second. */
	EXPECT(*pass_began_at_try == 1);
	EXPECT(find(&run, "a/pass")->status == STATUS_PASS);
	run_free(&run);
}

/*
 * -j 4: checks overlap, a CHECK_ALONE row runs with nothing beside it, a
 * crowded attempt is made again alone and so is the failure beside it
 * unless it is its own timeline's, a failure beside no crowded attempt
 * stands, and the report keeps table order.
 */
static void test_jobs(void)
{
	struct options o = { .hold_ms = 10, .jobs = 4 };
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = {
		.opt = &o, .target = &t, .table = &side_table, .on_result = side_report
	};
	const struct result *r;
	long long t0;
	size_t i;

	side = mmap(NULL, sizeof(*side), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		    0);
	EXPECT(side != MAP_FAILED);
	memset(side, 0, sizeof(*side));
	zd_stop = 0;
	t0 = now_us();
	EXPECT(run_checks(&run) == 0);
	/*
	 * Side by side is what the checks saw, not a wall time, which a loaded
	 * machine stretches: 10 attempts of 300 ms took about 1.6 s here.
	 */
	fprintf(stderr, "jobs: %lld ms, at most %d at once\n", (now_us() - t0) / 1000,
		side->most);
	EXPECT(side->most >= 2 && run.most_running >= 2 && run.most_running <= 4);
	EXPECT(side->alone_with == 0 && side->alone_seen[0]);

	EXPECT(side_nreported == ARRAY_SIZE(side_rows));
	for (i = 0; i < side_nreported && i < ARRAY_SIZE(side_rows); i++)
		EXPECT_STR(side_order[i], side_rows[i].name);

	r = find(&run, "j/3");
	EXPECT(r->status == STATUS_FAIL && !result_get_value(r, "attempts"));
	r = find(&run, "j/crowded");
	EXPECT(side->crowded_tries == 2);
	EXPECT(r->status == STATUS_FAIL && !strcmp(r->reason, "returned while pinned"));
	EXPECT(strstr(r->evidence, "attempt 1 was inconclusive: returned while pinned, with "
				   "others running"));
	r = find(&run, "j/victim");
	EXPECT(side->beside_tries == 2 && r->status == STATUS_PASS);
	EXPECT(strstr(r->evidence, "attempt 1 was inconclusive: failed beside a check whose "
				   "kernel freed a pinned block: the pinned page changed"));
	EXPECT(result_get_value(r, "attempts")->value == 2);
	r = find(&run, "j/own");
	EXPECT(r->status == STATUS_FAIL && !result_get_value(r, "attempts"));
	EXPECT(run.count[STATUS_PASS] == 5 && run.count[STATUS_FAIL] == 3);
	run_free(&run);
}

/*
 * Sleeps as a check waiting out a wake limit does, needing no CPU, until
 * more than -j of them sleep at once (or 5 s pass: then they did not).
 */
static void sleeper(const struct check *c, struct check_ctx *ctx)
{
	long long until = now_us() + 5000000;

	__atomic_store_n(&ctx->res->waiting, true, __ATOMIC_RELEASE);
	enter();
	while (__atomic_load_n(&side->most, __ATOMIC_SEQ_CST) < 3 && now_us() < until)
		sleep_ms(10);
	__atomic_sub_fetch(&side->running, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ctx->res->waiting, false, __ATOMIC_RELEASE);
	result_pass(ctx->res);
}

static const struct check sleeper_rows[] = {
	ROW("w/1", sleeper), ROW("w/2", sleeper), ROW("w/3", sleeper),
	ROW("w/4", sleeper), ROW("w/5", sleeper), ROW("w/6", sleeper),
};
static const struct check_table sleeper_table = { sleeper_rows, ARRAY_SIZE(sleeper_rows) };

/* -j 2: checks that only sleep do not count, up to four times as many run. */
static void test_waiting(void)
{
	struct options o = { .hold_ms = 10, .jobs = 2 };
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = { .opt = &o, .target = &t, .table = &sleeper_table };
	long long t0;

	memset(side, 0, sizeof(*side));
	t0 = now_us();
	EXPECT(run_checks(&run) == 0);
	fprintf(stderr, "waiting: %lld ms, at most %d at once\n", (now_us() - t0) / 1000,
		side->most);
	/* More than -j at once: the sleepers did not count. */
	EXPECT(run.nslots == 8 && side->most > 2 && run.most_running > 2);
	EXPECT(run.count[STATUS_PASS] == 6);
	run_free(&run);
}

static void on_sigint(int sig)
{
	zd_stop = sig;
}

/* The verdicts of a stuck removal, on what a 7.x eviction and a lock show. */
static void test_removal_verdict(void)
{
	struct removal rm = { .err = -ETIMEDOUT, .pid = 1234, .state = 'D' };
	char buf[512];

	snprintf(rm.at, sizeof(rm.at), "/mnt/ext4/zdcheck.Ab12Cd/1.1/pinned");
	snprintf(rm.in, sizeof(rm.in), "dax_break_layout_final");
	removal_verdict(&rm, buf, sizeof(buf));
	EXPECT_STR(buf, "removing /mnt/ext4/zdcheck.Ab12Cd/1.1/pinned is stuck in "
			"dax_break_layout_final: a page of it never went idle");
	snprintf(rm.in, sizeof(rm.in), "rwsem_down_write_slowpath");
	removal_verdict(&rm, buf, sizeof(buf));
	EXPECT_STR(buf, "removing /mnt/ext4/zdcheck.Ab12Cd/1.1/pinned is stuck in "
			"rwsem_down_write_slowpath (state D)");
}

/*
 * A check's files whose removal never ends (eviction waiting for a page
 * that never goes idle): the run goes on, the check fails with where the
 * removal sleeps, the remover is left behind as stuck.
 */
static void test_stuck_removal(const struct options *o)
{
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = { .opt = o, .target = &t, .table = &removal_table };
	char wd[] = "/tmp/zdcheck-unit.XXXXXX", want[PATH_MAX + 64];
	const struct result *r;
	long long t0;
	int i;

	removers = mmap(NULL, sizeof(*removers), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT(removers != MAP_FAILED && mkdtemp(wd));
	snprintf(t.workdir, sizeof(t.workdir), "%s", wd);
	run.remover = hanging_remove;
	run.remove_timeout_ms = 300;
	run.kill_grace_ms = 300;
	t0 = now_us();
	EXPECT(run_checks(&run) == 0);
	EXPECT(now_us() - t0 < 5000000);
	EXPECT(run.nresults == 3);

	/* The leak stays the verdict; the stuck removal is added to it. */
	r = find(&run, "t/leak");
	EXPECT(r->status == STATUS_FAIL && strstr(r->reason, "(leaked reference)"));
	snprintf(want, sizeof(want), "also: removing %s/1.1/pinned is stuck in ", wd);
	EXPECT(strstr(r->evidence, want));
	snprintf(want, sizeof(want),
		 "removing the check's files after it ended: %s/1.1/pinned "
		 "still not removed after 300 ms:",
		 wd);
	EXPECT(strstr(r->evidence, want));
	EXPECT(strstr(r->evidence, " state S wchan "));
	EXPECT(strstr(r->evidence, "still alive 300 ms after SIGKILL"));

	/* A check that passed fails for the removal alone. */
	r = find(&run, "t/pass-then-hang");
	snprintf(want, sizeof(want), "removing %s/2.1/pinned is stuck in ", wd);
	EXPECT(r->status == STATUS_FAIL && !strncmp(r->reason, want, strlen(want)));
	EXPECT(strstr(r->reason, "(state S)"));
	fprintf(stderr, "stuck removal: %s\n", r->reason);

	/* And the run went on: the next check's files went as usual. */
	r = find(&run, "t/pass-in-dir");
	EXPECT(r->status == STATUS_PASS);
	snprintf(want, sizeof(want), "%s/3.1", wd);
	EXPECT(access(want, F_OK) == -1 && errno == ENOENT);

	EXPECT(run.nstuck == 2 && removers->n == 2);
	for (i = 0; i < (int)run.nstuck && i < removers->n; i++) {
		EXPECT(getpgid(removers->zombies[i]) == run.stuck[i]);
		waitpid(removers->zombies[i], NULL, 0);
		/* Stuck for good, it holds none of our files, our stdout least. */
		EXPECT(removers->nfds[i] == 3 && removers->stdout_null[i]);
	}
	run_free(&run);
	EXPECT(zd_remove_tree(wd, NULL, 0) == 0);
}

int main(void)
{
	struct options o = { .hold_ms = 10 };
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = { .opt = &o, .target = &t, .table = &table, .kill_grace_ms = 2000 };
	struct sigaction sa = { .sa_handler = on_sigint };
	const struct result *r;
	const struct result_value *v;

	tries = mmap(NULL, sizeof(*tries), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	EXPECT(tries != MAP_FAILED);
	*tries = 0;
	sigaction(SIGINT, &sa, NULL);
	needs_force(NEED_LIBPMEM2, "zdcheck was built without libpmem2");
	EXPECT(run_checks(&run) == 0);

	/* Selection by target kind: the devdax row is not part of an fsdax run. */
	EXPECT(run.nselected == ARRAY_SIZE(rows) - 1);
	EXPECT(run.nresults == run.nselected - 1);
	EXPECT(run.interrupted);

	r = find(&run, "t/pass");
	EXPECT(r->status == STATUS_PASS && result_get_value(r, "answer")->value == 42);

	r = find(&run, "t/hang");
	EXPECT(r->status == STATUS_FAIL);
	EXPECT(strstr(r->reason, "no result after 1 s: stuck in pause() with a helper"));
	EXPECT(strstr(r->evidence, " state S wchan "));
	EXPECT(r->duration_us >= 1000000 && r->duration_us < 5000000);
	v = result_get_value(r, "helper_pid");
	EXPECT(v && kill((pid_t)v->value, 0) == -1 && errno == ESRCH);

	r = find(&run, "t/slow-let-go");
	EXPECT(r->status == STATUS_FAIL && r->let_go);

	r = find(&run, "t/crash");
	EXPECT(r->status == STATUS_FAIL);
	EXPECT(strstr(r->reason, "killed by signal 6"));
	EXPECT(strstr(r->reason, "about to abort()"));

	r = find(&run, "t/skip");
	EXPECT(r->status == STATUS_SKIP);
	EXPECT_STR(r->reason, "zdcheck was built without libpmem2");

	r = find(&run, "t/no-verdict");
	EXPECT(r->status == STATUS_ERROR && strstr(r->reason, "without a verdict"));
	r = find(&run, "t/bad-exit");
	EXPECT(r->status == STATUS_ERROR && strstr(r->reason, "status 3"));
	r = find(&run, "t/user-warning");
	EXPECT(r->status == STATUS_PASS && r->klog_bad == 0);

	/* Its attempt to make again was to come at the end: cut, the first stands. */
	r = find(&run, "t/late-twice");
	EXPECT(r->status == STATUS_ERROR && *tries == 1 &&
	       strstr(r->reason, "ran 100 ms late"));

	r = find(&run, "t/interrupt");
	EXPECT(r->status == STATUS_SKIP && strstr(r->reason, "interrupted"));
	EXPECT(run.count[STATUS_PASS] == 2 && run.count[STATUS_FAIL] == 3);
	EXPECT(run.count[STATUS_ERROR] == 3 && run.count[STATUS_SKIP] == 2);
	EXPECT(run.nstuck == 0);
	/* The report must say whether the log was observed, after the run too. */
	EXPECT(run.kmsg.readable == (access("/dev/kmsg", R_OK) == 0));
	run_free(&run);

	/* As a subreaper, orphans of the check become our unreaped zombies. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	zd_stop = 0;
	memset(&run, 0, sizeof(run));
	run.opt = &o;
	run.target = &t;
	run.table = &unkillable_table;
	run.kill_grace_ms = 500;
	EXPECT(run_checks(&run) == 0);
	EXPECT(run.nresults == 1);
	r = &run.results[0].res;
	v = result_get_value(r, "zombie_pid");
	EXPECT(r->status == STATUS_FAIL && v);
	EXPECT(strstr(r->evidence, "still alive 500 ms after SIGKILL"));
	EXPECT(strstr(r->evidence, " state Z "));
	EXPECT(run.nstuck == 1 && run.stuck[0] == r->pid);
	if (v)
		waitpid((pid_t)v->value, NULL, 0);
	run_free(&run);

	test_removal_verdict();
	test_stuck_removal(&o);
	test_again();
	test_jobs();
	test_waiting();
	return unit_done();
}
