/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_SLOWDEV_H
#define ZD_SLOWDEV_H

#include <limits.h>
#include <stdbool.h>

/*
 * A slow, non-DAX block device for O_DIRECT pins: an O_DIRECT read from it
 * into a DAX mapping holds the pages pinned until the read completes. With
 * root, zdcheck builds one: a memory-backed null_blk (configfs) under a
 * device-mapper "delay" target. null_blk's own completion delay would not
 * do: it copies the data at submission, and the corruption probe needs the
 * data to land late, when the delay ends.
 */
struct slowdev {
	char path[PATH_MAX]; /* what O_DIRECT reads come from (--pin-device's may be long) */
	char inflight[64]; /* its sysfs "inflight": proof that a read was submitted */
	int fd; /* O_RDONLY | O_DIRECT */
	unsigned int delay_ms;
	bool user; /* --pin-device: the user's, never written */
	char nullb[96]; /* configfs directory of our null_blk, if any */
	char dm_name[64]; /* our dm-delay device, if any */
	char under[128]; /* the null_blk disk under it */
	unsigned long long data_seed; /* the pattern on our device */
	char why[200]; /* why there is none */
	bool exhausted; /* none because zdcheck's own resources ran out */
	/*
	 * A check was left stuck in the kernel: the I/O it waits for will not
	 * complete, and closing waits a second, not CLOSE_WAIT_MS, for it.
	 */
	bool lost;
};

/*
 * Sets up @sd from @user_dev (may be NULL) or by building one whose reads
 * take @delay_ms. Returns 0, or -errno with sd->why saying what is missing.
 */
int slowdev_open(struct slowdev *sd, const char *user_dev, unsigned int delay_ms,
		 unsigned long long seed);
void slowdev_close(struct slowdev *sd);
/*
 * @n slow devices for checks that run side by side (-j), each a dm-delay
 * of its own over @sd's null_blk, so that a read in flight on one is its
 * check's: [0] is @sd itself (not to be closed through them). NULL when
 * @sd is the user's --pin-device or one cannot be made: then the checks
 * that read from it run alone.
 */
struct slowdev *slowdev_lanes(const struct slowdev *sd, unsigned int n);
/* Removes lanes 1 to @n - 1 (as slowdev_close() with @lost) and frees them. */
void slowdev_lanes_close(struct slowdev *lanes, unsigned int n, bool lost);
/*
 * Reads submitted to the device and not yet completed: from dm-delay's own
 * status for our device (the block layer's "inflight" does not count bios
 * a dm target holds), else from sysfs. -1 when it cannot be known.
 */
int slowdev_reads_in_flight(const struct slowdev *sd);
/* The reads a dm target's status line holds when its type is "delay", or -1. */
int slowdev_delay_reads(const char *type, const char *params);

#endif
