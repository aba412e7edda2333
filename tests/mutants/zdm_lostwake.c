// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "lost wake-up": when a pinned fs-dax page becomes idle, the
 * wake-up is sent nowhere, so a truncate or punch hole waiting in break
 * layouts sleeps until a signal (or forever, where the wait is
 * uninterruptible).  The bug class of 5.19-rc8 "mm: fix missing wake-up
 * event for FSDAX pages".
 *
 * Hook: a kprobe on wake_up_var() (kernel/sched/wait_bit.c, every version)
 * that points its argument at a private variable when it is the one the
 * break-layouts waiter sleeps on:
 *   6.1:   &page->_refcount, woken by __put_devmap_managed_page_refs() on
 *          the 2 -> 1 transition; waited on by ext4_break_layouts() and
 *          xfs_break_dax_layouts() (___wait_var_event(&page->_refcount));
 *   6.12:  &folio->_refcount, from __put_devmap_managed_folio_refs(); the
 *          same waiters;
 *   6.15+: the page itself, from free_zone_device_folio() for
 *          MEMORY_DEVICE_FS_DAX when the count reaches 0; waited on by
 *          dax_break_layout() and dax_break_layout_final() (wait_page_idle).
 * The three put paths differ by version and do more than wake (the 6.15+
 * one frees the folio); wake_up_var() is the one function all of them call,
 * and skipping only the wake-up leaves the reference counts right.
 * Device-dax pages (MEMORY_DEVICE_GENERIC) are left alone.
 */
#include <linux/module.h>
#include <linux/stddef.h>

#include "zdm.h"

/*
 * zdm_rarewake.c includes this file with ZDM_EVERY 20: a kernel that loses
 * one wake-up in twenty, which a single run of the checks may not meet.
 */
#ifndef ZDM_EVERY
#define ZDM_EVERY 1
#define ZDM_WHAT "the wake-up of an idle fs-dax page is lost"
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define WAKE_VAR_OFFSET 0
#else
#define WAKE_VAR_OFFSET offsetof(struct page, _refcount)
#endif

static unsigned int hits, seen;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "fs-dax wake-ups sent nowhere");

/* Nobody waits on this. */
static int sink;

static bool is_fsdax_wake_var(unsigned long var)
{
	unsigned long base = (unsigned long)vmemmap, a = var - WAKE_VAR_OFFSET;
	unsigned long pfn;

	if (a < base || (a - base) % sizeof(struct page))
		return false;
	pfn = (a - base) / sizeof(struct page);
	return pfn_valid(pfn) && zdm_page_is_fsdax(pfn_to_page(pfn));
}

static int lostwake_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (is_fsdax_wake_var(regs->di) && ++seen % ZDM_EVERY == 0) {
		regs->di = (unsigned long)&sink;
		hits++;
	}
	return 0;
}

static struct kprobe kp = {
	.symbol_name = "wake_up_var",
	.pre_handler = lostwake_pre,
};

static int __init lostwake_init(void)
{
	return zdm_register_kprobe(&kp);
}

static void __exit lostwake_exit(void)
{
	unregister_kprobe(&kp);
}

module_init(lostwake_init);
module_exit(lostwake_exit);
MODULE_DESCRIPTION("zdcheck mutant: " ZDM_WHAT);
MODULE_LICENSE("GPL");
