/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DAX_WATCH_H
#define ZD_DAX_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "observe/dax_trace.h"

enum dax_source {
	DAX_SRC_NONE,
	DAX_SRC_TRACE, /* the fs_dax trace events, in a tracefs instance of our own */
	DAX_SRC_SCAN, /* PAGEMAP_SCAN on /proc/self/pagemap */
};

/*
 * The run's tracefs instance (instances/zdcheck-PID): made before the
 * checks fork, with the fs_dax fault events switched on in it and a filter
 * no event passes, not recording. The global trace buffer and the events'
 * own state are not touched. Returns 0 or -errno; without it, watches
 * rely on PAGEMAP_SCAN and say why. Instances of runs that are gone
 * (killed with SIGKILL) are removed first.
 */
int dax_watch_open(void);
/* Removes the run's instance, and with it its events and buffer. */
void dax_watch_close(void);
/* Removes the instances of zdcheck runs that are gone, telling @fn (may be NULL). */
void dax_watch_reap(void (*fn)(void *arg, const char *dir), void *arg);

/*
 * Watches the faults of one page of an fs-dax file, from before the check
 * faults it in until its pin is taken: what the kernel reports about how
 * that page was mapped.
 */
struct dax_watch {
	const void *addr;
	bool recording; /* the run's instance records this watch's events */
	int lock_fd; /* holds the instance for this watch (-1: not held) */
	bool stopped;
	struct dax_fault trace; /* what the fs_dax events said */
	bool traced; /* they were read */
	long scan_size; /* what PAGEMAP_SCAN said: 4096, 2M, or 0 */
	/* The verdict: the page's fault size, 0 when nothing showed it. */
	long size;
	enum dax_source source;
	char why[320]; /* why a source could not tell */
};

/*
 * Filters the run's events to @st's file and to @addr's page (PTE events)
 * and 2 MiB block (PMD events), empties its buffer and starts recording.
 * Where that cannot be done, w->why says why.
 */
void dax_watch_start(struct dax_watch *w, const struct stat *st, const void *addr);
/*
 * Stops recording, reads the events and asks PAGEMAP_SCAN; sets w->size
 * and w->source, or w->why. Calls @line_fn (may be NULL) with each event
 * about the page's block. Does nothing the second time.
 */
void dax_watch_stop(struct dax_watch *w, void (*line_fn)(const char *line, size_t n, void *arg),
		    void *arg);
const char *dax_source_name(enum dax_source s);
/*
 * The size PAGEMAP_SCAN (v6.7+, /proc/self/pagemap) reports @addr mapped
 * at: 2M for a huge (PMD) mapping, 4096 for a PTE; 0 with -errno in *err
 * (0 when the page is not mapped).
 */
long dax_scan_size(const void *addr, int *err);

#endif
