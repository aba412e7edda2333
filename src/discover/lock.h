/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_LOCK_H
#define ZD_LOCK_H

#include <stddef.h>
#include <sys/types.h>

/*
 * One zdcheck per device: two runs on one device-dax window would each save
 * the other's test pattern as "the user's data" and restore it. A run (and
 * a --restore) holds an exclusive flock on a lock file named after the
 * device for as long as it lives; the checks it forks inherit it, so a
 * check stuck in the kernel keeps the device taken.
 */

/*
 * Takes the lock for device @name. Returns the lock's fd, or -EBUSY with
 * the holder's pid in @holder (0 if the kernel does not say), or -errno.
 * @path gets the lock file's path.
 */
int device_lock(const char *name, pid_t *holder, char *path, size_t len);

/* The pid that holds a flock on the file open at @fd (0: not known). */
pid_t locks_holder_of(int fd);

/*
 * The pid that holds a flock on inode @ino of device @major:@minor according
 * to the text of /proc/locks, or 0 when none is listed.
 */
pid_t locks_holder(const char *text, unsigned int major, unsigned int minor,
		   unsigned long long ino);

#endif
