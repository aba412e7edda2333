// SPDX-License-Identifier: GPL-2.0-only
/*
 * task_wchan() on a thread of our own that sleeps in read(2) of a pipe,
 * task_stack_top() on stacks as /proc/PID/stack shows them, and
 * task_parse_stat() on /proc/PID/stat lines whose command name holds spaces
 * and parentheses, and task_left_sleep() on sightings of a change's thread.
 */
#include <pthread.h>
#include <unistd.h>

#include "observe/task.h"
#include "unit.h"

static int pipefd[2];
static pid_t reader_tid;

static void test_parse_stat(void)
{
	char comm[16], state = 0;
	pid_t pgrp = 0;

	EXPECT(task_parse_stat("4242 (kworker/u8:2) D 2 0 0 0 -1 69238880", comm, sizeof(comm),
			       &state, &pgrp) == 0);
	EXPECT_STR(comm, "kworker/u8:2");
	EXPECT(state == 'D' && pgrp == 0);
	/* prctl(PR_SET_NAME) lets a task call itself anything; the last ')' ends it. */
	EXPECT(task_parse_stat("77 (a) b (c)) S 1 77 77 0", comm, sizeof(comm), &state,
			       &pgrp) == 0);
	EXPECT_STR(comm, "a) b (c)");
	EXPECT(state == 'S' && pgrp == 77);
	/* Cut to the caller's buffer. */
	EXPECT(task_parse_stat("9 (a-very-long-command) R 1 9", comm, sizeof(comm), &state,
			       &pgrp) == 0);
	EXPECT_STR(comm, "a-very-long-com");
	EXPECT(task_parse_stat("9 (zdcheck) R", comm, sizeof(comm), &state, &pgrp) != 0);
	EXPECT(task_parse_stat("9 )zdcheck( R 1 9", comm, sizeof(comm), &state, &pgrp) != 0);
	EXPECT(task_parse_stat("", comm, sizeof(comm), &state, &pgrp) != 0);
}

static void test_left_sleep(void)
{
	/* Still in the page wait: a lost wake-up or a held page. */
	EXPECT(!task_left_sleep('S', "ext4_wait_dax_page", 'S', "ext4_wait_dax_page"));
	EXPECT(!task_left_sleep('D', "dax_break_layout_final", 'D', "dax_break_layout_final"));
	/* Woken: running, or asleep elsewhere (the journal), or gone. */
	EXPECT(task_left_sleep('S', "ext4_wait_dax_page", 'R', "-"));
	EXPECT(task_left_sleep('S', "ext4_wait_dax_page", 'D', "jbd2_log_wait_commit"));
	EXPECT(task_left_sleep('S', "xfs_wait_dax_page", 0, "?"));
	/* The first sighting was no sleep in a known place: nothing to leave. */
	EXPECT(!task_left_sleep('R', "-", 'D', "jbd2_log_wait_commit"));
	EXPECT(!task_left_sleep('S', "-", 'D', "jbd2_log_wait_commit"));
	EXPECT(!task_left_sleep('S', "?", 'R', "-"));
	EXPECT(!task_left_sleep(0, "", 'R', "-"));
}

static void *reader(void *arg)
{
	char c;

	(void)arg;
	__atomic_store_n(&reader_tid, gettid(), __ATOMIC_RELEASE);
	return read(pipefd[0], &c, 1) == 1 ? NULL : arg;
}

int main(void)
{
	char wchan[64], path[64], state = 0;
	pthread_t t;
	pid_t tid = 0;
	int i;

	test_parse_stat();
	test_left_sleep();
	if (pipe(pipefd) || pthread_create(&t, NULL, reader, NULL))
		return 99;
	/* Up to 5 s for the reader to fall asleep: a loaded machine is slow. */
	for (i = 0; i < 500 && state != 'S'; i++) {
		usleep(10000);
		tid = __atomic_load_n(&reader_tid, __ATOMIC_ACQUIRE);
		if (tid)
			state = task_wchan(getpid(), tid, wchan, sizeof(wchan));
	}
	EXPECT(state == 'S');
	/* A function name, or "-" where the kernel hides it; never unread. */
	EXPECT(wchan[0] && strcmp(wchan, "?"));
	fprintf(stderr, "reader: state %c wchan %s\n", state, wchan);

	if (write(pipefd[1], "x", 1) != 1)
		return 99;
	pthread_join(t, NULL);
	/*
	 * pthread_join() returns when the thread cleared its tid, on its way
	 * out; its /proc entry goes a moment later, when the kernel releases
	 * it. Wait for that (up to 5 s on a loaded machine), then look.
	 */
	snprintf(path, sizeof(path), "/proc/self/task/%d", tid);
	for (i = 0; i < 500 && access(path, F_OK) == 0; i++)
		usleep(10000);

	/* A thread that is gone: no state, and the wchan says unknown. */
	EXPECT(task_wchan(getpid(), tid, wchan, sizeof(wchan)) == 0);
	EXPECT_STR(wchan, "?");
	EXPECT(task_sleeps_in(getpid(), tid, wchan, sizeof(wchan)) == 0);
	EXPECT_STR(wchan, "?");

	/* Where a task sleeps, when its wchan does not say: its stack's top. */
	EXPECT(task_stack_top("[<0>] dax_break_layout_final+0x10b/0x140\n"
			      "[<0>] ext4_evict_inode+0x6c/0x6a0\n[<0>] evict+0xd2/0x290\n",
			      wchan, sizeof(wchan)));
	EXPECT_STR(wchan, "dax_break_layout_final");
	EXPECT(task_stack_top("[<0>] do_sys_pause\n", wchan, sizeof(wchan)));
	EXPECT_STR(wchan, "do_sys_pause");
	EXPECT(!task_stack_top("", wchan, sizeof(wchan)));
	EXPECT(!task_stack_top("[<0>] \n", wchan, sizeof(wchan)));
	return unit_done();
}
