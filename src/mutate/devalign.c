// SPDX-License-Identifier: GPL-2.0-only
/*
 * Changing a device-dax device's alignment. Dynamic regions (CXL, hmem,
 * daxctl-created devices) take it through the device's own align
 * attribute (libdaxctl). On a static pmem region the alignment lives in
 * the namespace's device-dax info block, so the namespace is claimed
 * afresh with a new alignment through libndctl -- the same steps as
 * "ndctl create-namespace -f -e namespaceX.Y -m devdax -a ALIGN": disable
 * the namespace (which drops its old dax claim), configure the region's
 * dax seed (uuid, memmap location, align, namespace), enable it. A fresh
 * uuid makes the kernel write a new info block (nd_pfn_validate() answers
 * -ENODEV for the old one). Everything on the device is lost; the dax
 * device keeps its name, which comes from the namespace (daxR.N).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include "discover/daxdev.h"
#include "mutate/devalign.h"

static bool dax_supports(struct ndctl_dax *dax, unsigned long align, char *list, size_t len)
{
	int i, n = ndctl_dax_get_num_alignments(dax);
	bool ok = false;
	size_t off = 0;

	list[0] = '\0';
	for (i = 0; i < n; i++) {
		unsigned long a = ndctl_dax_get_supported_alignment(dax, i);

		ok |= a == align;
		if (off < len)
			off += snprintf(list + off, len - off, "%s%lu", i ? " " : "", a);
	}
	return ok;
}

/* A random (version 4) uuid for the new claim. */
static int new_uuid(unsigned char uu[16])
{
	if (getrandom(uu, 16, 0) != 16)
		return -errno;
	uu[6] = (uu[6] & 0x0f) | 0x40;
	uu[8] = (uu[8] & 0x3f) | 0x80;
	return 0;
}

static int claim(struct ndctl_region *region, struct ndctl_namespace *ns, unsigned long align,
		 enum ndctl_pfn_loc loc)
{
	struct ndctl_dax *seed = ndctl_region_get_dax_seed(region);
	unsigned char uu[16];
	int ret;

	if (!seed)
		return -ENXIO;
	ret = new_uuid(uu);
	if (!ret)
		ret = ndctl_dax_set_uuid(seed, uu);
	if (!ret)
		ret = ndctl_dax_set_location(seed, loc);
	if (!ret)
		ret = ndctl_dax_set_align(seed, align);
	if (!ret)
		ret = ndctl_dax_set_namespace(seed, ns);
	if (!ret)
		ret = ndctl_dax_enable(seed);
	if (ret)
		ndctl_dax_set_namespace(seed, NULL);
	return ret;
}

static int by_namespace(const char *devname, unsigned long align, unsigned long orig, char *how,
			size_t len)
{
	struct ndctl_namespace *ns;
	struct ndctl_region *region;
	struct ndctl_ctx *ctx;
	struct ndctl_dax *dax;
	enum ndctl_pfn_loc loc;
	char list[128];
	int ret;

	ret = ndctl_new(&ctx);
	if (ret)
		return ret < 0 ? ret : -ENOMEM;
	ndctl_set_log_priority(ctx, 0);
	ns = daxdev_namespace(ctx, devname);
	if (!ns) {
		snprintf(how, len, "no libndctl namespace provides %s", devname);
		ret = -ENODEV;
		goto out;
	}
	region = ndctl_namespace_get_region(ns);
	dax = ndctl_namespace_get_dax(ns);
	snprintf(how, len, "libndctl, %s reconfigured", ndctl_namespace_get_devname(ns));
	if (ndctl_region_get_ro(region)) {
		snprintf(how, len, "%s is read-only", ndctl_region_get_devname(region));
		ret = -EROFS;
		goto out;
	}
	if (!dax_supports(dax, align, list, sizeof(list))) {
		snprintf(how, len, "%s supports alignments %s",
			 ndctl_region_get_devname(region), list);
		ret = -EOPNOTSUPP;
		goto out;
	}
	loc = ndctl_dax_get_location(dax);
	ret = ndctl_namespace_disable_safe(ns);
	if (ret) {
		snprintf(how, len, "disabling %s: %s", ndctl_namespace_get_devname(ns),
			 strerror(-ret));
		goto out;
	}
	ret = claim(region, ns, align, loc);
	if (ret) {
		/* Too small for the alignment, say: give the device back as it was. */
		snprintf(how, len, "%s refused a dax claim at %lu alignment: %s",
			 ndctl_namespace_get_devname(ns), align, strerror(-ret));
		if (claim(region, ns, orig, loc))
			snprintf(how + strlen(how), len - strlen(how),
				 "; the claim at %lu failed too: %s is gone", orig, devname);
	}
out:
	ndctl_unref(ctx);
	return ret;
}

/* A fresh libdaxctl view (devices come and go here) and @devname in it. */
static struct daxctl_dev *lookup(struct daxctl_ctx **ctx, const char *devname, int *ret)
{
	*ret = daxctl_new(ctx);
	if (*ret) {
		*ret = *ret < 0 ? *ret : -ENOMEM;
		*ctx = NULL;
		return NULL;
	}
	daxctl_set_log_priority(*ctx, 0);
	return daxdev_find(*ctx, devname);
}

int devalign_set(const char *devname, unsigned long align, char *how, size_t len)
{
	struct daxctl_dev *dev;
	struct daxctl_ctx *ctx;
	unsigned long orig;
	int ret;

	dev = lookup(&ctx, devname, &ret);
	if (!ctx)
		return ret;
	if (!dev) {
		snprintf(how, len, "libdaxctl does not know %s", devname);
		ret = -ENODEV;
		goto out;
	}
	orig = daxctl_dev_get_align(dev);
	if (orig == align) {
		snprintf(how, len, "already at %lu", align);
		goto out;
	}
	/* Dynamic regions: the device's own attribute. */
	ret = daxctl_dev_disable(dev);
	if (!ret) {
		ret = daxctl_dev_set_align(dev, align);
		/* Enable in any case: a device left disabled is worse than a refusal. */
		ret = daxctl_dev_enable_devdax(dev) ?: ret;
	}
	if (!ret) {
		snprintf(how, len, "libdaxctl");
		goto out;
	}
	/* Static pmem: the namespace's info block fixes it (ENXIO above). */
	ret = by_namespace(devname, align, orig, how, len);
out:
	daxctl_unref(ctx);
	return ret;
}

/* The first range start of @dev that is not a multiple of @align, or 0. */
static unsigned long long unaligned_start(struct daxctl_dev *dev, unsigned long align)
{
	struct daxctl_mapping *mapping;
	unsigned long long start;

	/* Dynamic regions list their ranges; a static one has its resource only. */
	start = daxctl_dev_get_resource(dev);
	daxctl_mapping_foreach(dev, mapping)
	{
		start = daxctl_mapping_get_start(mapping);
		if (start % align)
			break;
	}
	/* 0 or all ones: libdaxctl could not read it. */
	return start && start != ~0ULL && start % align ? start : 0;
}

int devalign_get(const char *devname, struct devalign_info *info)
{
	struct daxctl_dev *dev;
	struct daxctl_ctx *ctx;
	int ret;

	memset(info, 0, sizeof(*info));
	dev = lookup(&ctx, devname, &ret);
	if (!ctx)
		return ret;
	if (dev && daxctl_dev_is_enabled(dev)) {
		info->align = daxctl_dev_get_align(dev);
		info->size = daxctl_dev_get_size(dev);
		daxdev_first_range(dev, &info->phys, &info->phys_len);
		info->unaligned = unaligned_start(dev, info->align);
	} else {
		ret = -ENODEV;
	}
	daxctl_unref(ctx);
	return ret;
}
