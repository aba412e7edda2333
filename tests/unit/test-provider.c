// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who made the memory behind a block device, an nd region and a dax region,
 * read from a sysfs tree made here: the links and attributes the kernel
 * writes, laid out as NFIT, e820, virtio-pmem, CXL and hmem guests show them.
 * libcxl reads /sys alone, so a child mounts the tree there, in a mount
 * namespace of its own, to see what libcxl adds.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
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

/* Relative, as sysfs links are: the tree reads the same mounted on /sys. */
static void link_to(const char *rel_link, const char *rel_target)
{
	char target[PATH_MAX] = "", dir[PATH_MAX];
	const char *slash = strrchr(rel_link, '/'), *s;
	size_t n = 0;

	fmt(dir, sizeof(dir), "%.*s", (int)(slash - rel_link), rel_link);
	mkdirs(dir);
	for (s = rel_link; (s = strchr(s, '/')); s++)
		n += (size_t)snprintf(target + n, sizeof(target) - n, "../");
	fmt(target + n, sizeof(target) - n, "%s", rel_target);
	EXPECT(symlink(target, at(rel_link)) == 0);
}

/* Device directory @rel on bus or class @subsystem ("bus/nd", "class/block"). */
static void device(const char *rel, const char *subsystem)
{
	char link[PATH_MAX];

	mkdirs(rel);
	mkdirs(subsystem);
	fmt(link, sizeof(link), "%s/subsystem", rel);
	link_to(link, subsystem);
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

/* @rel/@name holds @text. */
static void attr_in(const char *rel, const char *name, const char *text)
{
	char p[PATH_MAX];

	fmt(p, sizeof(p), "%s/%s", rel, name);
	attr(p, text);
}

/* A pmem region of 256 MiB at @resource (NULL: unreadable), as libcxl reads one too. */
static void cxl_region(const char *name, const char *resource)
{
	char p[PATH_MAX], l[PATH_MAX];

	fmt(p, sizeof(p), CXL_ROOT "/decoder0.0/%s", name);
	device(p, "bus/cxl");
	fmt(l, sizeof(l), "bus/cxl/devices/%s", name);
	link_to(l, p);
	fmt(l, sizeof(l), "%s/pmem_%s", p, name);
	device(l, "bus/cxl");
	if (resource)
		attr_in(p, "resource", resource);
	attr_in(p, "size", "0x10000000\n");
	attr_in(p, "uuid", "5e1c2c3b-57c1-4a5d-8d9b-2b3b6bd3a0c1\n");
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

/*
 * What libcxl walks: root0's decoder0.0 holds the regions; port1 (the host
 * bridge) the endpoints, each hosted by a memory device, whose decoders a
 * region's targetN attributes name.
 */
static void cxl_endpoint(int id, const char *memdev, const char *pci)
{
	char ep[PATH_MAX], p[PATH_MAX], dev[PATH_MAX];

	fmt(dev, sizeof(dev), "devices/pci0000:0c/%s/%s", pci, memdev);
	device(dev, "bus/cxl");
	fmt(p, sizeof(p), "bus/cxl/devices/%s", memdev);
	link_to(p, dev);
	fmt(p, sizeof(p), "%s/pmem", dev);
	mkdirs(p);
	fmt(p, sizeof(p), "%s/ram", dev);
	mkdirs(p);
	attr_in(dev, "pmem/size", "0x10000000\n");
	attr_in(dev, "ram/size", "0x0\n");
	attr_in(dev, "payload_max", "2048\n");
	attr_in(dev, "label_storage_size", "0x10000000\n");
	attr_in(dev, "firmware_version", "BWFW VERSION 00\n");
	/* libcxl wants the memdev's character device; any file will do. */
	fmt(p, sizeof(p), "zd-dev/cxl/%s", memdev);
	mkdirs("zd-dev/cxl");
	attr(p, "");

	fmt(ep, sizeof(ep), CXL_ROOT "/port1/endpoint%d", id);
	device(ep, "bus/cxl");
	fmt(p, sizeof(p), "%s/uport", ep);
	link_to(p, dev);
	fmt(p, sizeof(p), "%s/driver", ep);
	mkdirs("bus/cxl/drivers/cxl_port");
	link_to(p, "bus/cxl/drivers/cxl_port");
	fmt(p, sizeof(p), "%s/decoder%d.0", ep, id);
	device(p, "bus/cxl");
	fmt(p, sizeof(p), "%s/decoder%d.1", ep, id);
	device(p, "bus/cxl");
}

/* nd region @name of bus @bus at @resource. */
static void nd_region(const char *bus, const char *name, const char *resource)
{
	char p[PATH_MAX], l[PATH_MAX];

	fmt(p, sizeof(p), "%s/%s", bus, name);
	device(p, "bus/nd");
	fmt(l, sizeof(l), "bus/nd/devices/%s", name);
	link_to(l, p);
	attr_in(p, "resource", resource);
}

static void cxl_topology(void)
{
	device(CXL_ROOT, "bus/cxl");
	link_to("bus/cxl/devices/root0", CXL_ROOT);
	link_to(CXL_ROOT "/uport", "devices/platform/ACPI0017:00");
	device(CXL_ROOT "/port1", "bus/cxl");
	link_to(CXL_ROOT "/port1/uport", "devices/pci0000:0c");
	cxl_endpoint(2, "mem0", "0000:0d:00.0");
	cxl_endpoint(3, "mem1", "0000:0e:00.0");

	/* region9 interleaves mem0 and mem1; region7 is mem0's alone. */
	attr(CXL_ROOT "/decoder0.0/region9/size", "0x20000000\n");
	attr(CXL_ROOT "/decoder0.0/region9/interleave_ways", "2\n");
	attr(CXL_ROOT "/decoder0.0/region9/target0", "decoder2.0\n");
	attr(CXL_ROOT "/decoder0.0/region9/target1", "decoder3.0\n");
	attr(CXL_ROOT "/decoder0.0/region7/interleave_ways", "1\n");
	attr(CXL_ROOT "/decoder0.0/region7/target0", "decoder2.1\n");

	/* An nd region inside region9 but not at its start: only a range holds it. */
	nd_region(CXL_BUS, "region5", "0x2010000000\n");
	/* A region libcxl cannot list (it wants a uuid): sysfs still names it. */
	cxl_region("region3", "0x4000000000\n");
	EXPECT(unlink(at(CXL_ROOT "/decoder0.0/region3/uuid")) == 0);
	nd_region(CXL_BUS, "region4", "0x4000000000\n");
}

/* libcxl names memory devices; a build without it names none. */
#if HAVE_LIBCXL
#define MEMDEVS(list) list
#else
#define MEMDEVS(list) ""
#endif

static void expect_pv(const struct provider *pv, enum provider_kind kind, const char *name,
		      const char *memdevs)
{
	EXPECT_STR(provider_kind_name(pv->kind), provider_kind_name(kind));
	EXPECT_STR(pv->name, name);
	EXPECT_STR(pv->memdevs, memdevs);
}

/* The tree on /sys: libcxl reads it, and provider.c asks libcxl first. */
static void sys_view(void)
{
	struct provider pv;

	EXPECT(provider_of_ndregion("CXL", "region6", &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, "region9", MEMDEVS("mem0 mem1"));
	EXPECT(provider_of_blockdev(makedev(259, 20), &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, "region9", MEMDEVS("mem0 mem1"));
	EXPECT(provider_of_dax_region("/sys/" CXL_ROOT "/decoder0.0/region9/dax_region9",
				      &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, "region9", MEMDEVS("mem0 mem1"));
	/* Without libcxl only a region that starts there would do. */
	EXPECT(provider_of_ndregion("CXL", "region5", &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, HAVE_LIBCXL ? "region9" : "", MEMDEVS("mem0 mem1"));

	EXPECT(provider_of_ndregion("CXL", "region4", &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, "region3", "");

	/* No range to read: sysfs names the region, libcxl its memory device. */
	EXPECT(provider_of_ndregion("CXL", "region7", &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, "region7", MEMDEVS("mem0"));
	EXPECT(provider_of_ndregion("CXL", "region8", &pv) == 0);
	expect_pv(&pv, PROVIDER_CXL, "", "");
	EXPECT(provider_of_blockdev(makedev(259, 0), &pv) == 0);
	expect_pv(&pv, PROVIDER_NFIT, "ACPI.NFIT", "");
}

/*
 * Mounts the tree on /sys and its zd-dev on /dev, in a mount namespace of
 * this process alone (a user namespace too when not root).
 */
static bool on_sys(void)
{
	if (unshare(geteuid() ? CLONE_NEWUSER | CLONE_NEWNS : CLONE_NEWNS))
		return false;
	/* Private before anything is mounted: no mount may reach the machine's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return false;
	return !mount(root, "/sys", NULL, MS_BIND, NULL) &&
	       !mount(at("zd-dev"), "/dev", NULL, MS_BIND, NULL);
}

static void libcxl_view(void)
{
	pid_t pid;
	int st = 0;

	cxl_topology();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (!on_sys()) {
			fprintf(stderr,
				"test-provider: no mount namespace (%s): /sys view not tested\n",
				strerror(errno));
			_exit(77);
		}
		sys_view();
		exit(unit_done());
	}
	EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid);
	EXPECT(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 77));
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
	libcxl_view();
	if (zd_remove_tree(root, NULL, 0))
		fprintf(stderr, "could not remove %s\n", root);
	return unit_done();
}
