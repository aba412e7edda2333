/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DAXDEV_H
#define ZD_DAXDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "discover/provider.h"

/* One device-dax instance as libdaxctl sees it. */
struct daxdev_info {
	char devname[32]; /* dax0.0 */
	int region_id;
	unsigned int major, minor;
	unsigned long long size;
	unsigned long align;
	const char *mode; /* "devdax", "system-ram" or "disabled" */
	char uuid[37]; /* the region's (a pmem dax claim's) uuid, "" if it has none */
	struct provider provider; /* who made its memory (kind unknown if unreadable) */
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
/* The pmem namespace whose device-dax claim provides @devname, or NULL. */
struct ndctl_namespace *daxdev_namespace(struct ndctl_ctx *ctx, const char *devname);

#endif
