// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "leaked reference": when a pipe buffer that vmsplice() filled with
 * an fs-dax page is released, one reference on the page is not dropped, so
 * the page never becomes idle again.  A truncate or punch hole waiting in
 * break layouts then waits for ever, and a signal does not help (unlike a
 * lost wake-up: the page really is still referenced); from 6.15 the
 * eviction of the file waits for ever too, uninterruptibly
 * (dax_break_layout_final()), so whoever unlinks it last hangs in D state.
 * Before 6.15 eviction does not wait, and dax_disassociate_entry() warns
 * once that it frees a page whose count is still above 1.
 *
 * Hook: a kprobe on page_cache_pipe_buf_release() (fs/splice.c, every VM
 * kernel: static, but out of line because user_page_pipe_buf_ops and
 * page_cache_pipe_buf_ops point at it).  vmsplice_to_pipe() ->
 * iter_to_pipe() fills user_page_pipe_buf_ops buffers with the pages
 * iov_iter_get_pages2() took a reference on; pipe_buf_release() (a read
 * that empties the buffer, or the pipe's last close) calls ->release,
 * which is put_page(buf->page) on 6.1, 6.12 and 7.x alike.  The handler
 * takes one reference more before that put.  Splice from the page cache
 * uses the same function, but a DAX file has no page cache: only vmsplice
 * puts fs-dax pages into a pipe.  Device-dax pages are left alone.
 *
 * Once per filesystem (keyed by the page's dev_pagemap: each filesystem of
 * the test bed is on a pmem namespace of its own): the first fs-dax
 * vmsplice check of each target finds the leak, the page stays referenced
 * for good, and from 6.15 every leak leaves one task in D state for the
 * rest of the boot.  One per filesystem makes each row of the mutation
 * table stand on its own and keeps that to one task per target.
 */
#include <linux/module.h>
#include <linux/pipe_fs_i.h>

#include "zdm.h"

static unsigned int hits;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "fs-dax page references leaked (one per filesystem)");

static struct dev_pagemap *leaked[8];
static DEFINE_SPINLOCK(lock);

/* Whether this is the first fs-dax page of its device released here. */
static bool first_of_its_fs(struct page *page)
{
	struct dev_pagemap *pgmap = zdm_page_pgmap(page);
	unsigned long flags;
	unsigned int i;
	bool first;

	spin_lock_irqsave(&lock, flags);
	for (i = 0; i < hits; i++)
		if (leaked[i] == pgmap)
			break;
	first = i == hits && hits < ARRAY_SIZE(leaked);
	if (first)
		leaked[hits++] = pgmap;
	spin_unlock_irqrestore(&lock, flags);
	return first;
}

static int leak_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct pipe_buffer *buf = (struct pipe_buffer *)regs->si;
	struct page *page = buf->page;

	if (page && zdm_page_is_fsdax(page) && first_of_its_fs(page)) {
		get_page(page);
		ZDM_LOG("leaked a reference on fs-dax pfn %#lx", page_to_pfn(page));
	}
	return 0;
}

static struct kprobe kp = {
	.symbol_name = "page_cache_pipe_buf_release",
	.pre_handler = leak_pre,
};

static int __init leak_init(void)
{
	return zdm_register_kprobe(&kp);
}

static void __exit leak_exit(void)
{
	unregister_kprobe(&kp);
}

module_init(leak_init);
module_exit(leak_exit);
MODULE_DESCRIPTION("zdcheck mutant: a vmsplice pipe buffer leaks its fs-dax page reference");
MODULE_LICENSE("GPL");
