// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who made the memory behind a block device, an nd region and a dax region,
 * read from a sysfs tree made here: the links and attributes the kernel
 * writes, laid out as NFIT, e820, virtio-pmem, CXL and hmem guests show them.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discover/provider.h"
#include "zdcheck.h"
#include "unit.h"

static char root[PATH_MAX];

/* Paths here are short; vfmt() keeps the compiler from counting PATH_MAX twice. */
static __printf(3, 4) void fmt(char *out, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(out, len, f, ap);
	va_end(ap);
}

/* @rel under the fake sysfs root; four results live at once. */
static const char *at(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *p = bufs[next++ % 4];

	fmt(p, PATH_MAX, "%s/%s", root, rel);
	return p;
}

static void mkdirs(const char *rel)
{
	char p[PATH_MAX], *s;

	fmt(p, sizeof(p), "%s", at(rel));
	for (s = p + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* Device directory @rel on bus or class @subsystem ("bus/nd", "class/block"). */
static void device(const char *rel, const char *subsystem)
{
	char link[PATH_MAX];

	mkdirs(rel);
	mkdirs(subsystem);
	fmt(link, sizeof(link), "%s/subsystem", at(rel));
	EXPECT(symlink(at(subsystem), link) == 0);
}

static void link_to(const char *rel_link, const char *rel_target)
{
	char target[PATH_MAX];
	const char *slash = strrchr(rel_link, '/');
	char dir[PATH_MAX];

	fmt(dir, sizeof(dir), "%.*s", (int)(slash - rel_link), rel_link);
	mkdirs(dir);
	fmt(target, sizeof(target), "%s", at(rel_target));
	EXPECT(symlink(target, at(rel_link)) == 0);
}

static void attr(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");

	EXPECT(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* nd bus @bus with @provider, and region @region on it. */
static void nd_bus(const char *bus, const char *provider, const char *region)
{
	char p[PATH_MAX], l[PATH_MAX];

	device(bus, "bus/nd");
	fmt(p, sizeof(p), "%s/provider", bus);
	attr(p, provider);
	fmt(p, sizeof(p), "%s/%s", bus, region);
	device(p, "bus/nd");
	fmt(l, sizeof(l), "bus/nd/devices/%s", region);
	link_to(l, p);
}

/* Block device at @dir, as /sys/dev/block/259:@minor. */
static void disk(const char *dir, unsigned int minor)
{
	char p[PATH_MAX];

	device(dir, "class/block");
	fmt(p, sizeof(p), "dev/block/259:%u", minor);
	link_to(p, dir);
}

static void expect_block(unsigned int minor, int ret, enum provider_kind kind, const char *name)
{
	struct provider pv;

	EXPECT(provider_of_blockdev_at(root, makedev(259, minor), &pv) == ret);
	EXPECT_STR(provider_kind_name(pv.kind), provider_kind_name(kind));
	EXPECT_STR(pv.name, name);
}

static void expect_dax(const char *rel, enum provider_kind kind, const char *name)
{
	struct provider pv;

	EXPECT(provider_of_dax_region_at(root, at(rel), &pv) == 0);
	EXPECT_STR(provider_kind_name(pv.kind), provider_kind_name(kind));
	EXPECT_STR(pv.name, name);
}

#define NFIT "devices/platform/ACPI0012:00/ndbus0"
#define VIRTIO "devices/pci0000:00/0000:00:03.0/virtio1/ndbus1"
#define E820 "devices/platform/e820_pmem/ndbus2"
#define CXL_ROOT "devices/platform/ACPI0017:00/root0"
#define CXL_BUS CXL_ROOT "/nvdimm-bridge0/ndbus3"

static void kinds(void)
{
	EXPECT(provider_kind_of_bus("ACPI.NFIT") == PROVIDER_NFIT);
	EXPECT(provider_kind_of_bus("e820") == PROVIDER_E820);
	EXPECT(provider_kind_of_bus("virtio-pmem") == PROVIDER_VIRTIO_PMEM);
	EXPECT(provider_kind_of_bus("CXL") == PROVIDER_CXL);
	EXPECT(provider_kind_of_bus("nfit_test.0") == PROVIDER_OTHER);
	EXPECT(provider_kind_of_bus("acpi.nfit") == PROVIDER_OTHER);
	EXPECT(provider_kind_of_bus("") == PROVIDER_UNKNOWN);
	EXPECT(provider_kind_of_bus(NULL) == PROVIDER_UNKNOWN);
	EXPECT_STR(provider_kind_name(PROVIDER_VIRTIO_PMEM), "virtio-pmem");
	EXPECT_STR(provider_kind_name(PROVIDER_HMEM), "hmem");
	EXPECT_STR(provider_kind_name((enum provider_kind)99), "unknown");
}

static void blockdevs(void)
{
	/* fsdax: the disk belongs to the pfn device; a partition of it too. */
	nd_bus(NFIT, "ACPI.NFIT\n", "region1");
	device(NFIT "/region1/pfn1.0", "bus/nd");
	disk(NFIT "/region1/pfn1.0/block/pmem1", 0);
	disk(NFIT "/region1/pfn1.0/block/pmem1/pmem1p1", 1);
	expect_block(0, 0, PROVIDER_NFIT, "ACPI.NFIT");
	expect_block(1, 0, PROVIDER_NFIT, "ACPI.NFIT");

	/* raw mode: the namespace's own disk. */
	nd_bus(VIRTIO, "virtio-pmem\n", "region0");
	device(VIRTIO "/region0/namespace0.0", "bus/nd");
	disk(VIRTIO "/region0/namespace0.0/block/pmem0", 2);
	expect_block(2, 0, PROVIDER_VIRTIO_PMEM, "virtio-pmem");

	nd_bus(E820, "e820\n", "region2");
	disk(E820 "/region2/namespace2.0/block/pmem2", 3);
	expect_block(3, 0, PROVIDER_E820, "e820");

	/* dm: one provider when every device under it agrees. */
	disk("devices/virtual/block/dm-0", 10);
	link_to("devices/virtual/block/dm-0/slaves/pmem1p1",
		NFIT "/region1/pfn1.0/block/pmem1/pmem1p1");
	expect_block(10, 0, PROVIDER_NFIT, "ACPI.NFIT");
	disk("devices/virtual/block/dm-1", 11);
	link_to("devices/virtual/block/dm-1/slaves/pmem1", NFIT "/region1/pfn1.0/block/pmem1");
	link_to("devices/virtual/block/dm-1/slaves/pmem0",
		VIRTIO "/region0/namespace0.0/block/pmem0");
	expect_block(11, -ENODEV, PROVIDER_UNKNOWN, "");
	/* A disk no nd bus is behind, and one sysfs does not know. */
	disk("devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", 12);
	expect_block(12, -ENODEV, PROVIDER_UNKNOWN, "");
	expect_block(99, -ENOENT, PROVIDER_UNKNOWN, "");
}

static void cxl_region(const char *name, const char *resource)
{
	char p[PATH_MAX], l[PATH_MAX];

	fmt(p, sizeof(p), CXL_ROOT "/decoder0.0/%s", name);
	device(p, "bus/cxl");
	fmt(l, sizeof(l), "bus/cxl/devices/%s", name);
	link_to(l, p);
	fmt(l, sizeof(l), "%s/pmem_%s", p, name);
	device(l, "bus/cxl");
	if (resource) {
		fmt(l, sizeof(l), "%s/resource", p);
		attr(l, resource);
	}
}

static void cxl(void)
{
	struct provider pv;

	/* The nd region covers the CXL region's range: that decides, not the id. */
	cxl_region("region6", "0x3000000000\n");
	cxl_region("region9", "0x2000000000\n");
	nd_bus(CXL_BUS, "CXL\n", "region6");
	attr(CXL_BUS "/region6/resource", "0x2000000000\n");
	disk(CXL_BUS "/region6/pfn6.0/block/pmem6", 20);
	expect_block(20, 0, PROVIDER_CXL, "region9");
	EXPECT(provider_of_ndregion_at(root, "CXL", "region6", &pv) == 0);
	EXPECT(pv.kind == PROVIDER_CXL);
	EXPECT_STR(pv.name, "region9");

	/* No range to read (not root): the id the kernel gave both. */
	cxl_region("region7", NULL);
	device(CXL_BUS "/region7", "bus/nd");
	link_to("bus/nd/devices/region7", CXL_BUS "/region7");
	EXPECT(provider_of_ndregion_at(root, "CXL", "region7", &pv) == 0);
	EXPECT(pv.kind == PROVIDER_CXL);
	EXPECT_STR(pv.name, "region7");

	/* No CXL region behind it at all: cxl, unnamed. */
	device(CXL_BUS "/region8", "bus/nd");
	link_to("bus/nd/devices/region8", CXL_BUS "/region8");
	EXPECT(provider_of_ndregion_at(root, "CXL", "region8", &pv) == 0);
	EXPECT(pv.kind == PROVIDER_CXL);
	EXPECT_STR(pv.name, "");

	/* The other buses keep libndctl's provider string. */
	EXPECT(provider_of_ndregion_at(root, "nfit_test.0", "region1", &pv) == 0);
	EXPECT(pv.kind == PROVIDER_OTHER);
	EXPECT_STR(pv.name, "nfit_test.0");
	EXPECT(provider_of_ndregion_at(root, "", "region1", &pv) == -ENODEV);
}

/* devices/platform/@name, bound to platform driver @driver. */
static void platform_device(const char *name, const char *driver)
{
	char dev[PATH_MAX], drv[PATH_MAX], l[PATH_MAX];

	fmt(dev, sizeof(dev), "devices/platform/%s", name);
	fmt(drv, sizeof(drv), "bus/platform/drivers/%s", driver);
	fmt(l, sizeof(l), "%s/driver", dev);
	device(dev, "bus/platform");
	mkdirs(drv);
	link_to(l, drv);
}

static void dax_regions(void)
{
	/* dax_pmem: the nd dax device is the dax region. */
	device(NFIT "/region1/dax1.0", "bus/nd");
	expect_dax(NFIT "/region1/dax1.0", PROVIDER_NFIT, "ACPI.NFIT");
	device(VIRTIO "/region0/dax0.0", "bus/nd");
	expect_dax(VIRTIO "/region0/dax0.0", PROVIDER_VIRTIO_PMEM, "virtio-pmem");

	/* dax_hmem: a platform device bound to the "hmem" driver. */
	platform_device("hmem.0", "hmem");
	expect_dax("devices/platform/hmem.0", PROVIDER_HMEM, "hmem.0");
	/* One named like it but bound to another driver is not hmem. */
	platform_device("hmem.1", "other_dax");
	expect_dax("devices/platform/hmem.1", PROVIDER_OTHER, "other_dax");

	/* dax_cxl: dax_regionN of the cxl bus under its CXL region. */
	device(CXL_ROOT "/decoder0.0/region9/dax_region9", "bus/cxl");
	expect_dax(CXL_ROOT "/decoder0.0/region9/dax_region9", PROVIDER_CXL, "region9");
}

int main(void)
{
	fmt(root, sizeof(root), "%s/zd-sysfs.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	kinds();
	blockdevs();
	cxl();
	dax_regions();
	if (zd_remove_tree(root, NULL, 0))
		fprintf(stderr, "could not remove %s\n", root);
	return unit_done();
}
