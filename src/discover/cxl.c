// SPDX-License-Identifier: GPL-2.0-only
/*
 * CXL regions through ndctl's libcxl: the same walk "cxl list -R" makes,
 * bus -> root port -> root decoder -> region, the only decoders regions
 * hang under, and from a region's targets (endpoint decoders) to the
 * memory devices that decode it.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "discover/cxl.h"

#if HAVE_LIBCXL
#include <cxl/libcxl.h>

/* CXL interleaves a region over at most 16 devices. */
#define MAX_WAYS 16

static void memdevs_of(struct cxl_region *region, char *out, size_t len)
{
	unsigned int i, ways = cxl_region_get_interleave_ways(region);
	struct cxl_decoder *decoder;
	struct cxl_memdev *memdev;
	size_t used = 0;
	int n;

	out[0] = '\0';
	/* ways is UINT_MAX when unreadable: the first missing target ends it. */
	for (i = 0; i < ways && i < MAX_WAYS; i++) {
		decoder = cxl_region_get_target_decoder(region, (int)i);
		if (!decoder)
			break;
		memdev = cxl_decoder_get_memdev(decoder);
		if (!memdev)
			continue;
		n = snprintf(out + used, len - used, "%s%s", used ? " " : "",
			     cxl_memdev_get_devname(memdev));
		if (n < 0 || (size_t)n >= len - used) {
			/* A cut name would name another device: keep whole ones. */
			out[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
}

/*
 * libcxl leaves a region's resource 0 when it could not read it, and its
 * size ULLONG_MAX: no CXL window starts at 0, where the system's own RAM is.
 */
static bool holds(struct cxl_region *region, unsigned long long addr)
{
	unsigned long long start = cxl_region_get_resource(region),
			   size = cxl_region_get_size(region);

	return start && size && size != ULLONG_MAX && addr >= start && addr - start < size;
}

static struct cxl_region *match(struct cxl_ctx *ctx, const char *name, unsigned long long addr)
{
	struct cxl_decoder *decoder;
	struct cxl_region *region;
	struct cxl_bus *bus;

	cxl_bus_foreach(ctx, bus)
		cxl_decoder_foreach(cxl_bus_get_port(bus), decoder)
			cxl_region_foreach(decoder, region)
				if (name ? !strcmp(cxl_region_get_devname(region), name) :
					   holds(region, addr))
					return region;
	return NULL;
}

int zd_cxl_region_find(const char *name, unsigned long long addr, struct zd_cxl_region *out)
{
	struct cxl_region *region;
	struct cxl_ctx *ctx;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cxl_new(&ctx);
	if (ret)
		return ret < 0 ? ret : -ENOMEM;
	/* libcxl logs to stderr; a region it cannot read is an answer here. */
	cxl_set_log_priority(ctx, 0);
	region = match(ctx, name, addr);
	if (region) {
		snprintf(out->name, sizeof(out->name), "%s", cxl_region_get_devname(region));
		memdevs_of(region, out->memdevs, sizeof(out->memdevs));
	}
	cxl_unref(ctx);
	return region ? 0 : -ENOENT;
}

#else

int zd_cxl_region_find(const char *name, unsigned long long addr, struct zd_cxl_region *out)
{
	memset(out, 0, sizeof(*out));
	return -EOPNOTSUPP;
}

#endif
