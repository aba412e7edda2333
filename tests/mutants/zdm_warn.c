// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "kernel warning": a WARN on the DAX fault path, the shape of the
 * WARN_ON_ONCE()s in fs/dax.c (dax_associate_entry, dax_insert_entry) that
 * fire when page references go wrong.  It proves zdcheck's kernel log
 * observer end to end: the check that faulted the page must fail with the
 * WARNING line.
 *
 * Hook: a kprobe on dax_iomap_fault() (fs/dax.c, exported, every version;
 * ext4_dax_huge_fault() and xfs_dax_fault() call it for every fs-dax page
 * fault; its first argument is the struct vm_fault) whose handler warns once
 * per filesystem.
 */
#include <linux/fs.h>
#include <linux/module.h>

#include "zdm.h"

static unsigned int hits;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "warnings raised (one per filesystem)");

/* Once per filesystem, so that each target's run sees its own. */
static struct super_block *warned[8];

static int warn_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct vm_fault *vmf = (struct vm_fault *)regs->di;
	struct super_block *sb = file_inode(vmf->vma->vm_file)->i_sb;
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, hits, ARRAY_SIZE(warned)); i++)
		if (warned[i] == sb)
			return 0;
	if (hits < ARRAY_SIZE(warned))
		warned[hits] = sb;
	hits++;
	WARN(1, "zdcheck mutant: warning on the DAX fault path (%s)\n", sb->s_id);
	return 0;
}

static struct kprobe kp = {
	.symbol_name = "dax_iomap_fault",
	.pre_handler = warn_pre,
};

static int __init warn_init(void)
{
	return zdm_register_kprobe(&kp);
}

static void __exit warn_exit(void)
{
	unregister_kprobe(&kp);
}

module_init(warn_init);
module_exit(warn_exit);
MODULE_DESCRIPTION("zdcheck mutant: a WARN on the DAX fault path");
MODULE_LICENSE("GPL");
