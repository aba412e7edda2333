/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_CXL_H
#define ZD_CXL_H

/* A CXL region as ndctl's libcxl lists it ("cxl list -R"). */
struct zd_cxl_region {
	char name[32]; /* "region0" */
	/*
	 * The memory devices its targets decode, in interleave order and
	 * separated by spaces ("mem0", "mem0 mem1"), as many as fit; "" when
	 * libcxl names none (an endpoint without its driver).
	 */
	char memdevs[96];
};

/*
 * The CXL region named @name or, when @name is NULL, the one whose host
 * physical range [resource, resource + size) holds @addr. libcxl reads
 * /sys and nothing else. Returns 0, -ENOENT when no region matches,
 * -EOPNOTSUPP in a build without libcxl, or the -errno of cxl_new().
 */
int zd_cxl_region_find(const char *name, unsigned long long addr, struct zd_cxl_region *out);

#endif
