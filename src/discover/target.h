/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_TARGET_H
#define ZD_TARGET_H

#include <limits.h>
#include <stdbool.h>

#include "discover/region.h"
#include "discover/slowdev.h"
#include "map/journal.h"
#include "zdcheck.h"

enum target_kind {
	TARGET_FSDAX = 1 << 0,
	TARGET_DEVDAX = 1 << 1,
};

/* How the mount asks for DAX; the files themselves are still proven by statx. */
enum dax_mode {
	DAX_OFF, /* no DAX possible: not ext4/xfs, or device without DAX */
	DAX_ALWAYS, /* -o dax, -o dax=always */
	DAX_INODE, /* per-inode FS_XFLAG_DAX (the default on ext4 and xfs) */
	DAX_NEVER, /* -o dax=never */
};

struct mount_info {
	int mount_id;
	unsigned int major, minor;
	char mountpoint[PATH_MAX];
	char fstype[32];
	char source[256];
	char super_options[1024];
	bool read_only;
	bool bdev_dax; /* /sys/dev/block/M:m/queue/dax says the device can */
	enum dax_mode dax;
};

struct target {
	enum target_kind kind;
	char path[PATH_MAX];

	/* fsdax */
	struct mount_info mnt;
	char workdir[PATH_MAX + 32]; /* private directory, removed at the end */
	bool inode_flag; /* FS_XFLAG_DAX set on workdir (dax=inode) */
	bool dax; /* files here proven DAX (false only with --allow-non-dax) */
	bool map_sync; /* and the checks map them with MAP_SYNC: not on ... */
	bool region_async; /* ... an asynchronous region (virtio-pmem) */
	char map_sync_why[192]; /* DAX without MAP_SYNC: why the kernel refuses it */
	struct nd_region_info nd; /* the nd region behind the mount (nd.region "" if none) */
	char nd_why[256]; /* why there is none */

	/* O_DIRECT pins read from here (fd -1 when there is none). */
	struct slowdev slow;
	bool keep;

	/* devdax */
	char devname[64];
	char region[64];
	unsigned int dev_major, dev_minor;
	unsigned long long size;
	unsigned long align;
	char uuid[JOURNAL_UUID_LEN]; /* stable id of its memory, "" if none */
	/* libndctl's namespace of it; "" if none, and then libpmem2 cannot map it */
	char nd_namespace[32];
	unsigned long long phys, phys_len; /* its first range of memory, 0 if unknown */
	int lock_fd; /* held for the whole run: one zdcheck per device */
	unsigned long long window; /* checks write only in [0, window) */
	bool destructive; /* --destructive: nothing saved, teardown allowed */
	struct journal_id saved; /* what the journal holds (length 0: none) */
	char journal[PATH_MAX];
	bool restored; /* the window was put back and its crc32 verified */
	uint32_t crc_after;
};

/*
 * Setup returns ZD_PASSED or the outcome for main() plus a one-line reason in
 * @why; it never prints.
 */
enum zd_outcome fsdax_target_open(struct target *t, const char *user_path,
				  const struct options *o, char *why, size_t len);
enum zd_outcome devdax_target_open(struct target *t, const char *user_path,
				   const struct options *o, char *why, size_t len);
/* The device-dax window: sized, and saved to a journal unless destructive. */
#define DEVDAX_WINDOW (64ULL << 20)
enum zd_outcome devdax_window_open(struct target *t, const struct options *o, char *why,
				   size_t len);
/* The device as a journal names it (window fields zero). */
void devdax_identity(const struct target *t, struct journal_id *id);
/*
 * Puts a device-dax window back from t->journal, after verifying all of
 * it: at the end of a run against the window this run saved, for --restore
 * (t->saved.length 0) against the device, @force allowing another
 * identity. Returns 0 (also when there was nothing to restore) or -errno
 * as journal_restore(), with @why set; -EBUSY never (the lock is held).
 */
int target_restore(struct target *t, bool force, char *why, size_t len);
/* Removes the work directory and the slow device zdcheck built. */
void target_close(struct target *t);

/* What "zdcheck fsdax --clean" found in one zdcheck.XXXXXX directory. */
enum fsdax_clean_what {
	FSDAX_CLEAN_REMOVED,
	FSDAX_CLEAN_IN_USE, /* a live zdcheck, or a check task left stuck, holds it */
	FSDAX_CLEAN_FOREIGN, /* no marker: not a work directory of this zdcheck */
	FSDAX_CLEAN_STUCK, /* its removal hangs in the kernel (left to itself) */
	FSDAX_CLEAN_FAILED,
};
typedef void (*fsdax_clean_fn)(void *arg, const char *dir, enum fsdax_clean_what what,
			       const char *note);
/*
 * Removes the work directories runs killed with SIGKILL left in @dir (its
 * zdcheck.XXXXXX entries with an unlocked marker), each under a deadline,
 * and tells @fn about every one. Returns 0, -EBUSY if a removal failed or
 * hung, or -errno for @dir.
 */
int fsdax_clean(const char *dir, fsdax_clean_fn fn, void *arg);

/* Work files need this much room on an fs-dax mount. */
#define FSDAX_MIN_FREE (64ULL << 20)

int mount_find(const char *path, struct mount_info *m);
/* Calls @fn for each mount until it returns non-zero; returns that value. */
int mount_foreach(int (*fn)(const struct mount_info *m, void *arg), void *arg);
int mount_parse_line(char *line, struct mount_info *m);
void mount_classify(struct mount_info *m);
const char *dax_mode_name(enum dax_mode mode);

#endif
