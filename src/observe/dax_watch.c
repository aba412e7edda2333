// SPDX-License-Identifier: GPL-2.0-only
/*
 * How one page of an fs-dax file was mapped, in the kernel's own words.
 * First choice: the fs_dax trace events (observe/dax_trace.c) in a tracefs
 * instance of our own, so that the global buffer, its events and their
 * filters stay as they were. The run makes it; each check filters its
 * events to its file (dev, ino) and to the page or its 2 MiB block, so that
 * other faults never count, and records only while it watches. Needs root
 * and a mounted tracefs. Second: PAGEMAP_SCAN (v6.7+), which
 * says whether the page table maps the page with a huge entry: no root
 * needed, but it cannot say why a PMD fault fell back. (/proc/kpageflags
 * is no help: ZONE_DEVICE pages are not online memory, and in the test
 * bed's guests their pfns lie past its end, on 7.x too.) When both answer
 * they must agree.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/fs.h>

#include "observe/dax_watch.h"
#include "zdcheck.h"

#ifndef PAGEMAP_SCAN /* uapi headers before v6.7 */
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_HUGE (1 << 6)
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif

/* debugfs mounts tracefs at tracing/ too, for older setups. */
static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static const struct {
	const char *name;
	bool page; /* filtered to the page, else to its 2 MiB block */
	bool needed; /* without it the size cannot be told */
} watched[] = {
	{ "dax_pmd_fault_done", false, true },
	{ "dax_pte_fault_done", true, true },
	{ "dax_insert_pfn_mkwrite", false, false },
	{ "dax_insert_pfn_mkwrite_no_entry", false, false },
};

/* A filter no event passes: no file has inode 0. */
#define FILTER_NONE "ino == 0"

/* The run's instance, made before the checks fork: "" when there is none. */
static char run_dir[96];
static char run_why[160];

static void add_why(struct dax_watch *w, const char *fmt, ...) __printf(2, 3);
static void add_why(struct dax_watch *w, const char *fmt, ...)
{
	size_t n = strlen(w->why);
	va_list ap;

	if (n && n + 2 < sizeof(w->why)) {
		memcpy(w->why + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(w->why + n, sizeof(w->why) - n, fmt, ap);
	va_end(ap);
}

static int event_file(const char *name, const char *file, const char *text)
{
	char path[sizeof(run_dir) + 96];

	snprintf(path, sizeof(path), "%s/events/fs_dax/%s/%s", run_dir, name, file);
	return zd_write_text(path, text);
}

static int instance_file(const char *file, const char *text)
{
	char path[sizeof(run_dir) + 16];

	snprintf(path, sizeof(path), "%s/%s", run_dir, file);
	return zd_write_text(path, text);
}

/* Opening "trace" for writing with O_TRUNC empties the instance's buffer. */
static int clear_buffer(void)
{
	char path[sizeof(run_dir) + 8];
	int fd;

	snprintf(path, sizeof(path), "%s/trace", run_dir);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void dax_watch_reap(void (*fn)(void *arg, const char *dir), void *arg)
{
	char dir[64], path[64 + 256], *end;
	struct dirent *de;
	size_t i;
	long pid;
	DIR *d;

	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(dir, sizeof(dir), "%s/instances", roots[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, "zdcheck-", 8))
				continue;
			pid = strtol(de->d_name + 8, &end, 10);
			if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (!rmdir(path) && fn)
				fn(arg, path);
		}
		closedir(d);
	}
}

int dax_watch_open(void)
{
	int ret = -ENOENT;
	size_t i;

	dax_watch_reap(NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(roots) && ret == -ENOENT; i++) {
		snprintf(run_dir, sizeof(run_dir), "%s/instances/zdcheck-%d", roots[i],
			 (int)getpid());
		ret = mkdir(run_dir, 0700) ? -errno : 0;
	}
	if (ret) {
		run_dir[0] = '\0';
		snprintf(run_why, sizeof(run_why), "tracefs: %s",
			 ret == -ENOENT ? "not mounted at /sys/kernel/tracing" :
					  strerror(-ret));
		return ret;
	}
	/*
	 * Switched on once for the run, recording only while a check watches:
	 * every switch of a tracepoint patches kernel text (its static key and
	 * static call), and twice per check that hung a TCG guest.
	 */
	ret = instance_file("tracing_on", "0");
	/* Trace order must be fault order, also across CPUs. */
	if (!ret)
		instance_file("trace_clock", "global");
	for (i = 0; i < ARRAY_SIZE(watched) && !ret; i++) {
		ret = event_file(watched[i].name, "filter", FILTER_NONE);
		if (!ret)
			ret = event_file(watched[i].name, "enable", "1");
		if (ret && !watched[i].needed)
			ret = 0;
		if (ret)
			snprintf(run_why, sizeof(run_why), "tracefs: event fs_dax:%s: %s",
				 watched[i].name,
				 ret == -ENOENT ? "not in this kernel" : strerror(-ret));
	}
	if (ret && !run_why[0])
		snprintf(run_why, sizeof(run_why), "tracefs: %s: %s", run_dir, strerror(-ret));
	if (ret)
		dax_watch_close();
	return ret;
}

void dax_watch_close(void)
{
	/* Its events, filters and buffer go with it. */
	if (run_dir[0])
		rmdir(run_dir);
	run_dir[0] = '\0';
}

/*
 * The instance has one filter and one buffer, and checks running side by
 * side (-j) each watch their own page: one watches at a time, holding an
 * exclusive flock on the instance's directory. A watcher stuck in the
 * kernel cannot keep the others waiting for ever; they fall back to
 * PAGEMAP_SCAN and say why.
 */
#define WATCH_LOCK_WAIT_US 10000000LL

static int watch_lock(struct dax_watch *w)
{
	long long until = now_us() + WATCH_LOCK_WAIT_US;
	int fd = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		add_why(w, "tracefs: %s: %s", run_dir, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK || now_us() > until) {
			add_why(w, "tracefs: %s",
				errno == EWOULDBLOCK ? "another check kept the run's instance "
						       "for 10 s" :
						       strerror(errno));
			close(fd);
			return -1;
		}
		usleep(2000);
	}
	return fd;
}

static void watch_unlock(struct dax_watch *w)
{
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	w->lock_fd = -1;
}

void dax_watch_start(struct dax_watch *w, const struct stat *st, const void *addr)
{
	unsigned long page = (unsigned long)addr & ~(DAX_PTE_SIZE - 1);
	unsigned long block = page & ~(DAX_PMD_SIZE - 1), lo;
	/* The kernel's dev_t: MKDEV() puts the major above 20 minor bits. */
	unsigned long long kdev = ((unsigned long long)major(st->st_dev) << 20) |
				  minor(st->st_dev);
	char filter[160];
	size_t i;
	int ret = 0;

	memset(w, 0, sizeof(*w));
	w->lock_fd = -1;
	w->addr = addr;
	dax_fault_init(&w->trace, major(st->st_dev), minor(st->st_dev), st->st_ino, page);
	if (!run_dir[0]) {
		add_why(w, "%s", run_why[0] ? run_why : "tracefs: not opened");
		return;
	}
	w->lock_fd = watch_lock(w);
	if (w->lock_fd < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(watched) && !ret; i++) {
		lo = watched[i].page ? page : block;
		snprintf(filter, sizeof(filter),
			 "ino == %llu && dev == %llu && address >= 0x%lx && address < 0x%lx",
			 (unsigned long long)st->st_ino, kdev, lo,
			 lo + (watched[i].page ? DAX_PTE_SIZE : DAX_PMD_SIZE));
		ret = event_file(watched[i].name, "filter", filter);
		if (ret && !watched[i].needed)
			ret = 0;
	}
	/* An empty buffer, then record. */
	if (!ret)
		ret = clear_buffer();
	if (!ret)
		ret = instance_file("tracing_on", "1");
	if (ret) {
		add_why(w, "tracefs: %s: %s", run_dir, strerror(-ret));
		watch_unlock(w);
		return;
	}
	w->recording = true;
}
long dax_scan_size(const void *addr, int *err)
{
	unsigned long page = (unsigned long)addr & ~(DAX_PTE_SIZE - 1);
	struct page_region reg = { 0 };
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = page,
		.end = page + DAX_PTE_SIZE,
		.vec = (uintptr_t)&reg,
		.vec_len = 1,
		.category_anyof_mask = PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_HUGE,
	};
	int fd, n;

	*err = 0;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		return 0;
	}
	n = ioctl(fd, PAGEMAP_SCAN, &arg);
	if (n < 0)
		*err = -errno;
	close(fd);
	if (n != 1 || !(reg.categories & PAGE_IS_PRESENT))
		return 0;
	/* A huge entry: for a DAX page, the PMD a fault put there. */
	return reg.categories & PAGE_IS_HUGE ? DAX_PMD_SIZE : DAX_PTE_SIZE;
}

static void read_trace(struct dax_watch *w,
		       void (*line_fn)(const char *line, size_t n, void *arg), void *arg)
{
	char path[sizeof(run_dir) + 8];
	FILE *f;

	/* Stop recording: what is read is what happened up to here. */
	instance_file("tracing_on", "0");
	snprintf(path, sizeof(path), "%s/trace", run_dir);
	f = fopen(path, "re");
	if (!f) {
		add_why(w, "tracefs: %s: %s", path, strerror(errno));
		return;
	}
	dax_fault_read(&w->trace, f, line_fn, arg);
	fclose(f);
	w->traced = true;
}

void dax_watch_stop(struct dax_watch *w, void (*line_fn)(const char *line, size_t n, void *arg),
		    void *arg)
{
	long traced = 0;
	int err;

	if (w->stopped)
		return;
	w->stopped = true;
	if (w->recording)
		read_trace(w, line_fn, arg);
	watch_unlock(w);
	if (w->traced && w->trace.lost)
		add_why(w, "tracefs: events were lost");
	else if (w->traced && !w->trace.size)
		add_why(w, "tracefs: no fs_dax fault event mapped the page (%u about it)",
			w->trace.events);
	else if (w->traced)
		traced = w->trace.size;

	w->scan_size = dax_scan_size(w->addr, &err);
	if (!w->scan_size)
		add_why(w, "PAGEMAP_SCAN: %s",
			err == -ENOTTY || err == -EINVAL ? "not in this kernel" :
			err				 ? strerror(-err) :
							   "the page is not mapped");
	if (traced && w->scan_size && traced != w->scan_size) {
		add_why(w, "the fs_dax events say %ld bytes, PAGEMAP_SCAN says %ld", traced,
			w->scan_size);
	} else if (traced) {
		w->size = traced;
		w->source = DAX_SRC_TRACE;
	} else if (w->scan_size) {
		w->size = w->scan_size;
		w->source = DAX_SRC_SCAN;
	}
}

const char *dax_source_name(enum dax_source s)
{
	return s == DAX_SRC_TRACE ? "fs_dax trace events" :
	       s == DAX_SRC_SCAN  ? "PAGEMAP_SCAN" :
				    "nothing";
}
