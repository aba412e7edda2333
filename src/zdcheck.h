/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZDCHECK_H
#define ZDCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/*
 * What a command ended with. Only main() turns these into exit codes, so the
 * mapping documented in zdcheck(1) lives in exactly one switch.
 */
enum zd_outcome {
	ZD_PASSED, /* every selected check ran and passed */
	ZD_FAILED, /* at least one check failed */
	ZD_USAGE, /* bad command line or a target of the wrong kind */
	ZD_NOTHING_RAN, /* nothing could run here: the reason was printed */
	ZD_SETUP_BROKEN, /* setup failed where it should have worked */
	ZD_INTERRUPTED, /* SIGINT/SIGTERM: cleaned up and stopped */
};

enum report_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_TAP,
};

struct options {
	const char **include; /* -t globs, NULL-terminated */
	const char **exclude; /* -x globs, NULL-terminated */
	enum report_format format;
	int verbose;
	unsigned int timeout_s; /* 0: each check's own timeout */
	unsigned int hold_ms; /* how long pins are held */
	unsigned int wake_limit_s; /* a change must end this soon after release */
	bool keep;
	bool allow_non_dax; /* the control run: the same checks on a non-DAX fs */
	bool no_kmsg_verdict; /* kernel log lines are shown, not judged (under fstests) */
	const char *pin_device; /* --pin-device: the user's slow block device */
	unsigned long long size; /* --size: the device-dax window */
	bool destructive; /* --destructive: no journal, teardown checks allowed */
	const char *restore; /* --restore JOURNAL: put a window back, run nothing */
	unsigned long long seed;
};

/* Set by the SIGINT/SIGTERM handler; the runner stops and cleans up. */
#include <signal.h>
extern volatile sig_atomic_t zd_stop;

/* "+URING -AIO +PMEM2": what this build can do, for --version and reports. */
const char *zd_features(void);

/* Diagnostics go to stderr; results only ever leave through report/. */
void zd_err(const char *fmt, ...) __printf(1, 2);
void zd_info(int level, const char *fmt, ...) __printf(2, 3);
extern int zd_verbose;

/*
 * Reads a small text file (sysfs, procfs) into @buf, NUL-terminated.
 * Returns the byte count or -errno.
 */
ssize_t zd_read_text(const char *path, char *buf, size_t len);
/* Writes @text to a sysfs, configfs or procfs attribute; 0 or -errno. */
int zd_write_text(const char *path, const char *text);

/*
 * rm -rf, without following symlinks; the path of each entry goes into @at
 * (@len bytes, may be NULL) before it is removed. Returns 0 or -errno.
 * Removing can hang in the kernel: see remove_bounded() in run/remove.h.
 */
int zd_remove_tree(const char *path, char *at, size_t len);

/* Monotonic microseconds: every measured duration in the report uses this. */
long long now_us(void);

#endif
