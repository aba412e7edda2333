// SPDX-License-Identifier: GPL-2.0-only
/*
 * The check table. Adding a check is adding a row; names are stable because
 * scripts, expectations files and xfstests wrappers select by them.
 */
#include "checks/check.h"

static const struct check rows[] = {
	{
		.name = "fsdax/dax/statx-mapsync",
		.summary = "work files are DAX: statx STATX_ATTR_DAX, MAP_SYNC mapping, "
			   "stores visible to read()",
		.target = TARGET_FSDAX,
		.pin = "none",
		.mutation = "none",
		.expect = "STATX_ATTR_DAX set, MAP_SHARED_VALIDATE|MAP_SYNC maps, "
			  "bytes stored through the mapping read back with pread()",
		.timeout_s = 30,
		.guards = "IS_DAX() inode flag and ->mmap MAP_SYNC validation "
			  "(v5.8 statx DAX attribute, v4.15 MAP_SYNC)",
		.run = check_fsdax_dax,
	},
	{
		.name = "devdax/map/alignment",
		.summary = "device-dax mmap honours the device alignment and refuses "
			   "MAP_PRIVATE (read-only, no data touched)",
		.target = TARGET_DEVDAX,
		.pin = "none",
		.mutation = "none",
		.expect = "aligned MAP_SHARED mapping reads; MAP_PRIVATE and a length "
			  "that is not a multiple of the alignment fail with EINVAL",
		.timeout_s = 30,
		.guards = "drivers/dax/device.c check_vma() and dax_get_unmapped_area()",
		.run = check_devdax_map,
	},
};

const struct check_table zd_checks = { rows, ARRAY_SIZE(rows) };

const char *need_name(enum need need)
{
	switch (need) {
	case NEED_ROOT:
		return "root";
	case NEED_IO_URING:
		return "io_uring";
	case NEED_LIBAIO:
		return "libaio";
	case NEED_LIBPMEM2:
		return "libpmem2";
	}
	return "?";
}
