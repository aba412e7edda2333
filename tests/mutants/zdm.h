/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the zdcheck mutants: each module injects one fault into the
 * running kernel through kprobes and counts how often it fired, so that a
 * mutant that zdcheck "missed" can be told apart from one that was never
 * exercised (/sys/module/zdm_NAME/parameters/hits).
 */
#ifndef ZDM_H
#define ZDM_H

#include <linux/kprobes.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/version.h>

#define ZDM_LOG(fmt, ...) pr_info("zdcheck-mutant %s: " fmt "\n", KBUILD_MODNAME, ##__VA_ARGS__)

/* The device memory @page belongs to: one per pmem namespace. */
static inline struct dev_pagemap *zdm_page_pgmap(struct page *page)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	return page_pgmap(page);
#else
	return page->pgmap;
#endif
}

/* Whether @page belongs to a filesystem DAX device (pmem in fsdax mode). */
static inline bool zdm_page_is_fsdax(struct page *page)
{
	return is_zone_device_page(page) && zdm_page_pgmap(page)->type == MEMORY_DEVICE_FS_DAX;
}

/* Register one kprobe the mutant cannot do without. */
static inline int zdm_register_kprobe(struct kprobe *kp)
{
	int err = register_kprobe(kp);

	if (err)
		ZDM_LOG("no kprobe on %s (%d)", kp->symbol_name, err);
	else
		ZDM_LOG("armed: kprobe on %s", kp->symbol_name);
	return err;
}

/*
 * Register @n kretprobes, skipping the symbols this kernel lacks (renamed,
 * inlined).  Returns how many are armed; the unarmed ones are logged.
 */
static inline int zdm_register_kretprobes(struct kretprobe *rps, int n)
{
	int i, armed = 0, err;

	for (i = 0; i < n; i++) {
		err = register_kretprobe(&rps[i]);
		if (err) {
			ZDM_LOG("no kretprobe on %s (%d)", rps[i].kp.symbol_name, err);
			rps[i].kp.addr = NULL;
			continue;
		}
		ZDM_LOG("armed: kretprobe on %s", rps[i].kp.symbol_name);
		armed++;
	}
	return armed;
}

static inline void zdm_unregister_kretprobes(struct kretprobe *rps, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (rps[i].kp.addr)
			unregister_kretprobe(&rps[i]);
}

#endif
