// SPDX-License-Identifier: GPL-2.0-only
/*
 * The check table. Adding a check is adding a row; names are stable because
 * scripts, expectations files and xfstests wrappers select by them.
 */
#include <stdio.h>

#include "checks/check.h"

#define EXPECT_WAIT                                                                         \
	"the change blocks until the pin is released and ends within the wake limit after " \
	"it; the pinned page keeps its data; kernel log clean"
#define GUARDS_WAIT                                                                              \
	"ext4_break_layouts()/xfs_break_dax_layouts() waiting in dax_layout_busy_page_range(); " \
	"the wake-up on idle (v5.19 \"mm: fix missing wake-up event for FSDAX pages\", "         \
	"v6.15 \"fs/dax: Fix ZONE_DEVICE page reference counts\")"
#define EXPECT_EVICT                                                                     \
	"close() of the last reference evicts the inode: whether it waits is reported; " \
	"the pin must never see another file's data, nothing hangs, kernel log clean"
#define GUARDS_EVICT \
	"dax_break_layout_final() in inode eviction (v6.15); before it, the eviction gap"
/* What a -pmd row adds: its pin must be shown to sit in a PMD mapping. */
#define EXPECT_PMD                                                                          \
	"; the pinned page mapped by a 2 MiB PMD fault (fault_size, from the fs_dax trace " \
	"events or PAGEMAP_SCAN), else skipped; a PMD fault that fell back where a PMD "    \
	"was possible fails"

/* One pin, one layout change, on a 4K PTE mapping and inside a 2M PMD extent. */
#define PIN_MUT(pin_, pname, needs_, mut_, mname, expect_, guards_)                       \
	{ .name = "fsdax/" pname "/" mname,                                               \
	  .summary = pname " pin on a 4K PTE mapping, then " mname,                       \
	  .target = TARGET_FSDAX,                                                         \
	  .needs = needs_,                                                                \
	  .pin = &pin_,                                                                   \
	  .mutation = &mut_,                                                              \
	  .expect = expect_,                                                              \
	  .timeout_s = 60,                                                                \
	  .guards = guards_,                                                              \
	  .run = check_fsdax_pin },                                                       \
	{                                                                                 \
		.name = "fsdax/" pname "-pmd/" mname,                                     \
		.summary = pname " pin inside a 2M PMD mapping, then " mname,             \
		.target = TARGET_FSDAX, .needs = needs_, .pin = &pin_, .mutation = &mut_, \
		.flags = CHECK_PMD, .expect = expect_ EXPECT_PMD, .timeout_s = 60,        \
		.guards = guards_, .run = check_fsdax_pin                                 \
	}

#define PIN_ALL(pin_, pname, needs_)                                                          \
	PIN_MUT(pin_, pname, needs_, mut_truncate_0, "truncate-0", EXPECT_WAIT, GUARDS_WAIT), \
		PIN_MUT(pin_, pname, needs_, mut_truncate_mid, "truncate-mid", EXPECT_WAIT,   \
			GUARDS_WAIT),                                                         \
		PIN_MUT(pin_, pname, needs_, mut_punch_hole, "punch-hole", EXPECT_WAIT,       \
			GUARDS_WAIT),                                                         \
		PIN_MUT(pin_, pname, needs_, mut_zero_range, "zero-range", EXPECT_WAIT,       \
			GUARDS_WAIT),                                                         \
		PIN_MUT(pin_, pname, needs_, mut_collapse_range, "collapse-range",            \
			EXPECT_WAIT, GUARDS_WAIT),                                            \
		PIN_MUT(pin_, pname, needs_, mut_insert_range, "insert-range", EXPECT_WAIT,   \
			GUARDS_WAIT),                                                         \
		PIN_MUT(pin_, pname, needs_, mut_clone_range, "clone-range", EXPECT_WAIT,     \
			GUARDS_WAIT),                                                         \
		PIN_MUT(pin_, pname, needs_, mut_evict, "evict", EXPECT_EVICT, GUARDS_EVICT)

/* A pin on device-dax memory: taken, held, let go; the data it moved checked. */
#define DEVDAX_PIN(pin_, pname, needs_, expect_)                                              \
	{                                                                                     \
		.name = "devdax/" pname "/hold",                                              \
		.summary = pname " pin on a device-dax page, held and released",              \
		.target = TARGET_DEVDAX, .needs = needs_, .pin = &pin_, .flags = CHECK_ALONE, \
		.expect = expect_ "; clean kernel log", .timeout_s = 60,                      \
		.guards = "device-dax page references (idle at 1; folio refs on faults "      \
			  "since v6.15)",                                                     \
		.run = check_devdax_pin                                                       \
	}

/* Disable the device while a pin of this route holds one of its pages. */
#define DEVDAX_TEARDOWN(pin_, pname, needs_, while_)                                                                  \
	{                                                                                                             \
		.name = "devdax/teardown/disable-" pname,                                                             \
		.summary = "disable the device while " while_ "; let go after; "                                      \
			   "re-enable it",                                                                            \
		.target = TARGET_DEVDAX, .needs = NEED_ROOT | NEED_DESTRUCTIVE | needs_,                              \
		.pin = &pin_, .flags = CHECK_ALONE,                                                                   \
		.expect =                                                                                             \
			"disable waits or not (observed); SIGBUS on the old mapping; "                                \
			"letting go afterwards is harmless; the re-enabled device "                                   \
			"works; clean kernel log", /* Done in a second; a kernel that lost the read costs no more. */ \
			.timeout_s = 30,                                                                              \
		.guards = "page references outliving their dev_pagemap (unbind does "                                 \
			  "not wait for GUP pins)",                                                                   \
		.run = check_devdax_teardown                                                                          \
	}

/*
 * Every device-dax check runs alone: they all write or map the same window
 * of the one device, and the last ones reconfigure or unbind it.
 */
static const struct check rows[] = {
	{
		.name = "fsdax/dax/statx-mapsync",
		.summary = "work files are DAX: statx STATX_ATTR_DAX, MAP_SYNC mapping "
			   "(refused on an asynchronous region), stores visible to read()",
		.target = TARGET_FSDAX,
		.expect = "STATX_ATTR_DAX set, MAP_SHARED_VALIDATE|MAP_SYNC maps (is refused "
			  "with EOPNOTSUPP on virtio-pmem), bytes stored through the mapping "
			  "read back with pread()",
		.timeout_s = 30,
		.guards = "IS_DAX() inode flag and ->mmap MAP_SYNC validation "
			  "(v5.8 statx DAX attribute, v4.15 MAP_SYNC)",
		.run = check_fsdax_dax,
	},
	{
		.name = "fsdax/dax/pfn-in-region",
		.summary = "the file's mapped page frames lie inside the nd region's memory: "
			   "pagemap PFNs vs the region's resource",
		.target = TARGET_FSDAX,
		.needs = NEED_PAGEMAP_PFN,
		.expect = "every page of a written 2 MiB work file is mapped at a page frame "
			  "inside [resource, resource + size) of the nd region behind the "
			  "mount (sysfs); SKIP when pagemap hides frame numbers "
			  "(CAP_SYS_ADMIN) or the device is no pmem disk of a region",
		.timeout_s = 30,
		.guards = "dax_iomap_pte_fault()/dax_iomap_pmd_fault() inserting the pfn "
			  "dax_direct_access() gives for the file's block, never a page-cache "
			  "page (the fs-dax fault path, also where MAP_SYNC is refused)",
		.run = check_fsdax_pfn,
	},
	{
		.name = "fsdax/dax/pmd-punch-refault",
		.summary = "write faults on a PMD-mapped 2M extent after a page of it was "
			   "punched: the large fs-dax folio splits back into pages cleanly",
		.target = TARGET_FSDAX,
		.flags = CHECK_PMD,
		.expect = "the extent written through a PMD mapping, one page punched out of "
			  "its middle, every page written through the mapping again, nothing "
			  "in the kernel log, and pread() returns what the faults stored; the "
			  "first fault shown to map a 2 MiB PMD (fault_size, from the fs_dax "
			  "trace events or PAGEMAP_SCAN), else skipped",
		.timeout_s = 30,
		.guards = "dax_folio_put() splitting a large fs-dax folio into pages when its "
			  "entry goes (v6.15); 6.15-rc1 kept the old order and the next write "
			  "fault crashed in __lruvec_stat_mod_folio() (fixed in 6.15-rc3/rc4, "
			  "\"fs/dax: fix folio splitting issue by resetting old folio order + "
			  "_nr_pages\")",
		.run = check_fsdax_refault,
	},
	{
		.name = "fsdax/dax/pmd-cow-write",
		.summary = "pwrite() over a 2M extent shared by reflink and read through a "
			   "PMD mapping: the copy on write leaves the mapping the new data",
		.target = TARGET_FSDAX,
		.flags = CHECK_PMD,
		.expect = "an extent cloned from another file (FICLONERANGE, else skipped) "
			  "read through a PMD mapping, then written by pwrite(): the mapping "
			  "and pread() show the new data, the other file keeps its own, "
			  "nothing in the kernel log; the read fault shown to map a 2 MiB "
			  "PMD (fault_size), else skipped",
		.timeout_s = 30,
		.guards =
			"copy on write of a DAX extent (dax_iomap_iter() with IOMAP_F_SHARED) "
			"dropping the old entries with invalidate_inode_pages2_range() while "
			"a PMD maps them: dax_folio_put() (v6.15) warns that the large folio "
			"it splits is still referenced",
		.run = check_fsdax_cow,
	},
	{
		.name = "devdax/map/alignment",
		.summary = "device-dax mmap honours the device alignment and refuses "
			   "MAP_PRIVATE (read-only, no data touched)",
		.target = TARGET_DEVDAX,
		.flags = CHECK_ALONE,
		.expect = "aligned MAP_SHARED mapping reads, its fault served at the alignment "
			  "(seen as root through dynamic debug) from the device's own first "
			  "page frames (as root, through pagemap); MAP_PRIVATE and a length "
			  "that is not a multiple of the alignment fail with EINVAL",
		.timeout_s = 30,
		.guards = "drivers/dax/device.c check_vma() and dax_get_unmapped_area()",
		.run = check_devdax_map,
	},
	{
		.name = "devdax/data/pmem2",
		.summary =
			"the window written through libpmem2 (stored in place, persisted) reads back "
			"the same through a second mapping and from a forked child",
		.target = TARGET_DEVDAX,
		.needs = NEED_LIBPMEM2,
		.flags = CHECK_ALONE,
		.expect = "every byte of the window matches the pattern in all three views",
		.timeout_s = 120,
		.guards = "device-dax fault paths (dev_dax_huge_fault) mapping the same pages "
			  "for every mapping and process",
		.run = check_devdax_data,
	},
	DEVDAX_PIN(pin_vmsplice, "vmsplice", 0, "the pipe gives back the page's data"),
	DEVDAX_PIN(pin_dio_aio, "aio", NEED_LIBAIO | NEED_SLOW_BDEV,
		   "the delayed read's data arrives intact in the page"),
	DEVDAX_PIN(pin_dio_uring, "uring", NEED_IO_URING | NEED_SLOW_BDEV,
		   "the delayed read's data arrives intact in the page"),
	DEVDAX_PIN(pin_dio_pread, "pread", NEED_SLOW_BDEV,
		   "the delayed read's data arrives intact in the page"),
	{
		.name = "devdax/uring-register/fixed-read",
		.summary =
			"io_uring IORING_REGISTER_BUFFERS on device-dax: accepted or refused "
			"(observed), and a fixed read through it",
		.target = TARGET_DEVDAX,
		.needs = NEED_IO_URING,
		.flags = CHECK_ALONE,
		.expect = "refused, or accepted with a READ_FIXED that lands the right bytes "
			  "and a clean unregister",
		.timeout_s = 30,
		.guards =
			"io_uring's long-term pin of device-dax pages (accepted since io_uring "
			"stopped refusing non-shmem file mappings)",
		.run = check_devdax_register,
	},
	/* Destructive, and last: these reconfigure or unbind the device. */
	{
		.name = "devdax/align/4k",
		.summary = "reconfigure the device to 4K alignment, run the mapping and pin "
			   "checks there, and put the alignment back",
		.target = TARGET_DEVDAX,
		.needs = NEED_ROOT | NEED_DESTRUCTIVE,
		/* for the pin checks it repeats */
		.uses = NEED_LIBAIO | NEED_IO_URING | NEED_SLOW_BDEV,
		.flags = CHECK_ALONE,
		.expect = "the device takes 4K (libdaxctl, or a libndctl namespace claim); "
			  "devdax/map/alignment and devdax/*/hold pass at 4K with 4K faults; "
			  "the original alignment and size come back",
		.timeout_s = 120,
		.guards = "dev_dax align and the PTE fault path (__dev_dax_pte_fault)",
		.run = check_devdax_align,
	},
	{
		.name = "devdax/align/1g",
		.summary = "the same at 1G alignment, where the region allows it",
		.target = TARGET_DEVDAX,
		.needs = NEED_ROOT | NEED_DESTRUCTIVE,
		/* for the pin checks it repeats */
		.uses = NEED_LIBAIO | NEED_IO_URING | NEED_SLOW_BDEV,
		.flags = CHECK_ALIGN_1G | CHECK_ALONE,
		.expect = "the mapping and pin checks pass at 1G with 1G faults; the original "
			  "alignment and size come back (SKIP when the region offers no 1G)",
		.timeout_s = 120,
		.guards = "PUD faults of device-dax (__dev_dax_pud_fault)",
		.run = check_devdax_align,
	},
	{
		.name = "devdax/teardown/disable-mapped",
		.summary = "disable the device (unbind) while it is mapped; re-enable it",
		.target = TARGET_DEVDAX,
		.needs = NEED_ROOT | NEED_DESTRUCTIVE,
		.flags = CHECK_ALONE,
		.expect =
			"the old mapping raises SIGBUS, a new mmap fails, the re-enabled device "
			"maps and keeps its data; clean kernel log",
		.timeout_s = 60,
		.guards =
			"kill_dev_dax() zapping user mappings on unbind; dax_alive() in dax_mmap",
		.run = check_devdax_teardown,
	},
	DEVDAX_TEARDOWN(pin_dio_aio, "aio", NEED_LIBAIO | NEED_SLOW_BDEV,
			"an O_DIRECT read into one of its pages is queued"),
	DEVDAX_TEARDOWN(pin_vmsplice, "vmsplice", 0, "a vmsplice pin holds one of its pages"),
	PIN_ALL(pin_vmsplice, "vmsplice", 0),
	PIN_ALL(pin_dio_aio, "aio", NEED_LIBAIO | NEED_SLOW_BDEV),
	PIN_ALL(pin_dio_uring, "uring", NEED_IO_URING | NEED_SLOW_BDEV),
	PIN_ALL(pin_dio_pread, "pread", NEED_SLOW_BDEV),
	{
		.name = "fsdax/uring-register/longterm",
		.summary =
			"io_uring IORING_REGISTER_BUFFERS over a 4K page of a DAX file is refused",
		.target = TARGET_FSDAX,
		.needs = NEED_IO_URING,
		.expect =
			"EOPNOTSUPP: a FOLL_LONGTERM pin of fs-dax memory could never be waited for",
		.timeout_s = 30,
		.guards =
			"check_vma_flags()/vma_is_fsdax() refusing FOLL_LONGTERM (v5.9 "
			"\"mm/gup: disallow FOLL_LONGTERM GUP-nonfast writing to file-backed mappings\" "
			"and earlier fsdax checks)",
		.run = check_fsdax_register,
	},
	{
		.name = "fsdax/uring-register-pmd/longterm",
		.summary =
			"io_uring IORING_REGISTER_BUFFERS over a 2M PMD-mapped extent is refused",
		.target = TARGET_FSDAX,
		.needs = NEED_IO_URING,
		.flags = CHECK_PMD,
		.expect =
			"EOPNOTSUPP: a FOLL_LONGTERM pin of fs-dax memory could never be waited "
			"for" EXPECT_PMD,
		.timeout_s = 30,
		.guards = "check_vma_flags()/vma_is_fsdax() refusing FOLL_LONGTERM",
		.run = check_fsdax_register,
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
	case NEED_SLOW_BDEV:
		return "slow-bdev";
	case NEED_DESTRUCTIVE:
		return "destructive";
	case NEED_PAGEMAP_PFN:
		return "pagemap-pfn";
	}
	return "?";
}

/* The mapping and the pin checks: the paths a new alignment changes. */
bool check_repeated_at_align(const struct check *row)
{
	return row->target == TARGET_DEVDAX &&
	       (row->run == check_devdax_map || row->run == check_devdax_pin);
}

/* How many pins @c holds one after the other. */
static unsigned int pins_held(const struct check *c)
{
	unsigned int n = 0;
	size_t i;

	if (c->run != check_devdax_align)
		return c->pin != NULL;
	for (i = 0; i < zd_checks.n; i++)
		n += check_repeated_at_align(&zd_checks.rows[i]) && zd_checks.rows[i].pin;
	return n;
}

unsigned long long check_verdict_ms(const struct check *c, const struct options *o)
{
	unsigned long long ms = CHECK_SETUP_MS + (unsigned long long)pins_held(c) * o->hold_ms;

	if (c->mutation)
		ms += (o->wake_limit_s + CHECK_RECHECK_S) * 1000ULL;
	return ms;
}

void check_verdict_explain(const struct check *c, const struct options *o, char *buf,
			   size_t len)
{
	unsigned int pins = pins_held(c);
	size_t n = 0;

	if (pins > 1)
		n += snprintf(buf + n, len - n, "%u x ", pins);
	if (pins)
		n += snprintf(buf + n, len - n, "--hold %u ms + ", o->hold_ms);
	if (n < len && c->mutation)
		n += snprintf(buf + n, len - n, "--wake-limit %u s + %d s to re-check + ",
			      o->wake_limit_s, CHECK_RECHECK_S);
	if (n < len)
		snprintf(buf + n, len - n, "%d s to set up", CHECK_SETUP_MS / 1000);
}

unsigned int check_deadline_s(const struct check *c, const struct options *o)
{
	const struct options defaults = { .hold_ms = ZD_HOLD_MS_DEFAULT,
					  .wake_limit_s = ZD_WAKE_LIMIT_S_DEFAULT };
	unsigned long long want = check_verdict_ms(c, o), base = check_verdict_ms(c, &defaults);
	unsigned int own = c->timeout_s * options_timeout_scale(o);

	if (want <= base)
		return own;
	return own + (unsigned int)((want - base + 999) / 1000);
}
