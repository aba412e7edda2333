// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a stuck check was doing, read from /proc before it is killed: the
 * evidence a kernel developer needs to see which wait never ended.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe/task.h"
#include "zdcheck.h"

/* /proc/PID/stat: "pid (comm) S ppid pgrp ..."; comm may hold spaces and ')'. */
int task_parse_stat(const char *stat, char *comm, size_t clen, char *state, pid_t *pgrp)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	int ppid, pg;

	if (!open || !close || close < open)
		return -EINVAL;
	snprintf(comm, clen, "%.*s", (int)(close - open - 1), open + 1);
	if (sscanf(close + 1, " %c %d %d", state, &ppid, &pg) != 3)
		return -EINVAL;
	*pgrp = pg;
	return 0;
}

char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], comm[64], state;
	pid_t pgrp;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (zd_read_text(path, buf, sizeof(buf)) <= 0 ||
	    task_parse_stat(buf, comm, sizeof(comm), &state, &pgrp))
		return 0;
	return state;
}

/* The kernel function a sleeping thread waits in; "-" when running, "?" unknown. */
static void read_wchan(pid_t pid, pid_t tid, char *wchan, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan", pid, tid);
	if (zd_read_text(path, wchan, len) <= 0)
		snprintf(wchan, len, "?");
	else if (!wchan[0] || !strcmp(wchan, "0"))
		snprintf(wchan, len, "-");
}

char task_wchan(pid_t pid, pid_t tid, char *wchan, size_t len)
{
	char state = task_state(pid, tid);

	read_wchan(pid, tid, wchan, len);
	return state;
}

bool task_left_sleep(char then, const char *then_wchan, char now, const char *now_wchan)
{
	if ((then != 'S' && then != 'D') || !strcmp(then_wchan, "-") ||
	    !strcmp(then_wchan, "?") || !then_wchan[0])
		return false;
	return now == 'R' || strcmp(now_wchan, then_wchan);
}

bool task_stack_top(const char *stack, char *fn, size_t len)
{
	const char *p = strchr(stack, ']');
	size_t n;

	if (!p)
		return false;
	p += strspn(p + 1, " ") + 1;
	n = strcspn(p, "+ \n");
	if (!n)
		return false;
	snprintf(fn, len, "%.*s", (int)n, p);
	return true;
}

char task_sleeps_in(pid_t pid, pid_t tid, char *fn, size_t len)
{
	char state = task_wchan(pid, tid, fn, len), path[64], stack[512];

	if (strcmp(fn, "-") && strcmp(fn, "?"))
		return state;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", pid, tid);
	if (zd_read_text(path, stack, sizeof(stack)) <= 0 || !task_stack_top(stack, fn, len))
		snprintf(fn, len, "?");
	return state;
}

static void describe_thread(pid_t pid, pid_t tid, struct result *r, int *dstate)
{
	char path[64], stat[512], wchan[128], stack[4096], comm[64], state;
	char *line, *save = NULL;
	pid_t pgrp;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (zd_read_text(path, stat, sizeof(stat)) <= 0 ||
	    task_parse_stat(stat, comm, sizeof(comm), &state, &pgrp))
		return;
	read_wchan(pid, tid, wchan, sizeof(wchan));
	result_evidence(r, "task %d/%d (%s) state %c wchan %s", pid, tid, comm, state, wchan);
	if (state == 'D')
		(*dstate)++;

	/* Root only; on other kernels and users the wchan above has to do. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", pid, tid);
	if (zd_read_text(path, stack, sizeof(stack)) <= 0)
		return;
	for (line = strtok_r(stack, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		result_evidence(r, "    %s", line);
}

static void describe_process(pid_t pid, struct result *r, int *dstate)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			describe_thread(pid, atoi(de->d_name), r, dstate);
	closedir(d);
}

int task_describe_group(pid_t pgid, struct result *r)
{
	char path[64], buf[512], comm[64], state;
	struct dirent *de;
	int dstate = 0;
	pid_t pgrp;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (zd_read_text(path, buf, sizeof(buf)) <= 0 ||
		    task_parse_stat(buf, comm, sizeof(comm), &state, &pgrp) || pgrp != pgid)
			continue;
		describe_process(pid, r, &dstate);
	}
	closedir(d);
	return dstate;
}
