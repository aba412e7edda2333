// SPDX-License-Identifier: GPL-2.0-only
/*
 * An fs-dax target is a private directory zdcheck creates on a DAX mount.
 * Nothing outside it is ever touched, and it is removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discover/lock.h"
#include "discover/target.h"
#include "map/dax.h"
#include "map/pagemap.h"
#include "run/child.h"
#include "run/remove.h"

#ifndef FS_XFLAG_DAX
#define FS_XFLAG_DAX 0x00008000
#endif

static const char *why_not_dax(const struct mount_info *m)
{
	if (strcmp(m->fstype, "ext4") && strcmp(m->fstype, "xfs") && strcmp(m->fstype, "ext2"))
		return "the filesystem has no fs-dax support";
	if (m->dax == DAX_NEVER)
		return "mounted with dax=never";
	return "mounted without dax and the block device does not support DAX";
}

/*
 * dax=inode gives DAX only to inodes with FS_XFLAG_DAX, which new files
 * inherit from their directory: set it once on the work directory.
 */
static int set_inode_dax(const char *dir)
{
	struct fsxattr fa;
	int fd, ret = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) == 0) {
		fa.fsx_xflags |= FS_XFLAG_DAX;
		if (ioctl(fd, FS_IOC_FSSETXATTR, &fa))
			ret = -errno;
	} else {
		ret = -errno;
	}
	close(fd);
	return ret;
}

/*
 * A work directory is zdcheck's once it holds this file, locked for as long
 * as the run (and any check task it left stuck) lives: "zdcheck fsdax
 * --clean" removes only marked directories whose lock nobody holds.
 */
#define MARKER ".zdcheck"
#define WORKDIR_PREFIX "zdcheck."
#define WORKDIR_SUFFIX_LEN 6 /* mkdtemp()'s XXXXXX */

static int mark_workdir(const char *dir)
{
	char path[PATH_MAX + 64], text[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/" MARKER, dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "zdcheck %d\n", (int)getpid());
	if (write(fd, text, n) != n || flock(fd, LOCK_EX | LOCK_NB)) {
		n = errno ? -errno : -EIO;
		close(fd);
		return n;
	}
	return fd;
}

/*
 * MAP_SYNC was refused with EOPNOTSUPP, as on a non-DAX file: asks the
 * page frames of @fd's pages whether they lie in the region's memory.
 */
static void witness_frames(const struct target *t, int fd, size_t len, struct dax_proof *p)
{
	const struct nd_region_info *nd = &t->nd;
	char seen_text[160];
	struct pfn_seen seen;
	void *map;
	int ret;

	if (!nd->at.region[0]) {
		snprintf(p->witness, sizeof(p->witness), "page frame witness unavailable: %s",
			 t->nd_why);
		return;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(p->witness, sizeof(p->witness),
			 "page frame witness unavailable: mmap: %s", strerror(errno));
		return;
	}
	ret = pfn_witness(map, len, nd->start, nd->size, &seen);
	munmap(map, len);
	if (ret) {
		snprintf(p->witness, sizeof(p->witness),
			 "page frame witness unavailable: /proc/self/pagemap: %s",
			 strerror(-ret));
		return;
	}
	pfn_seen_describe(&seen, seen_text, sizeof(seen_text));
	p->frames_in_region = seen.verdict == PFN_INSIDE;
	snprintf(p->witness, sizeof(p->witness), "page frames %s %s %s [0x%llx-0x%llx): %s%s",
		 seen.verdict == PFN_INSIDE ? "inside" :
		 seen.verdict == PFN_HIDDEN ? "unavailable for" :
					      "not inside",
		 nd->at.provider, nd->at.region, nd->start, nd->start + nd->size, seen_text,
		 p->frames_in_region && !p->region_async ?
			 ", but that bus is synchronous: MAP_SYNC must map there" :
			 "");
}

/* Creates one file and asks the kernel whether it is DAX. */
static int probe_dax(const struct target *t, struct dax_proof *proof)
{
	char file[PATH_MAX + 64];
	int fd, ret;

	snprintf(file, sizeof(file), "%s/probe", t->workdir);
	fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = ftruncate(fd, 2 << 20) ? -errno : dax_prove_file(fd, 2 << 20, proof);
	proof->region_async = t->nd.at.region[0] && nd_region_async(&t->nd);
	if (!ret && proof->statx_dax && proof->map_sync_err == EOPNOTSUPP)
		witness_frames(t, fd, 2 << 20, proof);
	close(fd);
	unlink(file);
	return ret;
}

/* The longest path zdcheck makes under PATH: "/zdcheck.XXXXXX/NNN.N/statx-mapsync". */
#define WORK_PATH_ROOM 64

enum zd_outcome fsdax_target_open(struct target *t, const char *user_path,
				  const struct options *o, char *why, size_t len)
{
	struct dax_proof proof;
	char detail[sizeof(proof.witness) + 96], tmpl[sizeof(t->workdir)], path[ZD_ABBREV];
	enum dax_verdict verdict;
	struct statvfs sv;
	unsigned long long avail;
	struct stat st;
	int ret;

	memset(t, 0, sizeof(*t));
	t->kind = TARGET_FSDAX;
	t->slow.fd = -1;
	t->lock_fd = -1;
	t->keep = o->keep;
	/* A long path would push the reason out of the one-line message. */
	zd_abbrev(user_path, path, sizeof(path));
	if (!realpath(user_path, t->path) || stat(t->path, &st)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return ZD_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len,
			 "%s: not a directory (fsdax wants a directory on a DAX mount)", path);
		return ZD_USAGE;
	}
	if (strlen(t->path) + WORK_PATH_ROOM >= PATH_MAX) {
		snprintf(why, len,
			 "%s: File name too long for zdcheck's work files under it (%zu + %d "
			 "bytes, PATH_MAX is %d)",
			 path, strlen(t->path), WORK_PATH_ROOM, PATH_MAX);
		return ZD_USAGE;
	}

	ret = mount_find(t->path, &t->mnt);
	if (ret) {
		snprintf(why, len, "%s: cannot find its mount: %s", path, strerror(-ret));
		return ZD_SETUP_BROKEN;
	}
	if ((t->mnt.dax == DAX_OFF || t->mnt.dax == DAX_NEVER) && !o->allow_non_dax) {
		snprintf(why, len, "%s: not on a DAX mount (%s on %s: %s)", path, t->mnt.fstype,
			 t->mnt.source, why_not_dax(&t->mnt));
		return ZD_NOTHING_RAN;
	}
	if (t->mnt.read_only) {
		snprintf(why, len, "%s: read-only mount (%s on %s)", path, t->mnt.fstype,
			 t->mnt.source);
		return ZD_NOTHING_RAN;
	}
	if (statvfs(t->path, &sv) == 0) {
		avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
		if (avail < FSDAX_MIN_FREE) {
			snprintf(why, len, "%s: %llu MiB free, zdcheck needs %llu MiB", path,
				 avail >> 20, FSDAX_MIN_FREE >> 20);
			return ZD_NOTHING_RAN;
		}
	}

	snprintf(tmpl, sizeof(tmpl), "%s/zdcheck.XXXXXX", t->path);
	if (!mkdtemp(tmpl)) {
		snprintf(why, len, "%s: cannot create a work directory: %s", path,
			 strerror(errno));
		return errno == EACCES || errno == EPERM || errno == EROFS || errno == ENOSPC ||
				       errno == EDQUOT ?
			       ZD_NOTHING_RAN :
			       ZD_SETUP_BROKEN;
	}
	snprintf(t->workdir, sizeof(t->workdir), "%s", tmpl);
	t->lock_fd = mark_workdir(t->workdir);
	if (t->lock_fd < 0) {
		snprintf(why, len, "%s: cannot mark the work directory: %s", path,
			 strerror(-t->lock_fd));
		t->keep = false;
		target_close(t);
		return ZD_SETUP_BROKEN;
	}

	if (t->mnt.dax == DAX_INODE && !o->allow_non_dax) {
		ret = set_inode_dax(t->workdir);
		if (ret) {
			snprintf(why, len,
				 "%s: dax=inode mount, but FS_XFLAG_DAX cannot be set: %s",
				 path, strerror(-ret));
			goto not_dax;
		}
		t->inode_flag = true;
	}

	/* The memory behind the mount, whose page frames DAX faults map. */
	if (stat(t->workdir, &st) == 0)
		nd_region_of_bdev("/sys", major(st.st_dev), minor(st.st_dev), &t->nd, t->nd_why,
				  sizeof(t->nd_why));
	ret = probe_dax(t, &proof);
	if (ret) {
		snprintf(why, len, "%s: cannot create a work file: %s", path, strerror(-ret));
		t->keep = false;
		target_close(t);
		return ZD_SETUP_BROKEN;
	}
	/* Out of memory for the probe's mapping says nothing about DAX. */
	if (zd_exhausted(proof.map_sync_err)) {
		snprintf(why, len, "%s: cannot map a work file: %s%s", path,
			 strerror(proof.map_sync_err),
			 zd_limits(zd_limits_for(proof.map_sync_err), detail, sizeof(detail)));
		t->keep = false;
		target_close(t);
		return ZD_SETUP_BROKEN;
	}
	verdict = dax_judge(&proof);
	t->dax = verdict != DAX_NOT;
	t->map_sync = verdict == DAX_SYNC;
	t->region_async = proof.region_async;
	if (t->region_async && t->dax)
		snprintf(t->map_sync_why, sizeof(t->map_sync_why), "%s %s is asynchronous: %s",
			 t->nd.at.provider, t->nd.at.region,
			 verdict == DAX_ASYNC ?
				 "the kernel refuses MAP_SYNC (EOPNOTSUPP) by design" :
				 "MAP_SYNC must be refused there, but the kernel maps it");
	if (!t->dax && o->allow_non_dax)
		return ZD_PASSED; /* the control run: checks see t->dax */
	if (!t->dax) {
		dax_proof_describe(&proof, detail, sizeof(detail));
		snprintf(why, len, "%s: files here are not DAX (%s, dax=%s): %s", path,
			 t->mnt.fstype, dax_mode_name(t->mnt.dax), detail);
		goto not_dax;
	}
	return ZD_PASSED;

not_dax:
	t->keep = false;
	target_close(t);
	return ZD_NOTHING_RAN;
}

/* What is left: the files of checks whose tasks were stuck. They may hang, too. */
static void remove_workdir(const char *dir)
{
	char verdict[PATH_MAX + 128], shown[ZD_ABBREV];
	struct removal rm;
	int ret;

	zd_abbrev(dir, shown, sizeof(shown));
	ret = remove_bounded(dir, REMOVE_TIMEOUT_MS, NULL, &rm);
	if (ret == -ETIMEDOUT) {
		removal_verdict(&rm, verdict, sizeof(verdict));
		zd_err("%s: cannot remove work directory: %s", shown, verdict);
		if (!child_kill_group(rm.pid, 5000))
			zd_err("process group %d is still stuck in the kernel and was left behind",
			       rm.pid);
	} else if (ret) {
		zd_err("%s: cannot remove work directory: %s", shown, strerror(-ret));
	}
}

void target_close(struct target *t)
{
	slowdev_close(&t->slow);
	if (t->kind == TARGET_FSDAX && t->workdir[0]) {
		if (t->keep)
			zd_err("kept work directory %s", t->workdir);
		else
			remove_workdir(t->workdir);
	}
	t->workdir[0] = '\0';
	/* Unlocked only once removed: --clean must not race the removal. */
	if (t->lock_fd >= 0)
		close(t->lock_fd);
	t->lock_fd = -1;
}

/* Whether @name is a directory zdcheck.XXXXXX that mkdtemp() could have made. */
static bool workdir_name(const char *name)
{
	return !strncmp(name, WORKDIR_PREFIX, strlen(WORKDIR_PREFIX)) &&
	       strlen(name) == strlen(WORKDIR_PREFIX) + WORKDIR_SUFFIX_LEN;
}

/* One left-over work directory: removed, in use, or not zdcheck's. */
static void clean_one(int dfd, const char *dir, const char *name, fsdax_clean_fn fn, void *arg,
		      int *failed)
{
	char path[PATH_MAX], note[PATH_MAX + 160], text[64] = "";
	struct removal rm;
	struct stat st;
	pid_t holder;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
		return;
	snprintf(note, sizeof(note), "%s/" MARKER, path);
	fd = open(note, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fn(arg, path, FSDAX_CLEAN_FOREIGN,
		   "no " MARKER " marker: not made by this zdcheck");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (read(fd, text, sizeof(text) - 1) < 0)
		text[0] = '\0';
	text[strcspn(text, "\n")] = '\0';
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		holder = locks_holder_of(fd);
		snprintf(note, sizeof(note), "in use by a running zdcheck%s (pid %d)",
			 holder ? "" : " or a task it left stuck", (int)holder);
		fn(arg, path, FSDAX_CLEAN_IN_USE, note);
		close(fd);
		return;
	}
	ret = remove_bounded(path, REMOVE_TIMEOUT_MS, NULL, &rm);
	if (ret == -ETIMEDOUT) {
		removal_verdict(&rm, note, sizeof(note));
		fn(arg, path, FSDAX_CLEAN_STUCK, note);
		*failed = 1;
	} else if (ret) {
		snprintf(note, sizeof(note), "%s", strerror(-ret));
		fn(arg, path, FSDAX_CLEAN_FAILED, note);
		*failed = 1;
	} else {
		snprintf(note, sizeof(note), "left by %s", text[0] ? text : "zdcheck");
		fn(arg, path, FSDAX_CLEAN_REMOVED, note);
	}
	close(fd);
}

int fsdax_clean(const char *dir, fsdax_clean_fn fn, void *arg)
{
	struct dirent **names;
	int i, n, dfd, failed = 0;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		close(dfd);
		return -errno;
	}
	for (i = 0; i < n; i++) {
		if (workdir_name(names[i]->d_name))
			clean_one(dfd, dir, names[i]->d_name, fn, arg, &failed);
		free(names[i]);
	}
	free(names);
	close(dfd);
	return failed ? -EBUSY : 0;
}
