/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DEVALIGN_H
#define ZD_DEVALIGN_H

#include <stddef.h>

/*
 * Sets device-dax @devname's alignment (destroys its data). Returns 0 or
 * -errno; @how says which way it went (libdaxctl, or the libndctl
 * namespace) or why not: -EOPNOTSUPP when the region does not offer
 * @align.
 */
int devalign_set(const char *devname, unsigned long align, char *how, size_t len);
/* What an enabled device-dax device is now, as libdaxctl reads it. */
struct devalign_info {
	unsigned long align;
	unsigned long long size;
	/* Its first range of memory, as daxdev_first_range() reads it. */
	unsigned long long phys, phys_len;
	/*
	 * The start of the first range of its memory that is not a multiple
	 * of @align, 0 when every start is (or they cannot be read). An
	 * alignment is a promise about physical addresses too: a huge fault
	 * maps the aligned-down address of the range (a PUD or PMD entry has
	 * no room for the low bits).
	 */
	unsigned long long unaligned;
};
/* Fills @info; -ENODEV when the device is not there or not enabled. */
int devalign_get(const char *devname, struct devalign_info *info);

#endif
