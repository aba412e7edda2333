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
/* The enabled device's alignment and size; -ENODEV when it is not there. */
int devalign_get(const char *devname, unsigned long *align, unsigned long long *size);
/* Its first range of memory as daxdev_first_range() reads it; -ENODEV. */
int devalign_first_range(const char *devname, unsigned long long *phys,
			 unsigned long long *len);
/*
 * The start of the first range of @devname's memory that is not a
 * multiple of @align: 1 with *@start set, 0 when every start is (or the
 * device's ranges cannot be read), -errno. An alignment is a promise
 * about physical addresses too: a huge fault maps the aligned-down address
 * of the range (a PUD or PMD entry has no room for the low bits).
 */
int devalign_unaligned_start(const char *devname, unsigned long align,
			     unsigned long long *start);

#endif
