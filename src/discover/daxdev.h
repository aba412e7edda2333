/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DAXDEV_H
#define ZD_DAXDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "discover/provider.h"

/*
 * Which driver holds a device-dax instance, as libdaxctl reads it. Only
 * device_dax serves /dev/daxX.Y: under kmem or no driver, the node (where
 * devtmpfs left it) opens with ENXIO.
 */
enum daxdev_state {
	DAXDEV_ABSENT, /* libdaxctl knows no device of that name */
	DAXDEV_DEVDAX, /* device_dax: /dev/daxX.Y is there to map */
	DAXDEV_SYSTEM_RAM, /* kmem, its memory online as RAM */
	DAXDEV_KMEM_OFFLINE, /* kmem, but its memory offline */
	DAXDEV_DISABLED, /* no driver */
};

/* "devdax", "system-ram" (kmem, online or not) or "disabled", as probe reports it. */
const char *daxdev_mode_name(enum daxdev_state state);
/* The state of device @devname ("dax0.0"), from libdaxctl. */
enum daxdev_state daxdev_state_of(const char *devname);
/*
 * Why @devname in @state has no character device to test, and the daxctl
 * command that gives it one, into @buf; NULL when the state is not the
 * reason (devdax, absent).
 */
const char *daxdev_state_advice(const char *devname, enum daxdev_state state, char *buf,
				size_t len);

/* One device-dax instance as libdaxctl sees it. */
struct daxdev_info {
	char devname[32]; /* dax0.0 */
	int region_id;
	unsigned int major, minor;
	unsigned long long size;
	unsigned long align;
	enum daxdev_state state;
	const char *mode; /* daxdev_mode_name(state) */
	char uuid[37]; /* the region's (a pmem dax claim's) uuid, "" if it has none */
	/*
	 * The pmem namespace whose device-dax claim it is ("namespace0.0"), as
	 * libndctl (and libpmem2 through it) finds it; "" for memory no nd bus
	 * provides: CXL RAM regions, hmem.
	 */
	char nd_namespace[32];
	struct provider provider; /* who made its memory (kind unknown if unreadable) */
	/*
	 * Its first range of physical memory, where offset 0 maps (libdaxctl:
	 * the first mapping, else the device's resource, which is root's
	 * alone): 0 when unreadable.
	 */
	unsigned long long phys, phys_len;
};

/* Returns the number of devices found (0 when there are none), or -errno. */
int daxdev_list(struct daxdev_info *out, size_t max);

struct daxctl_ctx;
struct daxctl_region;
struct daxctl_dev;
struct ndctl_ctx;
struct ndctl_namespace;
/* Device @name (dax0.0) in one region, or in any region of @ctx; NULL if absent. */
struct daxctl_dev *daxdev_in_region(struct daxctl_region *region, const char *name);
struct daxctl_dev *daxdev_find(struct daxctl_ctx *ctx, const char *name);
/* daxdev_info.phys and phys_len of @dev. */
void daxdev_first_range(struct daxctl_dev *dev, unsigned long long *phys,
			unsigned long long *len);
/* The pmem namespace whose device-dax claim provides @devname, or NULL. */
struct ndctl_namespace *daxdev_namespace(struct ndctl_ctx *ctx, const char *devname);

#endif
