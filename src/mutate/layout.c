// SPDX-License-Identifier: GPL-2.0-only
/*
 * Layout changes that must "break layouts": each reaches
 * dax_layout_busy_page_range() through ext4_break_layouts() or
 * xfs_break_dax_layouts() before blocks are freed or moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mutate/mutate.h"

static int ret(int r)
{
	return r ? -errno : 0;
}

static bool size_cut(const struct layout *l)
{
	struct stat st;

	return !fstat(l->fd, &st) && st.st_size <= l->pin_off;
}

static bool size_changed(const struct layout *l)
{
	struct stat st;

	return !fstat(l->fd, &st) && st.st_size != l->size;
}

/* Punching frees blocks: i_blocks drops, and fstat reads it without i_rwsem. */
static bool blocks_freed(const struct layout *l)
{
	struct stat st;

	return !fstat(l->fd, &st) && st.st_blocks < l->blocks;
}

static int truncate_0(struct layout *l)
{
	return ret(ftruncate(l->fd, 0));
}

static int truncate_mid(struct layout *l)
{
	return ret(ftruncate(l->fd, l->range_off));
}

static int punch_hole(struct layout *l)
{
	return ret(fallocate(l->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, l->range_off,
			     (off_t)l->range_len));
}

static int zero_range(struct layout *l)
{
	return ret(fallocate(l->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, l->range_off,
			     (off_t)l->range_len));
}

static int collapse_range(struct layout *l)
{
	return ret(
		fallocate(l->fd, FALLOC_FL_COLLAPSE_RANGE, l->range_off, (off_t)l->range_len));
}

static int insert_range(struct layout *l)
{
	return ret(fallocate(l->fd, FALLOC_FL_INSERT_RANGE, l->range_off, (off_t)l->range_len));
}

/* Reflink over the pinned range: the old blocks are unshared and freed. */
static int clone_range(struct layout *l)
{
	struct file_clone_range fcr = {
		.src_fd = l->clone_src,
		.src_offset = (__u64)l->range_off,
		.src_length = l->range_len,
		.dest_offset = (__u64)l->range_off,
	};

	return ret(ioctl(l->fd, FICLONERANGE, &fcr));
}

/*
 * The last reference to an unlinked file goes away: iput_final() evicts
 * the inode and frees its blocks, still pinned unless the kernel waits in
 * dax_break_layout_final(). The fput of close() runs at syscall exit, so
 * it is close() that blocks.
 */
static int evict(struct layout *l)
{
	int r = unlink(l->path) ? -errno : 0;

	if (!r && munmap(l->map, l->map_len))
		r = -errno;
	l->map = NULL;
	if (close(l->fd) && !r)
		r = -errno;
	l->fd = -1;
	return r;
}

/* Filesystems say "not supported" in several ways; none of them is a wait. */
bool mutation_refused(const struct mutation *m, int ret)
{
	if (ret == -EOPNOTSUPP || ret == -ENOTTY || ret == -EXDEV || ret == -ENOSYS)
		return true;
	return ret == -EINVAL && m->einval_refuses;
}

void layout_aim(struct layout *l, const struct mutation *m, size_t unit, size_t extent)
{
	size_t head = m->effect == EFFECT_END_AT_RANGE ? extent : unit;

	l->range_off = l->pin_off / (off_t)head * (off_t)head;
	l->range_len = unit;
}

/*
 * The mapping of the range goes and comes back, while the page is pinned:
 * the pin keeps the page, and the new mapping must show what the pin's
 * read wrote into it. Nothing waits; on device-dax the range is whole
 * device-alignment units, as its mappings must be.
 */
static int remap(struct layout *l)
{
	void *p;

	if (munmap(l->map + l->range_off, l->range_len))
		return -errno;
	p = mmap(l->map + l->range_off, l->range_len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, l->fd, l->map_off + l->range_off);
	return p == MAP_FAILED ? -errno : 0;
}

const struct mutation mut_truncate_0 = {
	.name = "truncate-0",
	.call = "ftruncate(0)",
	.apply = truncate_0,
	.must_wait = true,
	.visible = size_changed,
	.effect = EFFECT_SIZE_TO_0,
};
const struct mutation mut_truncate_mid = {
	.name = "truncate-mid",
	.call = "ftruncate(mid)",
	.apply = truncate_mid,
	.must_wait = true,
	.visible = size_cut,
	.effect = EFFECT_END_AT_RANGE,
};
const struct mutation mut_punch_hole = {
	.name = "punch-hole",
	.call = "fallocate(PUNCH_HOLE)",
	.apply = punch_hole,
	.must_wait = true,
	.visible = blocks_freed,
	.effect = EFFECT_HOLE,
};
const struct mutation mut_zero_range = {
	.name = "zero-range",
	.call = "fallocate(ZERO_RANGE)",
	.apply = zero_range,
	.must_wait = true,
	.effect = EFFECT_HOLE,
};
const struct mutation mut_collapse_range = {
	.name = "collapse-range",
	.call = "fallocate(COLLAPSE_RANGE)",
	.apply = collapse_range,
	.must_wait = true,
	.visible = size_changed,
	.effect = EFFECT_REMOVE,
	.einval_refuses = true,
};
const struct mutation mut_insert_range = {
	.name = "insert-range",
	.call = "fallocate(INSERT_RANGE)",
	.apply = insert_range,
	.must_wait = true,
	.visible = size_changed,
	.effect = EFFECT_INSERT,
	.einval_refuses = true,
};
const struct mutation mut_clone_range = {
	.name = "clone-range",
	.call = "ioctl(FICLONERANGE)",
	.apply = clone_range,
	.must_wait = true,
	.effect = EFFECT_COPY,
	.einval_refuses = true,
};
const struct mutation mut_evict = {
	.name = "evict",
	.call = "unlink+munmap+close",
	.apply = evict,
	.evicts = true,
	.effect = EFFECT_GONE,
};
const struct mutation mut_remap = {
	.name = "remap",
	.call = "munmap+mmap",
	.apply = remap,
	.effect = EFFECT_NONE,
};
