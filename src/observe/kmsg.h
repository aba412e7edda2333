/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_KMSG_H
#define ZD_KMSG_H

#include <stdbool.h>
#include <stddef.h>

#include "report/result.h"

/* One /dev/kmsg record: "pri,seq,ts_usec,flags[,...];message" */
struct kmsg_record {
	int facility;
	int level;
	unsigned long long seq;
	unsigned long long ts_us;
	const char *msg; /* not NUL-terminated */
	size_t len;
};

int kmsg_parse(const char *raw, size_t len, struct kmsg_record *rec);
/* A kernel-facility record that says the kernel misbehaved. */
bool kmsg_is_bad(const struct kmsg_record *rec);
/*
 * The task a record names, as the kernel prints it in a splat: "... PID: 412
 * Comm: zdcheck ..." (the CPU line of a WARN, BUG or Oops), "WARNING: CPU: 1
 * PID: 412 at ..." (7.x: "WARNING: ... at f+0x7b/0xd0, CPU#1: zdcheck/412"),
 * "INFO: task zdcheck:512 blocked for ...". Returns the pid and fills @comm
 * ("" when the record gives none), or 0.
 */
int kmsg_task(const char *msg, size_t len, char *comm, size_t clen);
/*
 * Adds one raw record to @r when it comes from the kernel; from the first
 * bad one on, the first task named goes to r->klog_pid and klog_comm.
 */
void kmsg_attach(struct result *r, const char *raw, size_t len);

struct kmsg {
	int fd;
	bool readable;
	bool writable;
	unsigned long long lost; /* records overwritten before we read them */
	char note[160]; /* why the observer is unavailable */
};

void kmsg_open(struct kmsg *k);
void kmsg_close(struct kmsg *k);
/* Marks the log so that a human reading dmesg sees which check ran. */
void kmsg_mark(struct kmsg *k, const char *fmt, ...) __printf(2, 3);
/* Reads every record logged since the last call and attaches kernel ones. */
void kmsg_collect(struct kmsg *k, struct result *r);

#endif
