/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_REGION_H
#define ZD_REGION_H

#include <stdbool.h>
#include <stddef.h>

#include "discover/provider.h"

/* The nd region whose memory a pmem disk exposes, as sysfs shows it. */
struct nd_region_info {
	struct nd_ancestors at; /* its region and bus (at.region "" when none was found) */
	char disk[32]; /* "pmem0" (the whole disk, also for a partition) */
	char device[32]; /* the region's device that made the disk: "namespace0.0", "pfn0.0" */
	unsigned long long start, size; /* the region's physical memory, in bytes */
};

/*
 * Fills @ri for block device MAJ:MIN from @sysfs ("/sys"): /sys/dev/block/
 * MAJ:MIN leads to ".../ndbusN/regionM/DEVICE/block/pmemX", the region's
 * resource and size give its memory, the bus's provider file its provider.
 * Returns 0, or -errno with the reason in @why: -ENODEV when the device is
 * no pmem disk of an nd region (dm, loop, a virtual filesystem), -EACCES
 * when the region's resource is unreadable (it is root's alone).
 */
int nd_region_of_bdev(const char *sysfs, unsigned int major, unsigned int minor,
		      struct nd_region_info *ri, char *why, size_t len);
/*
 * Whether @ri's bus is asynchronous by design: virtio-pmem flushes through
 * the host (ND_REGION_ASYNC), so the kernel refuses MAP_SYNC on its files.
 */
bool nd_region_async(const struct nd_region_info *ri);

#endif
