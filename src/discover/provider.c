// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which driver made the memory behind a DAX device, an nd region or a DAX
 * mount. Read from sysfs links and attributes the kernel writes (a device's
 * subsystem and driver, an nd bus's provider) and, for CXL, from libcxl
 * (discover/cxl.c), never guessed from a device's name alone.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <daxctl/libdaxctl.h>

#include "discover/cxl.h"
#include "discover/daxdev.h"
#include "discover/provider.h"
#include "zdcheck.h"

/* dm over dm over a partition of pmem is deep enough. */
#define MAX_STACK 8

static const char *const kind_names[] = {
	[PROVIDER_UNKNOWN] = "unknown", [PROVIDER_NFIT] = "nfit",
	[PROVIDER_E820] = "e820",	[PROVIDER_VIRTIO_PMEM] = "virtio-pmem",
	[PROVIDER_CXL] = "cxl",		[PROVIDER_HMEM] = "hmem",
	[PROVIDER_OTHER] = "other",
};

const char *provider_kind_name(enum provider_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown";
}

/*
 * The provider_name each bus driver registers: drivers/acpi/nfit/core.c,
 * drivers/nvdimm/e820.c, drivers/nvdimm/virtio_pmem.c and, for the CXL
 * nvdimm bridge, drivers/cxl/pmem.c. nfit_test's "nfit_test.N" and
 * of_pmem's platform device name are "other".
 */
enum provider_kind provider_kind_of_bus(const char *bus_provider)
{
	static const struct {
		const char *provider;
		enum provider_kind kind;
	} buses[] = {
		{ "ACPI.NFIT", PROVIDER_NFIT },
		{ "e820", PROVIDER_E820 },
		{ "virtio-pmem", PROVIDER_VIRTIO_PMEM },
		{ "CXL", PROVIDER_CXL },
	};
	size_t i;

	if (!bus_provider || !*bus_provider)
		return PROVIDER_UNKNOWN;
	for (i = 0; i < ARRAY_SIZE(buses); i++)
		if (!strcmp(bus_provider, buses[i].provider))
			return buses[i].kind;
	return PROVIDER_OTHER;
}

/* snprintf() that says whether all of it fitted: a cut path names another file. */
static __printf(3, 4) bool fmt(char *out, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(out, len, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

static void set(struct provider *out, enum provider_kind kind, const char *name)
{
	out->kind = kind;
	fmt(out->name, sizeof(out->name), "%s", name ? name : "");
	out->memdevs[0] = '\0';
}

static const char *last(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The last component of where @dir/@link points: "nd" for a subsystem link. */
static bool link_last(const char *dir, const char *link, char *out, size_t len)
{
	char p[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (!fmt(p, sizeof(p), "%s/%s", dir, link))
		return false;
	n = readlink(p, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return fmt(out, len, "%s", last(target));
}

static bool in_subsystem(const char *dir, const char *subsystem)
{
	char sub[64];

	return link_last(dir, "subsystem", sub, sizeof(sub)) && !strcmp(sub, subsystem);
}

/* A one-line sysfs attribute, without its newline. */
static bool attr(const char *dir, const char *name, char *out, size_t len)
{
	char p[PATH_MAX];

	if (!fmt(p, sizeof(p), "%s/%s", dir, name) || zd_read_text(p, out, len) <= 0)
		return false;
	out[strcspn(out, "\n")] = '\0';
	return out[0] != '\0';
}

/* libcxl reads /sys and nothing else: it speaks for that tree alone. */
static bool libcxl_reads(const char *sysfs)
{
	return !strcmp(sysfs, "/sys");
}

/* A CXL region as libcxl found it, with its memory devices. */
static void set_cxl_found(struct provider *out, const struct zd_cxl_region *r)
{
	set(out, PROVIDER_CXL, r->name);
	fmt(out->memdevs, sizeof(out->memdevs), "%s", r->memdevs);
}

/* CXL region @region, with the memory devices libcxl finds behind it. */
static void set_cxl(struct provider *out, const char *sysfs, const char *region)
{
	struct zd_cxl_region r;

	if (libcxl_reads(sysfs) && !zd_cxl_region_find(region, 0, &r))
		set_cxl_found(out, &r);
	else
		set(out, PROVIDER_CXL, region);
}

/*
 * The CXL region an nd region of the CXL bus was made from. The nd region
 * is a child of the nvdimm bridge's bus, not of the CXL region, so no
 * parent link leads there: the region's host physical range holds the nd
 * region's start ("resource", readable by root). libcxl names the region
 * whose range holds it; without libcxl, or when libcxl lists no such
 * region, sysfs names the one that starts there, and without a range to
 * read the kernel's own rule decides, which gives such an nd region the id
 * of its CXL region ("CXL pre-assigns memregion ids",
 * drivers/nvdimm/region_devs.c), whose pmem_regionN child says it is the
 * one that fed the nvdimm bridge.
 */
static void cxl_region_of(const char *sysfs, const char *ndregion_dir, const char *ndregion,
			  struct provider *out)
{
	char dir[PATH_MAX], p[PATH_MAX], want[32], res[32], name[64];
	struct zd_cxl_region r;
	bool found = false;
	struct dirent *de;
	DIR *d;

	set(out, PROVIDER_CXL, "");
	if (!fmt(dir, sizeof(dir), "%s/bus/cxl/devices", sysfs))
		return;
	if (attr(ndregion_dir, "resource", want, sizeof(want))) {
		if (libcxl_reads(sysfs) &&
		    !zd_cxl_region_find(NULL, strtoull(want, NULL, 0), &r)) {
			set_cxl_found(out, &r);
			return;
		}
		d = opendir(dir);
		while (d && !found && (de = readdir(d))) {
			if (strncmp(de->d_name, "region", 6))
				continue;
			if (fmt(p, sizeof(p), "%s/%s", dir, de->d_name) &&
			    attr(p, "resource", res, sizeof(res)) &&
			    strtoull(res, NULL, 0) == strtoull(want, NULL, 0))
				found = fmt(name, sizeof(name), "%s", de->d_name);
		}
		if (d)
			closedir(d);
	}
	if (!found)
		found = fmt(p, sizeof(p), "%s/%s/pmem_%s", dir, ndregion, ndregion) &&
			!access(p, F_OK) && fmt(name, sizeof(name), "%s", ndregion);
	if (found)
		set_cxl(out, sysfs, name);
}

static void from_bus(const char *sysfs, const char *bus_provider, const char *region_dir,
		     const char *region, struct provider *out)
{
	set(out, provider_kind_of_bus(bus_provider), bus_provider);
	if (out->kind == PROVIDER_CXL)
		cxl_region_of(sysfs, region_dir, region, out);
}

int nd_ancestors_of(const char *sysfs, const char *path, struct nd_ancestors *nd)
{
	char dir[PATH_MAX], *slash;

	memset(nd, 0, sizeof(*nd));
	if (!fmt(dir, sizeof(dir), "%s", path))
		return -ENODEV;
	while (strlen(dir) > strlen(sysfs)) {
		if (nd->region_dir[0] && in_subsystem(dir, "nd") &&
		    attr(dir, "provider", nd->provider, sizeof(nd->provider))) {
			fmt(nd->bus, sizeof(nd->bus), "%s", last(dir));
			fmt(nd->region, sizeof(nd->region), "%s", last(nd->region_dir));
			return 0;
		}
		fmt(nd->region_dir, sizeof(nd->region_dir), "%s", dir);
		slash = strrchr(dir, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	memset(nd, 0, sizeof(*nd));
	return -ENODEV;
}

static bool from_nd_ancestor(const char *sysfs, const char *path, struct provider *out)
{
	struct nd_ancestors nd;

	if (nd_ancestors_of(sysfs, path, &nd))
		return false;
	from_bus(sysfs, nd.provider, nd.region_dir, nd.region, out);
	return true;
}

/* A block device's sysfs directory, resolved: pmem itself, or what it is stacked on. */
static int blockdir_provider(const char *sysfs, const char *dir, struct provider *out,
			     int depth)
{
	char slaves[PATH_MAX], p[PATH_MAX], real[PATH_MAX];
	struct provider one;
	struct dirent *de;
	int n = 0, ret;
	DIR *d;

	if (from_nd_ancestor(sysfs, dir, out))
		return 0;
	set(out, PROVIDER_UNKNOWN, NULL);
	d = depth < MAX_STACK && fmt(slaves, sizeof(slaves), "%s/slaves", dir) ?
		    opendir(slaves) :
		    NULL;
	/* dm and md: one provider when all the devices under it agree. */
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ret = fmt(p, sizeof(p), "%s/%s", slaves, de->d_name) && realpath(p, real) ?
			      blockdir_provider(sysfs, real, &one, depth + 1) :
			      -ENODEV;
		if (ret || (n && (one.kind != out->kind || strcmp(one.name, out->name)))) {
			set(out, PROVIDER_UNKNOWN, NULL);
			n = 0;
			break;
		}
		*out = one;
		n++;
	}
	if (d)
		closedir(d);
	return n ? 0 : -ENODEV;
}

static bool real_root(const char *sysfs, char *out)
{
	return realpath(sysfs, out) != NULL;
}

int provider_of_blockdev_at(const char *sysfs, dev_t dev, struct provider *out)
{
	char root[PATH_MAX], p[PATH_MAX], real[PATH_MAX];

	set(out, PROVIDER_UNKNOWN, NULL);
	if (!real_root(sysfs, root))
		return -errno;
	if (!fmt(p, sizeof(p), "%s/dev/block/%u:%u", root, major(dev), minor(dev)))
		return -ENAMETOOLONG;
	if (!realpath(p, real))
		return -errno;
	return blockdir_provider(root, real, out, 0);
}

int provider_of_ndregion_at(const char *sysfs, const char *bus_provider, const char *region,
			    struct provider *out)
{
	char root[PATH_MAX], p[PATH_MAX];

	set(out, PROVIDER_UNKNOWN, NULL);
	if (!real_root(sysfs, root))
		return -errno;
	if (!fmt(p, sizeof(p), "%s/bus/nd/devices/%s", root, region))
		return -ENAMETOOLONG;
	from_bus(root, bus_provider, p, region, out);
	return out->kind == PROVIDER_UNKNOWN ? -ENODEV : 0;
}

/*
 * The dax region is the parent of the daxX.Y device: an nd dax device
 * (dax_pmem), which sits on an nd bus; a dax_regionN device of the cxl
 * bus (dax_cxl) under its CXL region regionN; or a platform device bound
 * to the "hmem" driver (dax_hmem), hmem.N. For dax_cxl that parent link
 * is the kernel's own word on the region, which libcxl (v76 has no way
 * from a region to its dax region) could only match again by range; libcxl
 * adds the region's memory devices.
 */
int provider_of_dax_region_at(const char *sysfs, const char *region_path, struct provider *out)
{
	char root[PATH_MAX], real[PATH_MAX], parent[PATH_MAX], sub[64], drv[64];

	set(out, PROVIDER_UNKNOWN, NULL);
	if (!real_root(sysfs, root) || !realpath(region_path, real))
		return -errno;
	if (!link_last(real, "subsystem", sub, sizeof(sub)))
		return -ENODEV;
	if (!strcmp(sub, "nd"))
		return from_nd_ancestor(root, real, out) ? 0 : -ENODEV;
	fmt(parent, sizeof(parent), "%s", real);
	*strrchr(parent, '/') = '\0';
	if (!strcmp(sub, "cxl") && in_subsystem(parent, "cxl")) {
		set_cxl(out, root, last(parent));
		return 0;
	}
	if (!link_last(real, "driver", drv, sizeof(drv)))
		drv[0] = '\0';
	if (!strcmp(sub, "platform") && !strcmp(drv, "hmem")) {
		set(out, PROVIDER_HMEM, last(real));
		return 0;
	}
	set(out, PROVIDER_OTHER, drv[0] ? drv : last(real));
	return 0;
}

int provider_of_blockdev(dev_t dev, struct provider *out)
{
	return provider_of_blockdev_at("/sys", dev, out);
}

int provider_of_ndregion(const char *bus_provider, const char *region, struct provider *out)
{
	return provider_of_ndregion_at("/sys", bus_provider, region, out);
}

int provider_of_dax_region(const char *region_path, struct provider *out)
{
	return provider_of_dax_region_at("/sys", region_path, out);
}

int provider_of_daxdev(const char *devname, struct provider *out)
{
	struct daxctl_ctx *ctx;
	struct daxctl_dev *dev;
	int ret;

	set(out, PROVIDER_UNKNOWN, NULL);
	ret = daxctl_new(&ctx);
	if (ret)
		return ret < 0 ? ret : -ENOMEM;
	daxctl_set_log_priority(ctx, 0);
	dev = daxdev_find(ctx, devname);
	ret = dev ? provider_of_dax_region(daxctl_region_get_path(daxctl_dev_get_region(dev)),
					   out) :
		    -ENOENT;
	daxctl_unref(ctx);
	return ret;
}
