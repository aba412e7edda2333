// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "long-term pin accepted": a FOLL_LONGTERM pin (io_uring
 * IORING_REGISTER_BUFFERS) of fs-dax pages is let through, so a device may
 * hold them for ever while the filesystem waits to free the blocks.
 *
 * The refusal is check_vma_flags() in mm/gup.c ("FOLL_LONGTERM &&
 * vma_is_fsdax(vma) -> -EOPNOTSUPP", every version), called by the slow
 * path __get_user_pages(); GUP-fast refuses such pages too and falls back to
 * it.  check_vma_flags() has an out-of-line copy on every VM kernel, but
 * 7.x inlines it into __get_user_pages() (a kretprobe on it never fired), so
 * the hook is one step earlier:
 *   __get_user_pages() (6.1, 6.12, 7.x; gup_flags is the 4th argument
 *     everywhere): a kprobe clears FOLL_LONGTERM when the vma at the start
 *     address is fs-dax.  The caller, __gup_longterm_locked(), still treats
 *     the pin as long-term and checks the folios: before 6.15 fs-dax pages
 *     are long-term pinnable there and the pin stands.
 *   collect_longterm_unpinnable_folios() (6.15+: folio_is_longterm_pinnable()
 *     is false for fs-dax, and a folio it cannot isolate for migration makes
 *     the caller retry with -EAGAIN, for ever for fs-dax): a kretprobe
 *     answers "nothing unpinnable" when it isolated nothing, for the task
 *     whose FOLL_LONGTERM was just cleared.  Without it the mutant is a
 *     livelock in io_uring_register(), not an accepted pin.
 *   vma_is_shmem() while io_pin_pages() runs (6.1 only: io_uring's own
 *     "don't support file backed memory" loop, removed in 6.5): a
 *     kretprobe answers true for fs-dax mappings.
 */
#include <linux/fs.h>
#include <linux/module.h>

#include "zdm.h"

static unsigned int hits;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "long-term pins of fs-dax let through");

/* The task whose FOLL_LONGTERM was cleared last. */
static struct task_struct *cleared;

static int gup_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct vm_area_struct *vma;

	if (!(regs->cx & FOLL_LONGTERM))
		return 0;
	/* The caller holds the mmap lock; find_vma() does not sleep. */
	vma = find_vma((struct mm_struct *)regs->di, regs->si);
	if (vma && vma->vm_start <= regs->si && vma_is_fsdax(vma)) {
		regs->cx &= ~(unsigned long)FOLL_LONGTERM;
		WRITE_ONCE(cleared, current);
		hits++;
	}
	return 0;
}

static struct kprobe gup = {
	.symbol_name = "__get_user_pages",
	.pre_handler = gup_pre,
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
static int collect_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(struct list_head **)ri->data = (struct list_head *)regs->di;
	return 0;
}

static int collect_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct list_head *movable = *(struct list_head **)ri->data;

	if (READ_ONCE(cleared) == current && list_empty(movable))
		regs_set_return_value(regs, 0);
	return 0;
}

static struct kretprobe extra[] = {
	{ .kp.symbol_name = "collect_longterm_unpinnable_folios",
	  .entry_handler = collect_entry,
	  .handler = collect_ret,
	  .data_size = sizeof(struct list_head *) },
};
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
/* The task inside io_pin_pages(), if any. */
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

	if (READ_ONCE(pinning) == current && !regs_return_value(regs) && vma_is_fsdax(vma))
		regs_set_return_value(regs, 1);
	return 0;
}

static struct kretprobe extra[] = {
	{ .kp.symbol_name = "io_pin_pages", .entry_handler = iopin_entry, .handler = iopin_ret },
	{ .kp.symbol_name = "vma_is_shmem",
	  .entry_handler = shmem_entry,
	  .handler = shmem_ret,
	  .data_size = sizeof(struct vm_area_struct *) },
};
#else
static struct kretprobe extra[0];
#endif

static int __init longterm_init(void)
{
	int err = zdm_register_kprobe(&gup);

	if (err)
		return err;
	if (ARRAY_SIZE(extra) &&
	    zdm_register_kretprobes(extra, ARRAY_SIZE(extra)) != ARRAY_SIZE(extra)) {
		zdm_unregister_kretprobes(extra, ARRAY_SIZE(extra));
		unregister_kprobe(&gup);
		return -ENOENT;
	}
	return 0;
}

static void __exit longterm_exit(void)
{
	zdm_unregister_kretprobes(extra, ARRAY_SIZE(extra));
	unregister_kprobe(&gup);
}

module_init(longterm_init);
module_exit(longterm_exit);
MODULE_DESCRIPTION("zdcheck mutant: FOLL_LONGTERM pins of fs-dax pages accepted");
MODULE_LICENSE("GPL");
