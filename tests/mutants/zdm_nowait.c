// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "no wait": the filesystem's search for busy DAX pages finds none,
 * so truncate, punch hole, collapse/insert/zero range and reflink change the
 * layout while a page of the range is still pinned (and, from 6.15, inode
 * eviction no longer waits either).
 *
 * Hooks: a kretprobe forcing NULL on
 *   dax_layout_busy_page_range()  6.1, 6.12: called by ext4_break_layouts()
 *     and xfs_break_dax_layouts() (through dax_layout_busy_page() or
 *     directly); 6.15+ (7.x): by dax_break_layout(), which ext4, xfs and
 *     dax_break_layout_final() use;
 *   dax_layout_busy_page()        all versions, the whole-file variant, in
 *     case the compiler folded the range search into it.
 * Both are exported from fs/dax.c, so they exist out of line on every kernel.
 */
#include <linux/module.h>

#include "zdm.h"

static unsigned int hits;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "busy pages hidden from the filesystem");

static int nowait_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (regs_return_value(regs)) {
		regs_set_return_value(regs, 0);
		hits++;
	}
	return 0;
}

static struct kretprobe rps[] = {
	{ .kp.symbol_name = "dax_layout_busy_page_range", .handler = nowait_ret },
	{ .kp.symbol_name = "dax_layout_busy_page", .handler = nowait_ret },
};

static int __init nowait_init(void)
{
	if (!zdm_register_kretprobes(rps, ARRAY_SIZE(rps)))
		return -ENOENT;
	return 0;
}

static void __exit nowait_exit(void)
{
	zdm_unregister_kretprobes(rps, ARRAY_SIZE(rps));
}

module_init(nowait_init);
module_exit(nowait_exit);
MODULE_DESCRIPTION("zdcheck mutant: DAX break layouts finds no busy page");
MODULE_LICENSE("GPL");
