/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_TASK_H
#define ZD_TASK_H

#include <stdbool.h>
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
 * Whether a task seen asleep in @then_wchan (state @then) has left that
 * sleep by the time it shows @now and @now_wchan: it runs, or sleeps
 * elsewhere. False when the first sighting was no sleep in a known place.
 */
bool task_left_sleep(char then, const char *then_wchan, char now, const char *now_wchan);
/*
 * The kernel function a task sleeps in, for a verdict: its wchan, or where
 * that says nothing (a running task, a kernel that hides it), the innermost
 * frame of its stack; "?" when neither is readable. Returns its state letter.
 */
char task_sleeps_in(pid_t pid, pid_t tid, char *fn, size_t len);
/*
 * The function of the innermost frame of a /proc/PID/stack text
 * ("[<0>] dax_break_layout_final+0x10b/0x140" gives dax_break_layout_final);
 * false when there is none.
 */
bool task_stack_top(const char *stack, char *fn, size_t len);
/*
 * Adds, for every thread of every process in process group @pgid, its state,
 * wchan and kernel stack (when readable) to the evidence. Returns the number
 * of threads found in uninterruptible sleep.
 */
int task_describe_group(pid_t pgid, struct result *r);

#endif
