// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "long-term pin accepted": a FOLL_LONGTERM pin (io_uring
 * IORING_REGISTER_BUFFERS) of fs-dax pages is let through, so a device may
 * hold them for ever while the filesystem waits to free the blocks.
 *
 * Hooks:
 *   check_vma_flags() (mm/gup.c, every version; static but not inlined in
 *     the Debian builds): a kretprobe turns its -EOPNOTSUPP for
 *     FOLL_LONGTERM on a vma_is_fsdax() mapping into 0.  GUP-fast refuses
 *     such pages too and falls back to this slow path.  From 6.15
 *     folio_is_longterm_pinnable() is false for fs-dax folios as well, but
 *     collect_longterm_unpinnable_folios() only moves LRU folios, so the pin
 *     stands without a migration.
 *   vma_is_shmem() while io_pin_pages() runs (6.1 only: io_uring's own
 *     "don't support file backed memory" loop, removed in 6.5): a
 *     kretprobe answers true for fs-dax mappings.  Optional: a kernel
 *     without these symbols needs only the first hook.
 */
#include <linux/fs.h>
#include <linux/module.h>

#include "zdm.h"

static unsigned int hits;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "long-term pin refusals turned into success");

struct cvf_args {
	struct vm_area_struct *vma;
	unsigned long gup_flags;
};

static int cvf_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cvf_args *a = (struct cvf_args *)ri->data;

	a->vma = (struct vm_area_struct *)regs->di;
	a->gup_flags = regs->si;
	return 0;
}

static int cvf_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cvf_args *a = (struct cvf_args *)ri->data;

	if ((long)regs_return_value(regs) == -EOPNOTSUPP && (a->gup_flags & FOLL_LONGTERM) &&
	    vma_is_fsdax(a->vma)) {
		regs_set_return_value(regs, 0);
		hits++;
	}
	return 0;
}

/* The task inside io_pin_pages(), if any (6.1). */
static struct task_struct *pinning;

static int iopin_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	WRITE_ONCE(pinning, current);
	return 0;
}

static int iopin_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	WRITE_ONCE(pinning, NULL);
	return 0;
}

static int shmem_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(struct vm_area_struct **)ri->data = (struct vm_area_struct *)regs->di;
	return 0;
}

static int shmem_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = *(struct vm_area_struct **)ri->data;

	if (READ_ONCE(pinning) == current && !regs_return_value(regs) && vma_is_fsdax(vma)) {
		regs_set_return_value(regs, 1);
		hits++;
	}
	return 0;
}

static struct kretprobe cvf = {
	.kp.symbol_name = "check_vma_flags",
	.entry_handler = cvf_entry,
	.handler = cvf_ret,
	.data_size = sizeof(struct cvf_args),
};

static struct kretprobe io6_1[] = {
	{ .kp.symbol_name = "io_pin_pages", .entry_handler = iopin_entry, .handler = iopin_ret },
	{ .kp.symbol_name = "vma_is_shmem",
	  .entry_handler = shmem_entry,
	  .handler = shmem_ret,
	  .data_size = sizeof(struct vm_area_struct *) },
};

static bool io6_1_armed;

static int __init longterm_init(void)
{
	int err = register_kretprobe(&cvf);

	if (err) {
		ZDM_LOG("no kretprobe on %s (%d)", cvf.kp.symbol_name, err);
		return err;
	}
	ZDM_LOG("armed: kretprobe on %s", cvf.kp.symbol_name);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	io6_1_armed = zdm_register_kretprobes(io6_1, ARRAY_SIZE(io6_1)) > 0;
#endif
	return 0;
}

static void __exit longterm_exit(void)
{
	if (io6_1_armed)
		zdm_unregister_kretprobes(io6_1, ARRAY_SIZE(io6_1));
	unregister_kretprobe(&cvf);
}

module_init(longterm_init);
module_exit(longterm_exit);
MODULE_DESCRIPTION("zdcheck mutant: FOLL_LONGTERM pins of fs-dax pages accepted");
MODULE_LICENSE("GPL");
