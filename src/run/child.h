/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_CHILD_H
#define ZD_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * fork() for work that may hang in the kernel: the child leads a process
 * group of its own (so that it and whatever it forks can be killed
 * together), dies with zdcheck, and takes SIGINT/SIGTERM as they come.
 * Returns as fork() does.
 */
pid_t child_fork(void);
/* A pidfd for @pid (polls readable when it exits), or -1 before v5.3. */
int child_pidfd(pid_t pid);
/*
 * Waits until @pid has exited (it stays a zombie: not reaped, so its pid and
 * process group ID cannot be reused while we kill the rest of the group).
 * Returns 1 on exit, 0 on deadline.
 */
int child_wait(pid_t pid, long long deadline_us);
/*
 * SIGKILLs process group @pgid (led by our child) and gives it @grace_ms
 * to go, reaping the leader. A task in uninterruptible sleep cannot die:
 * returns false when the group is still there.
 */
bool child_kill_group(pid_t pgid, unsigned int grace_ms);

#endif
