// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a block device to the nd region behind it. The pmem driver adds its
 * disk under the namespace or pfn device it serves (pmem_attach_disk()),
 * which is a child of the region, a child of its nvdimm bus: the disk's
 * sysfs path names all four. The region's physical range is the memory a
 * DAX fault of a file on that disk maps page frames from.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/provider.h"
#include "discover/region.h"
#include "zdcheck.h"

/* Whether @s is @prefix followed by digits only: "region0" for "region". */
static bool numbered(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	if (n <= p || strncmp(s, prefix, p))
		return false;
	for (s += p, n -= p; n; s++, n--)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void copy_part(char *dst, size_t size, const char *s, size_t n)
{
	snprintf(dst, size, "%.*s", (int)(n < size ? n : size - 1), s);
}

/*
 * Finds ".../ndbusN/regionM/DEVICE/block/DISK" in @real and cuts it after
 * regionM (@region_end) and ndbusN (@bus_end). 0 or -ENODEV.
 */
static int parse_path(const char *real, struct nd_region_info *ri, size_t *bus_end,
		      size_t *region_end)
{
	const char *part[64];
	size_t n = 0, len[64], i;
	const char *p = real;

	while (*p && n < ARRAY_SIZE(part)) {
		p += strspn(p, "/");
		if (!*p)
			break;
		part[n] = p;
		len[n] = strcspn(p, "/");
		p += len[n++];
	}
	for (i = n; i-- > 3;) {
		if (len[i] != 5 || strncmp(part[i], "block", 5) || i + 1 >= n ||
		    !numbered(part[i - 2], len[i - 2], "region") ||
		    !numbered(part[i - 3], len[i - 3], "ndbus"))
			continue;
		copy_part(ri->disk, sizeof(ri->disk), part[i + 1], len[i + 1]);
		copy_part(ri->device, sizeof(ri->device), part[i - 1], len[i - 1]);
		copy_part(ri->region, sizeof(ri->region), part[i - 2], len[i - 2]);
		copy_part(ri->bus, sizeof(ri->bus), part[i - 3], len[i - 3]);
		*region_end = (size_t)(part[i - 2] + len[i - 2] - real);
		*bus_end = (size_t)(part[i - 3] + len[i - 3] - real);
		return 0;
	}
	return -ENODEV;
}

/* Reads the number in @dir/@file (sysfs prints the resource in hex). 0 or -errno. */
static int read_number(const char *dir, size_t dlen, const char *file, unsigned long long *v)
{
	char path[PATH_MAX + 32], text[64], *end;
	ssize_t n;

	snprintf(path, sizeof(path), "%.*s/%s", (int)dlen, dir, file);
	n = zd_read_text(path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	errno = 0;
	*v = strtoull(text, &end, 0);
	return errno || end == text || (*end && *end != '\n') ? -EINVAL : 0;
}

/*
 * The provider the bus names itself by (nvdimm_bus_descriptor's
 * provider_name); discover/provider.c says which kind that is.
 */
static int bus_provider(const char *dir, size_t dlen, char *out, size_t size)
{
	char path[PATH_MAX + 32];
	ssize_t n;

	snprintf(path, sizeof(path), "%.*s/provider", (int)dlen, dir);
	n = zd_read_text(path, out, size);
	if (n < 0)
		return (int)n;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

int nd_region_of_bdev(const char *sysfs, unsigned int major, unsigned int minor,
		      struct nd_region_info *ri, char *why, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];
	size_t bus_end, region_end;
	int ret;

	memset(ri, 0, sizeof(*ri));
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, major, minor);
	if (!realpath(link, real)) {
		ret = -errno;
		snprintf(why, len, "device %u:%u is no block device with a sysfs entry: %s",
			 major, minor, strerror(-ret));
		return ret == -ENOENT ? -ENODEV : ret;
	}
	if (parse_path(real, ri, &bus_end, &region_end)) {
		snprintf(why, len, "device %u:%u is no pmem disk of an nd region (%s)", major,
			 minor, real);
		return -ENODEV;
	}
	ret = read_number(real, region_end, "resource", &ri->start);
	if (!ret)
		ret = read_number(real, region_end, "size", &ri->size);
	if (ret) {
		snprintf(why, len, "%s: cannot read its resource and size: %s%s", ri->region,
			 strerror(-ret), ret == -EACCES ? " (root only)" : "");
		ri->region[0] = '\0';
		return ret;
	}
	ret = bus_provider(real, bus_end, ri->provider, sizeof(ri->provider));
	if (ret)
		snprintf(ri->provider, sizeof(ri->provider), "unknown (%s)", strerror(-ret));
	return 0;
}

bool nd_region_async(const struct nd_region_info *ri)
{
	/* virtio_pmem's regions are ND_REGION_ASYNC; no sysfs attribute says so. */
	return provider_kind_of_bus(ri->provider) == PROVIDER_VIRTIO_PMEM;
}
