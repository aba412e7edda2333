/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_REMOVE_H
#define ZD_REMOVE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Removes the tree @dir, writing each entry's path into @at (@len bytes)
 * before removing it; returns 0 or -errno. zd_remove_tree() is the real one.
 */
typedef int (*remove_fn)(const char *dir, char *at, size_t len);

/* How long removing a check's files may take before it counts as stuck. */
#define REMOVE_TIMEOUT_MS 10000

struct removal {
	int err; /* 0, the removal's -errno, or -ETIMEDOUT */
	/*
	 * The remover (0 when none was forked); with -ETIMEDOUT still running,
	 * leading its own process group.
	 */
	pid_t pid;
	/* With -ETIMEDOUT: */
	char at[PATH_MAX]; /* the entry it was removing */
	char state; /* its state letter then */
	char in[128]; /* the kernel function it slept in */
};

/*
 * rm -rf @dir in a child, for at most @timeout_ms. Unlinking the last name
 * of a closed file evicts its inode, and since v6.15 eviction waits, in
 * uninterruptible sleep (dax_break_layout_final()), until every DAX page of
 * the file is idle: a page reference the kernel leaked would hold zdcheck
 * itself for good. @fn is the remover (NULL: zd_remove_tree()). Returns
 * rm->err; with -ETIMEDOUT the child is left as it is, for the caller to
 * describe and kill.
 */
int remove_bounded(const char *dir, unsigned int timeout_ms, remove_fn fn, struct removal *rm);
/*
 * What a stuck removal means, from where the remover sleeps: "removing F is
 * stuck in dax_break_layout_final: a page of it never went idle".
 */
void removal_verdict(const struct removal *rm, char *buf, size_t len);

#endif
