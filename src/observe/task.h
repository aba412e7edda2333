/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_TASK_H
#define ZD_TASK_H

#include <sys/types.h>

#include "report/result.h"

/*
 * Parses /proc/PID/stat (NUL-terminated): the command name into @comm, the
 * state letter and the process group. Returns 0 or -EINVAL.
 */
int task_parse_stat(const char *stat, char *comm, size_t clen, char *state, pid_t *pgrp);
/* The scheduler state letter of a task ('R', 'S', 'D', 'Z', ...) or 0. */
char task_state(pid_t pid, pid_t tid);
/*
 * The state letter of a task, as task_state(), and in @wchan the kernel
 * function it sleeps in ("-" when it does not sleep, "?" when unreadable).
 */
char task_wchan(pid_t pid, pid_t tid, char *wchan, size_t len);
/*
 * Adds, for every thread of every process in process group @pgid, its state,
 * wchan and kernel stack (when readable) to the evidence. Returns the number
 * of threads found in uninterruptible sleep.
 */
int task_describe_group(pid_t pgid, struct result *r);

#endif
