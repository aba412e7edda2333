/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_FAULTS_H
#define ZD_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

struct fault_watch {
	int fd; /* /dev/kmsg, from where the log stood at the start */
	const char *control; /* the dynamic-debug control we switched on */
	bool was_on; /* the callsite printed before us: leave it on */
	unsigned int lines; /* fault lines seen for the device */
	char why[160]; /* why the size is not observable */
};

/* Switches on device-dax's fault logging; on failure, w->why says why. */
void fault_watch_start(struct fault_watch *w);
/*
 * Switches it off again and returns the page size the faults of this task
 * on @devname were served at (the smallest logged), or 0 with w->why set.
 */
long fault_watch_stop(struct fault_watch *w, const char *devname);
/* The page order one dev_dax_huge_fault() debug line reports (0 to 18), or -1. */
int fault_line_order(const char *msg, size_t len);
/*
 * The same for a /dev/kmsg record: -1 unless it is the kernel's (facility
 * 0) and its message holds @needle (" DEVNAME: COMM: ").
 */
struct kmsg_record;
int fault_record_order(const struct kmsg_record *rec, const char *needle);

#endif
