// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <daxctl/libdaxctl.h>
#include <uuid/uuid.h>

#include "discover/daxdev.h"

/* Same rule as "daxctl list": a device with hotplugged memory is system-ram. */
static const char *dev_mode(struct daxctl_dev *dev)
{
	if (!daxctl_dev_is_enabled(dev))
		return "disabled";
	if (daxctl_dev_get_memory(dev) && daxctl_dev_has_online_memory(dev))
		return "system-ram";
	return "devdax";
}

/*
 * A stable name for the memory behind a device, surviving reboots and
 * renumbering: for a pmem namespace claimed as device-dax, the uuid of its
 * info block (libdaxctl reports it as the region's). Regions without one
 * (hmem, dynamic CXL ram) leave it empty.
 */
static void region_uuid(struct daxctl_region *region, char out[37])
{
	uuid_t uu;

	daxctl_region_get_uuid(region, uu);
	if (uuid_is_null(uu))
		out[0] = '\0';
	else
		uuid_unparse(uu, out);
}

int daxdev_list(struct daxdev_info *out, size_t max)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	struct daxctl_ctx *ctx;
	size_t n = 0;
	int ret;

	ret = daxctl_new(&ctx);
	if (ret)
		return ret < 0 ? ret : -ENOMEM;
	/* libdaxctl logs to stderr by default; zdcheck reports, it does not chatter. */
	daxctl_set_log_priority(ctx, 0);
	daxctl_region_foreach(ctx, region) {
		daxctl_dev_foreach(region, dev) {
			struct daxdev_info *d;

			if (!daxctl_dev_get_size(dev) || n == max)
				continue;
			d = &out[n++];
			memset(d, 0, sizeof(*d));
			snprintf(d->devname, sizeof(d->devname), "%s",
				 daxctl_dev_get_devname(dev));
			d->region_id = daxctl_region_get_id(region);
			d->major = daxctl_dev_get_major(dev);
			d->minor = daxctl_dev_get_minor(dev);
			d->size = daxctl_dev_get_size(dev);
			d->align = daxctl_dev_get_align(dev);
			d->mode = dev_mode(dev);
			region_uuid(region, d->uuid);
		}
	}
	daxctl_unref(ctx);
	return (int)n;
}

struct daxctl_dev *daxdev_in_region(struct daxctl_region *region, const char *name)
{
	struct daxctl_dev *dev;

	daxctl_dev_foreach(region, dev)
		if (!strcmp(daxctl_dev_get_devname(dev), name))
			return dev;
	return NULL;
}

struct daxctl_dev *daxdev_find(struct daxctl_ctx *ctx, const char *name)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	daxctl_region_foreach(ctx, region) {
		dev = daxdev_in_region(region, name);
		if (dev)
			return dev;
	}
	return NULL;
}
