// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a block device to its nd region, on a sysfs tree made to look like
 * the test bed's guests: a virtio-pmem fsdax namespace (a pfn device), an
 * NFIT raw namespace with a partition, and devices that are no pmem disk.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover/region.h"
#include "unit.h"
#include "zdcheck.h"

static char root[] = "/tmp/zdcheck-region.XXXXXX";

static void mkdirs(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	EXPECT(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void link_dev(const char *dev, const char *target)
{
	char path[PATH_MAX], to[PATH_MAX];

	snprintf(path, sizeof(path), "%s/dev/block/%s", root, dev);
	snprintf(to, sizeof(to), "../../%s", target);
	EXPECT(symlink(to, path) == 0);
}

/* The walk knows an nd bus by its subsystem link and provider, not by its name. */
static void nd_bus(const char *rel, const char *provider)
{
	char path[PATH_MAX], to[PATH_MAX];

	mkdirs(rel);
	mkdirs("bus/nd");
	snprintf(path, sizeof(path), "%s/%s/subsystem", root, rel);
	snprintf(to, sizeof(to), "%s/bus/nd", root);
	EXPECT(symlink(to, path) == 0);
	snprintf(path, sizeof(path), "%s/provider", rel);
	put(path, provider);
}

#define VP "devices/pci0000:00/0000:00:04.0/virtio1/ndbus0"
#define NFIT "devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus1"

static void make_tree(void)
{
	EXPECT(mkdtemp(root) != NULL);
	mkdirs("dev/block");
	nd_bus(VP, "virtio-pmem\n");
	mkdirs(VP "/region0/pfn0.0/block/pmem0");
	put(VP "/region0/resource", "0x100000000\n");
	put(VP "/region0/size", "1073741824\n");
	link_dev("259:0", VP "/region0/pfn0.0/block/pmem0");

	nd_bus(NFIT, "ACPI.NFIT\n");
	mkdirs(NFIT "/region3/namespace3.0/block/pmem3/pmem3p1");
	put(NFIT "/region3/resource", "0x240000000\n");
	put(NFIT "/region3/size", "3221225472\n");
	link_dev("259:5", NFIT "/region3/namespace3.0/block/pmem3/pmem3p1");

	/* A region whose resource is gone (or unreadable: root's alone). */
	mkdirs(NFIT "/region4/namespace4.0/block/pmem4");
	put(NFIT "/region4/size", "1073741824\n");
	link_dev("259:6", NFIT "/region4/namespace4.0/block/pmem4");

	mkdirs("devices/virtual/block/dm-0");
	link_dev("253:0", "devices/virtual/block/dm-0");
	/* A directory named like a region does not make one without its bus. */
	mkdirs("devices/virtual/region7/x/block/loop0");
	link_dev("7:0", "devices/virtual/region7/x/block/loop0");
	/* Nor does a bus's name and provider without its subsystem. */
	mkdirs("devices/virtual/ndbus9/region9/namespace9.0/block/pmem9");
	put("devices/virtual/ndbus9/provider", "e820\n");
	link_dev("259:9", "devices/virtual/ndbus9/region9/namespace9.0/block/pmem9");
	/* On a bus, but no disk of a namespace or pfn device of the region. */
	mkdirs(NFIT "/region5/block/pmem5");
	link_dev("259:7", NFIT "/region5/block/pmem5");
}

static void test_lookup(void)
{
	struct nd_region_info ri;
	char why[256] = "";

	EXPECT(nd_region_of_bdev(root, 259, 0, &ri, why, sizeof(why)) == 0);
	EXPECT_STR(ri.at.region, "region0");
	EXPECT_STR(ri.device, "pfn0.0");
	EXPECT_STR(ri.disk, "pmem0");
	EXPECT_STR(ri.at.bus, "ndbus0");
	EXPECT_STR(ri.at.provider, "virtio-pmem");
	EXPECT(ri.start == 0x100000000ULL && ri.size == 1ULL << 30);
	EXPECT(nd_region_async(&ri));

	/* A partition belongs to its whole disk's region. */
	EXPECT(nd_region_of_bdev(root, 259, 5, &ri, why, sizeof(why)) == 0);
	EXPECT_STR(ri.at.region, "region3");
	EXPECT_STR(ri.device, "namespace3.0");
	EXPECT_STR(ri.disk, "pmem3");
	EXPECT_STR(ri.at.provider, "ACPI.NFIT");
	EXPECT(ri.start == 0x240000000ULL && ri.size == 3ULL << 30);
	EXPECT(!nd_region_async(&ri));

	EXPECT(nd_region_of_bdev(root, 259, 6, &ri, why, sizeof(why)) == -ENOENT);
	EXPECT(ri.at.region[0] == '\0');
	EXPECT_STR(why,
		   "region4: cannot read its resource and size: No such file or directory");

	EXPECT(nd_region_of_bdev(root, 253, 0, &ri, why, sizeof(why)) == -ENODEV);
	EXPECT(ri.at.region[0] == '\0' && strstr(why, "253:0 is no pmem disk of an nd region"));
	EXPECT(nd_region_of_bdev(root, 7, 0, &ri, why, sizeof(why)) == -ENODEV);
	EXPECT(nd_region_of_bdev(root, 259, 9, &ri, why, sizeof(why)) == -ENODEV);
	EXPECT(ri.at.region[0] == '\0' && strstr(why, "259:9 is no pmem disk of an nd region"));
	EXPECT(nd_region_of_bdev(root, 259, 7, &ri, why, sizeof(why)) == -ENODEV);
	EXPECT(ri.at.region[0] == '\0' && strstr(why, "259:7 is no pmem disk of an nd region"));
	/* tmpfs: an anonymous device with no sysfs entry. */
	EXPECT(nd_region_of_bdev(root, 0, 45, &ri, why, sizeof(why)) == -ENODEV);
	EXPECT(ri.at.region[0] == '\0' && strstr(why, "0:45 is no block device"));
}

int main(void)
{
	make_tree();
	test_lookup();
	EXPECT(zd_remove_tree(root, NULL, 0) == 0);
	return unit_done();
}
