// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a block device to the nd region behind it. The pmem driver adds its
 * disk under the namespace or pfn device it serves (pmem_attach_disk()),
 * which is a child of the region, a child of its nvdimm bus: the walk of
 * discover/provider.c finds the bus and the region above the disk, and the
 * rest of the disk's sysfs path names the device and the disk. The region's
 * physical range is the memory a DAX fault of a file on that disk maps page
 * frames from.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/provider.h"
#include "discover/region.h"
#include "zdcheck.h"

/* Reads the number in @dir/@file (sysfs prints the resource in hex). 0 or -errno. */
static int read_number(const char *dir, const char *file, unsigned long long *v)
{
	char path[PATH_MAX + 32], text[64], *end;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	n = zd_read_text(path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	errno = 0;
	*v = strtoull(text, &end, 0);
	return errno || end == text || (*end && *end != '\n') ? -EINVAL : 0;
}

int nd_region_of_bdev(const char *sysfs, unsigned int major, unsigned int minor,
		      struct nd_region_info *ri, char *why, size_t len)
{
	char root[PATH_MAX], link[PATH_MAX + 32], real[PATH_MAX];
	struct nd_ancestors *nd = &ri->at;
	int ret;

	memset(ri, 0, sizeof(*ri));
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, major, minor);
	if (!realpath(sysfs, root) || !realpath(link, real)) {
		ret = -errno;
		snprintf(why, len, "device %u:%u is no block device with a sysfs entry: %s",
			 major, minor, strerror(-ret));
		return ret == -ENOENT ? -ENODEV : ret;
	}
	/* A partition's path goes on below its whole disk: "DEVICE/block/DISK/PART". */
	if (nd_ancestors_of(root, real, nd) ||
	    sscanf(real + strlen(nd->region_dir), "/%31[^/]/block/%31[^/]", ri->device,
		   ri->disk) != 2) {
		snprintf(why, len, "device %u:%u is no pmem disk of an nd region (%s)", major,
			 minor, real);
		memset(ri, 0, sizeof(*ri));
		return -ENODEV;
	}
	ret = read_number(nd->region_dir, "resource", &ri->start);
	if (!ret)
		ret = read_number(nd->region_dir, "size", &ri->size);
	if (ret) {
		snprintf(why, len, "%s: cannot read its resource and size: %s%s", nd->region,
			 strerror(-ret), ret == -EACCES ? " (root only)" : "");
		memset(ri, 0, sizeof(*ri));
		return ret;
	}
	return 0;
}

bool nd_region_async(const struct nd_region_info *ri)
{
	/* virtio_pmem's regions are ND_REGION_ASYNC; no sysfs attribute says so. */
	return provider_kind_of_bus(ri->at.provider) == PROVIDER_VIRTIO_PMEM;
}
