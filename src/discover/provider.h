/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PROVIDER_H
#define ZD_PROVIDER_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The driver that created the ZONE_DEVICE memory behind a DAX device, an nd
 * region or a DAX mount. It decides what the kernel promises: MAP_SYNC, for
 * one, is refused by design on virtio-pmem, whose flush is a request to the
 * host, not a CPU cache flush.
 */
enum provider_kind {
	PROVIDER_UNKNOWN, /* no memory provider found: not pmem, or sysfs unreadable */
	PROVIDER_NFIT, /* ACPI NFIT: real or emulated NVDIMMs */
	PROVIDER_E820, /* legacy memmap=nn!ss pmem (nd_e820) */
	PROVIDER_VIRTIO_PMEM,
	PROVIDER_CXL, /* a CXL region (pmem through the nvdimm bridge, or dax_cxl) */
	PROVIDER_HMEM, /* dax_hmem: soft-reserved or HMAT-described memory */
	PROVIDER_OTHER, /* an nd bus provider zdcheck has no name for */
};

struct provider {
	enum provider_kind kind;
	/*
	 * The nd bus provider as the kernel names it ("ACPI.NFIT", "e820",
	 * "virtio-pmem"), the CXL region ("region0"), the hmem platform
	 * device ("hmem.0"); "" when unknown.
	 */
	char name[64];
	/*
	 * A CXL region's memory devices ("mem0", "mem0 mem1"), as libcxl
	 * names them from the region's targets; "" for the other kinds, in a
	 * build without libcxl, or when libcxl names none.
	 */
	char memdevs[96];
};

/* "nfit", "e820", "virtio-pmem", "cxl", "hmem", "other", "unknown". */
const char *provider_kind_name(enum provider_kind kind);
/* The kind an nd bus's provider string stands for ("CXL" is cxl). */
enum provider_kind provider_kind_of_bus(const char *bus_provider);

/*
 * The nd bus a sysfs device sits on, and the region it belongs to: its
 * ancestor of subsystem "nd" with a "provider" attribute is the bus
 * (ndbusN), the one right below that the region (regionM).
 */
struct nd_ancestors {
	char bus[32]; /* "ndbus0" */
	char provider[64]; /* the bus's provider_name: "ACPI.NFIT", "virtio-pmem", "CXL" */
	char region[32]; /* "region0" */
	char region_dir[PATH_MAX]; /* where its resource and size are */
};

/*
 * Fills @nd for sysfs device @path: a disk, a partition, an nd dax device.
 * @sysfs and @path are resolved, @path under @sysfs. 0, or -ENODEV when no
 * nd bus is above it.
 */
int nd_ancestors_of(const char *sysfs, const char *path, struct nd_ancestors *nd);

/*
 * Each returns 0 with @out filled, -ENODEV (kind PROVIDER_UNKNOWN) when
 * the device exists but no memory provider is behind it, or another
 * -errno when it cannot be found.
 */
/* A block device (a mount's st_dev): pmem, a partition of one, dm over them. */
int provider_of_blockdev(dev_t dev, struct provider *out);
/* A device-dax instance by name ("dax0.0"), whatever its mode. */
int provider_of_daxdev(const char *devname, struct provider *out);
/* An nd region ("region1") of a bus whose provider libndctl reported. */
int provider_of_ndregion(const char *bus_provider, const char *region, struct provider *out);
/* The dax region at sysfs path @region_path (daxctl_region_get_path()). */
int provider_of_dax_region(const char *region_path, struct provider *out);

/*
 * The same, reading sysfs under @sysfs ("/sys", or a tree the unit tests
 * make); @region_path is a path under it. libcxl reads /sys only, so only
 * there does it name a CXL region and its memory devices; elsewhere, or
 * when it finds no region, sysfs alone names the region.
 */
int provider_of_blockdev_at(const char *sysfs, dev_t dev, struct provider *out);
int provider_of_ndregion_at(const char *sysfs, const char *bus_provider, const char *region,
			    struct provider *out);
int provider_of_dax_region_at(const char *sysfs, const char *region_path, struct provider *out);

#endif
