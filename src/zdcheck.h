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
	ZD_INTERRUPTED, /* a signal: cleaned up and stopped */
};

enum report_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_TAP,
	FORMAT_KTAP,
};

/* --hold and --wake-limit when not given; the checks' own timeouts assume them. */
#define ZD_HOLD_MS_DEFAULT 200
#define ZD_WAKE_LIMIT_S_DEFAULT 5

struct options {
	const char **include; /* -t globs, NULL-terminated */
	const char **exclude; /* -x globs, NULL-terminated */
	enum report_format format;
	int verbose;
	unsigned int timeout_s; /* 0: each check's own timeout */
	unsigned int timeout_scale; /* --timeout-scale; 0: not given */
	unsigned int hold_ms; /* how long pins are held */
	unsigned int wake_limit_s; /* a change must end this soon after release */
	unsigned int jobs; /* -j: checks run at the same time (0 counts as 1) */
	bool keep;
	bool allow_non_dax; /* the control run: the same checks on a non-DAX fs */
	bool no_kmsg_verdict; /* kernel log lines are shown, not judged (under fstests) */
	const char *pin_device; /* --pin-device: the user's slow block device */
	unsigned long long size; /* --size: the device-dax window */
	bool destructive; /* --destructive: no journal, teardown checks allowed */
	const char *restore; /* --restore JOURNAL: put a window back, run nothing */
	const char *journal_dir; /* --journal-dir: where the journal goes */
	bool force; /* --force: restore onto a device that differs, journal on tmpfs */
	bool clean; /* --clean: remove what killed fsdax runs left, run nothing */
	unsigned long long seed;
	unsigned int duration_s; /* zdcheck stress: how long (0: 60 s) */
	unsigned int files; /* zdcheck stress: how many files (0: one per worker) */
};

/* What multiplies the checks' own timeouts: 0 is "not given" (see --timeout). */
static inline unsigned int options_timeout_scale(const struct options *o)
{
	return o->timeout_scale ? o->timeout_scale : 1;
}

/*
 * Set by the handler of every signal that would end the run (Ctrl-C, a
 * hangup, a closed output pipe, kill, a CPU limit, ...): the runner stops,
 * the device-dax window is put back and the work directory removed.
 */
#include <signal.h>
extern volatile sig_atomic_t zd_stop;
/* Catches each of those signals with @fn, without SA_RESTART. */
void zd_catch_stop_signals(void (*fn)(int));
/* Their default action again (in a check's child). */
void zd_default_stop_signals(void);

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

/*
 * The limits that can make one of zdcheck's own resources run out, so that
 * a message can name them: a thread needs a task (RLIMIT_NPROC) and a
 * stack (RLIMIT_AS), memory counts against RLIMIT_AS and RLIMIT_DATA, ...
 */
enum zd_limit {
	ZD_LIM_NPROC = 1 << 0,
	ZD_LIM_AS = 1 << 1,
	ZD_LIM_DATA = 1 << 2,
	ZD_LIM_NOFILE = 1 << 3,
	ZD_LIM_MEMLOCK = 1 << 4,
	ZD_LIM_AIO = 1 << 5, /* fs.aio-nr against fs.aio-max-nr, for io_setup() */
	ZD_LIM_THREAD = ZD_LIM_NPROC | ZD_LIM_AS,
	ZD_LIM_PROCESS = ZD_LIM_NPROC,
	ZD_LIM_MEM = ZD_LIM_AS | ZD_LIM_DATA,
	ZD_LIM_FD = ZD_LIM_NOFILE,
};
/*
 * Whether @err (an errno) says that a resource ran out -- memory (ENOMEM),
 * descriptors (EMFILE, ENFILE), tasks (EAGAIN from fork or pthread_create)
 * -- rather than giving the kernel's answer, and which limits can explain it.
 */
bool zd_exhausted(int err);
unsigned int zd_limits_for(int err);
/*
 * " (RLIMIT_NPROC 2, RLIMIT_AS 20000 KiB)": those of @which (enum zd_limit)
 * that are set, for the end of a message; "" when none is. Returns @buf.
 */
const char *zd_limits(unsigned int which, char *buf, size_t len);

/*
 * A user's string (a path, an option value) as a one-line message shows it:
 * whole when short, else its first and last 60 bytes around "...", so that
 * the reason after it is never cut off. Returns @buf.
 */
#define ZD_ABBREV (60 + 3 + 60 + 1)
const char *zd_abbrev(const char *s, char *buf, size_t len);

#endif
