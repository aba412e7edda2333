/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_KMSG_H
#define ZD_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
 * A kernel record that says a task died in the kernel (an oops, a BUG, a
 * general protection fault): what it held stays held, and whoever waits
 * for it waits for good.
 */
bool kmsg_is_fatal(const struct kmsg_record *rec);
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
/*
 * Reads the next record into @buf: its length, 0 when there is none yet,
 * -EPIPE when the ring wrapped and records were lost before we read them.
 */
ssize_t kmsg_read(struct kmsg *k, char *buf, size_t len);

/*
 * A kernel record read while checks ran side by side, and who may have
 * logged it: the check whose task it names, or any that was running.
 */
enum {
	KMSG_NOBODY = -1, /* it names no task */
	KMSG_FOREIGN = -2, /* it names a task of no check: a kworker, say */
};
struct kmsg_held {
	char *raw;
	size_t len;
	int owner; /* the slot of the check whose task the record names, or KMSG_* */
	unsigned long long running; /* the slots whose checks ran when it was read */
	bool fatal; /* kmsg_is_fatal() */
};
/*
 * The slots a group of records read together belongs to. A splat spreads
 * over several records and names its task in only one ("BUG: ..." first,
 * "CPU: 0 PID: 56 Comm: ..." later), so the group is judged as one: the
 * checks whose tasks it names when every task it names is a check's, else
 * every check that was running while it was read.
 */
unsigned long long kmsg_owners(const struct kmsg_held *h, size_t n);

#endif
