// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>
#include <uuid/uuid.h>

#include "discover/daxdev.h"

/*
 * Same rule as "daxctl list": libdaxctl hands out a device's memory only
 * while kmem is bound to it (daxctl_dev_is_system_ram_capable()), and such
 * a device is system-ram, its memory online or not. Only device_dax makes
 * the character device work.
 */
static enum daxdev_state dev_state(struct daxctl_dev *dev)
{
	if (!daxctl_dev_is_enabled(dev))
		return DAXDEV_DISABLED;
	if (!daxctl_dev_get_memory(dev))
		return DAXDEV_DEVDAX;
	return daxctl_dev_has_online_memory(dev) ? DAXDEV_SYSTEM_RAM : DAXDEV_KMEM_OFFLINE;
}

const char *daxdev_mode_name(enum daxdev_state state)
{
	switch (state) {
	case DAXDEV_DEVDAX:
		return "devdax";
	case DAXDEV_SYSTEM_RAM:
	case DAXDEV_KMEM_OFFLINE:
		return "system-ram";
	case DAXDEV_DISABLED:
		return "disabled";
	case DAXDEV_ABSENT:
		break;
	}
	return "absent";
}

enum daxdev_state daxdev_state_of(const char *devname)
{
	enum daxdev_state state = DAXDEV_ABSENT;
	struct daxctl_ctx *ctx;
	struct daxctl_dev *dev;

	if (daxctl_new(&ctx))
		return DAXDEV_ABSENT;
	daxctl_set_log_priority(ctx, 0);
	dev = daxdev_find(ctx, devname);
	if (dev)
		state = dev_state(dev);
	daxctl_unref(ctx);
	return state;
}

const char *daxdev_state_advice(const char *devname, enum daxdev_state state, char *buf,
				size_t len)
{
	switch (state) {
	case DAXDEV_SYSTEM_RAM:
		/* daxctl refuses to switch back while the memory is online, unless -f. */
		snprintf(buf, len,
			 "%s is in system-ram mode (kmem onlined its memory as RAM): switch it "
			 "back with 'daxctl reconfigure-device -f -m devdax %s', -f to offline "
			 "that memory first",
			 devname, devname);
		return buf;
	case DAXDEV_KMEM_OFFLINE:
		snprintf(buf, len,
			 "%s is in system-ram mode (kmem holds it, its memory offline): switch "
			 "it back with 'daxctl reconfigure-device -m devdax %s'",
			 devname, devname);
		return buf;
	case DAXDEV_DISABLED:
		snprintf(buf, len,
			 "%s is disabled (no driver bound): enable it with 'daxctl "
			 "enable-device %s' or 'daxctl reconfigure-device -m devdax %s'",
			 devname, devname, devname);
		return buf;
	case DAXDEV_ABSENT:
	case DAXDEV_DEVDAX:
		break;
	}
	return NULL;
}

/*
 * A stable name for the memory behind a device, surviving reboots and
 * renumbering: the uuid libdaxctl reports for its region, else, for a pmem
 * namespace claimed as device-dax, the uuid of that claim's info block.
 * Regions without either (hmem, dynamic CXL ram) leave it empty. And that
 * namespace's name, empty where libndctl knows none.
 */
static void nd_identity(struct daxctl_region *region, struct daxdev_info *d)
{
	struct ndctl_namespace *ns = NULL;
	struct ndctl_ctx *ctx;
	uuid_t uu;

	daxctl_region_get_uuid(region, uu);
	if (ndctl_new(&ctx) == 0) {
		ndctl_set_log_priority(ctx, 0);
		ns = daxdev_namespace(ctx, d->devname);
		if (ns && uuid_is_null(uu))
			ndctl_dax_get_uuid(ndctl_namespace_get_dax(ns), uu);
		if (ns)
			snprintf(d->nd_namespace, sizeof(d->nd_namespace), "%s",
				 ndctl_namespace_get_devname(ns));
		ndctl_unref(ctx);
	}
	if (!uuid_is_null(uu))
		uuid_unparse(uu, d->uuid);
}

void daxdev_first_range(struct daxctl_dev *dev, unsigned long long *phys,
			unsigned long long *len)
{
	struct daxctl_mapping *mapping = daxctl_mapping_get_first(dev);

	if (mapping) {
		*phys = daxctl_mapping_get_start(mapping);
		*len = daxctl_mapping_get_size(mapping);
	} else {
		*phys = daxctl_dev_get_resource(dev);
		*len = daxctl_dev_get_size(dev);
	}
	/* All ones: libdaxctl could not read it. */
	if (*phys == ~0ULL || !*len)
		*phys = *len = 0;
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
			daxdev_first_range(dev, &d->phys, &d->phys_len);
			d->state = dev_state(dev);
			d->mode = daxdev_mode_name(d->state);
			nd_identity(region, d);
			provider_of_dax_region(daxctl_region_get_path(region), &d->provider);
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

struct ndctl_namespace *daxdev_namespace(struct ndctl_ctx *ctx, const char *devname)
{
	struct ndctl_namespace *ns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;
	struct ndctl_dax *dax;

	ndctl_bus_foreach(ctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ns) {
				dax = ndctl_namespace_get_dax(ns);
				if (dax && ndctl_dax_get_daxctl_region(dax) &&
				    daxdev_in_region(ndctl_dax_get_daxctl_region(dax), devname))
					return ns;
			}
	return NULL;
}
