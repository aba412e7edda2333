// SPDX-License-Identifier: GPL-2.0-only
/*
 * Children that may hang in the kernel: a check, or the removal of the
 * files a check leaves. Each leads its own process group, is waited for
 * with a deadline, and is killed as a group; one that cannot die (a task in
 * uninterruptible sleep) is left behind rather than hanging zdcheck.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/child.h"
#include "zdcheck.h"

pid_t child_fork(void)
{
	pid_t pid;

	fflush(NULL); /* or the child would flush our buffered output again */
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		/* If zdcheck dies, its checks (and the pins they hold) die with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		zd_default_stop_signals();
	} else if (pid > 0) {
		/* Both sides set the group, so kill(-pid) works whichever runs first. */
		setpgid(pid, pid);
	}
	return pid;
}

int child_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int child_wait(pid_t pid, long long deadline_us)
{
	int pidfd = child_pidfd(pid), ret = 0;
	siginfo_t si;

	for (;;) {
		long long left = deadline_us - now_us();
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid) {
			ret = 1;
			break;
		}
		if (left <= 0)
			break;
		if (pidfd >= 0) {
			poll(&pfd, 1, (int)(left / 1000) + 1);
		} else {
			/* Before pidfd_open (v5.3): a short sleep is good enough. */
			usleep(left < 10000 ? (useconds_t)left : 10000);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

/* A zombie leader still counts: child_kill_group() reaps it. */
static int group_alive(pid_t pgid)
{
	return kill(-pgid, 0) == 0;
}

bool child_kill_group(pid_t pgid, unsigned int grace_ms)
{
	long long deadline = now_us() + grace_ms * 1000LL;

	kill(-pgid, SIGKILL);
	while (group_alive(pgid) && now_us() < deadline) {
		int st;

		/* Reap our own child so that only non-children keep the group alive. */
		waitpid(pgid, &st, WNOHANG);
		usleep(10000);
	}
	waitpid(pgid, NULL, WNOHANG);
	return !group_alive(pgid);
}
