// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device-dax target is a /dev/daxX.Y character device that libdaxctl knows.
 * Discovery only reads; opening for write is what proves we may use it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include "discover/daxdev.h"
#include "discover/lock.h"
#include "discover/target.h"

#define MAX_DAXDEV 64

enum zd_outcome devdax_target_open(struct target *t, const char *user_path,
				   const struct options *o, char *why, size_t len)
{
	struct daxdev_info devs[MAX_DAXDEV], *d = NULL;
	char lock[PATH_MAX], path[ZD_ABBREV], advice[256];
	const char *name = strrchr(user_path, '/');
	struct stat st;
	pid_t holder;
	int i, n, fd, err;

	memset(t, 0, sizeof(*t));
	t->kind = TARGET_DEVDAX;
	t->slow.fd = -1;
	t->lock_fd = -1;
	snprintf(t->path, sizeof(t->path), "%s", user_path);
	/* A long path would push the reason out of the one-line message. */
	zd_abbrev(user_path, path, sizeof(path));
	/* A missing /dev/daxX.Y may still be a device libdaxctl knows by name. */
	name = name ? name + 1 : user_path;
	err = stat(t->path, &st) ? errno : 0;
	if (err || !S_ISCHR(st.st_mode)) {
		/* kmem took the device, or nothing holds it: say how to get it back. */
		if (daxdev_state_advice(name, daxdev_state_of(name), advice, sizeof(advice))) {
			snprintf(why, len, "%s: %s", path, advice);
			return ZD_NOTHING_RAN;
		}
		if (err)
			snprintf(why, len, "%s: %s", path, strerror(err));
		else
			snprintf(why, len,
				 "%s: not a character device (devdax wants /dev/daxX.Y)", path);
		return ZD_USAGE;
	}

	n = daxdev_list(devs, MAX_DAXDEV);
	if (n < 0) {
		snprintf(why, len, "libdaxctl: %s", strerror(-n));
		return ZD_SETUP_BROKEN;
	}
	for (i = 0; i < n; i++)
		if (devs[i].major == major(st.st_rdev) && devs[i].minor == minor(st.st_rdev))
			d = &devs[i];
	if (!d) {
		snprintf(why, len,
			 "%s: not a device-dax device (char %u:%u; libdaxctl knows %d)", path,
			 major(st.st_rdev), minor(st.st_rdev), n);
		return ZD_USAGE;
	}
	if (daxdev_state_advice(d->devname, d->state, advice, sizeof(advice))) {
		snprintf(why, len, "%s: %s", path, advice);
		return ZD_NOTHING_RAN;
	}

	fd = open(t->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return errno == EACCES || errno == EPERM ? ZD_NOTHING_RAN : ZD_SETUP_BROKEN;
	}
	close(fd);

	snprintf(t->devname, sizeof(t->devname), "%s", d->devname);
	snprintf(t->region, sizeof(t->region), "region%d", d->region_id);
	t->dev_major = d->major;
	t->dev_minor = d->minor;
	t->size = d->size;
	t->align = d->align;
	snprintf(t->uuid, sizeof(t->uuid), "%s", d->uuid);
	snprintf(t->nd_namespace, sizeof(t->nd_namespace), "%s", d->nd_namespace);
	t->phys = d->phys;
	t->phys_len = d->phys_len;
	if (t->size < 2ULL * t->align) {
		snprintf(why, len, "%s: %llu bytes, zdcheck needs at least two %lu-byte pages",
			 path, t->size, t->align);
		return ZD_NOTHING_RAN;
	}
	/* Before anything is saved: a second run would save the first's pattern. */
	t->lock_fd = device_lock(t->devname, &holder, lock, sizeof(lock));
	if (t->lock_fd == -EBUSY) {
		if (holder)
			snprintf(why, len, "%s is in use by another zdcheck, pid %d (%s)", path,
				 (int)holder, lock);
		else
			snprintf(why, len, "%s is in use by another zdcheck (%s)", path, lock);
		return ZD_NOTHING_RAN;
	}
	if (t->lock_fd < 0) {
		snprintf(why, len, "cannot lock %s: %s: %s", path, lock, strerror(-t->lock_fd));
		return ZD_SETUP_BROKEN;
	}
	return ZD_PASSED;
}

/* mkdir -p, each new directory private to the user. */
static int make_dirs(const char *path)
{
	char p[PATH_MAX];
	char *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0700) && errno != EEXIST ? -errno : 0;
}

/*
 * Where journals go unless --journal-dir says: $XDG_STATE_HOME/zdcheck, or
 * ~/.local/state/zdcheck with the home from $HOME or the password database.
 * State, not cache: until it is restored, a journal is the only copy of
 * the user's bytes, and it must survive the crash it exists for.
 */
static int default_journal_dir(char *dir, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (xdg && xdg[0] == '/')
		snprintf(dir, len, "%s/zdcheck", xdg);
	else if (home && home[0] == '/' && strcmp(home, "/"))
		snprintf(dir, len, "%s/.local/state/zdcheck", home);
	else if ((pw = getpwuid(getuid())) && pw->pw_dir[0] == '/' && strcmp(pw->pw_dir, "/"))
		snprintf(dir, len, "%s/.local/state/zdcheck", pw->pw_dir);
	else
		return -ENOENT;
	return make_dirs(dir);
}

/* The sysfs path of the memory region behind a device: ".../ndbus0/region1". */
static bool region_of(const char *sysfs, char *out, size_t len)
{
	char real[PATH_MAX], *r;

	if (!realpath(sysfs, real))
		return false;
	for (r = strstr(real, "/region"); r; r = strstr(r + 1, "/region"))
		if (isdigit((unsigned char)r[7])) {
			r += 7 + strspn(r + 7, "0123456789");
			if (*r && *r != '/')
				continue;
			snprintf(out, len, "%.*s/", (int)(r - real), real);
			return true;
		}
	return false;
}

/* Whether block device @dev, or one it is stacked on, lives in @region. */
static bool block_in_region(dev_t dev, const char *region, int depth)
{
	char path[96], real[PATH_MAX], text[32];
	unsigned int ma, mi;
	struct dirent *de;
	bool in = false;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(path, real))
		return false;
	if (!strncmp(real, region, strlen(region)))
		return true;
	strcat(path, "/slaves");
	d = depth < 8 ? opendir(path) : NULL;
	while (d && !in && (de = readdir(d))) {
		char dev_attr[sizeof(path) + 300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(dev_attr, sizeof(dev_attr), "%s/%s/dev", path, de->d_name);
		if (zd_read_text(dev_attr, text, sizeof(text)) > 0 &&
		    sscanf(text, "%u:%u", &ma, &mi) == 2)
			in = block_in_region(makedev(ma, mi), region, depth + 1);
	}
	if (d)
		closedir(d);
	return in;
}

/* Why @dir cannot keep a journal of @t safely, or NULL. */
static const char *unsafe_journal_dir(const struct target *t, const char *dir)
{
	char sysfs[64], region[PATH_MAX];
	struct statfs sf;
	struct stat st;

	if (statfs(dir, &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC))
		return "it is on a memory filesystem, gone after the crash the journal is for";
	snprintf(sysfs, sizeof(sysfs), "/sys/dev/char/%u:%u", t->dev_major, t->dev_minor);
	if (stat(dir, &st) == 0 && region_of(sysfs, region, sizeof(region)) &&
	    block_in_region(st.st_dev, region, 0))
		return "it is on the memory region under test";
	return NULL;
}

/* Chooses t->journal; ZD_PASSED or the outcome with @why set. */
static enum zd_outcome journal_path(struct target *t, const struct options *o, char *why,
				    size_t len)
{
	char dir[PATH_MAX - 128];
	const char *unsafe;
	struct stat st;
	int ret;

	if (o->journal_dir) {
		snprintf(dir, sizeof(dir), "%s", o->journal_dir);
		ret = stat(dir, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
		if (ret) {
			snprintf(why, len, "--journal-dir %s: %s", dir, strerror(ret));
			return ZD_USAGE;
		}
	} else if ((ret = default_journal_dir(dir, sizeof(dir)))) {
		snprintf(why, len, "no directory for %s's journal (%s): give --journal-dir",
			 t->path, ret == -ENOENT ? "no home directory" : strerror(-ret));
		return ZD_NOTHING_RAN;
	}
	unsafe = unsafe_journal_dir(t, dir);
	if (unsafe && !o->force) {
		snprintf(
			why, len,
			"journal directory %s is unsafe: %s; choose another with --journal-dir "
			"(or --force)",
			dir, unsafe);
		return o->journal_dir ? ZD_USAGE : ZD_NOTHING_RAN;
	}
	if (unsafe)
		zd_err("warning: journal directory %s: %s (--force)", dir, unsafe);
	snprintf(t->journal, sizeof(t->journal), "%s/journal-%s-%d", dir, t->devname, getpid());
	return ZD_PASSED;
}

/* Somebody else's mapping of the device is worth a warning, not a refusal. */
static void warn_if_mapped(const struct target *t)
{
	char maps[64], line[512], want[80];
	struct dirent *de;
	DIR *d = opendir("/proc");
	FILE *f;

	snprintf(want, sizeof(want), " /dev/%s\n", t->devname);
	while (d && (de = readdir(d))) {
		int pid = atoi(de->d_name);

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
		f = fopen(maps, "re");
		while (f && fgets(line, sizeof(line), f)) {
			if (strlen(line) > strlen(want) &&
			    !strcmp(line + strlen(line) - strlen(want), want)) {
				zd_err("warning: /dev/%s is mapped by process %d; zdcheck saves and "
				       "restores only its own window",
				       t->devname, pid);
				break;
			}
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

void devdax_identity(const struct target *t, struct journal_id *id)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->devname, sizeof(id->devname), "%.31s", t->devname);
	snprintf(id->uuid, sizeof(id->uuid), "%s", t->uuid);
	id->major = t->dev_major;
	id->minor = t->dev_minor;
	id->size = t->size;
	id->align = t->align;
}

enum zd_outcome devdax_window_open(struct target *t, const struct options *o, char *why,
				   size_t len)
{
	unsigned long long want = o->size ? o->size : DEVDAX_WINDOW;
	char path[ZD_ABBREV], journal[ZD_ABBREV], lim[128];
	enum zd_outcome out;
	int fd, ret;

	t->window = (want + t->align - 1) / t->align * t->align;
	if (t->window > t->size) {
		snprintf(why, len, "%s: %llu bytes, smaller than the %llu-byte window (--size)",
			 zd_abbrev(t->path, path, sizeof(path)), t->size, t->window);
		return ZD_NOTHING_RAN;
	}
	t->destructive = o->destructive;
	warn_if_mapped(t);
	if (t->destructive)
		return ZD_PASSED;

	out = journal_path(t, o, why, len);
	if (out != ZD_PASSED)
		return out;
	devdax_identity(t, &t->saved);
	t->saved.offset = 0;
	t->saved.length = t->window;
	fd = open(t->path, O_RDWR | O_CLOEXEC);
	ret = fd < 0 ? -errno : journal_save(t->journal, fd, &t->saved);
	if (fd >= 0)
		close(fd);
	if (ret) {
		t->saved.length = 0;
		snprintf(why, len, "cannot save %s's window to %s: %s%s",
			 zd_abbrev(t->path, path, sizeof(path)),
			 zd_abbrev(t->journal, journal, sizeof(journal)), strerror(-ret),
			 zd_limits(zd_limits_for(-ret), lim, sizeof(lim)));
		return ret == -ENOSPC || ret == -EACCES || ret == -EDQUOT ? ZD_NOTHING_RAN :
									    ZD_SETUP_BROKEN;
	}
	zd_err("saved %s bytes 0-%llu (crc32 %08x) to %s; after a crash: zdcheck devdax "
	       "--restore %s %s",
	       t->path, t->window - 1, t->saved.crc, t->journal, t->journal, t->path);
	return ZD_PASSED;
}

int target_restore(struct target *t, bool force, char *why, size_t len)
{
	struct journal_restore jr = {
		.path = t->journal,
		.expect = t->saved.length ? &t->saved : NULL,
		.force = force,
		.pmem2 = t->nd_namespace[0] != '\0',
	};
	sigset_t block, old;
	int ret;

	if (t->kind != TARGET_DEVDAX || !t->journal[0] || t->restored)
		return 0;
	devdax_identity(t, &jr.dev);
	/* Half a restore is worse than none: no signal in the middle. */
	sigfillset(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	jr.devfd = open(t->path, O_RDWR | O_CLOEXEC);
	if (jr.devfd < 0) {
		ret = -errno;
		snprintf(jr.why, sizeof(jr.why), "opening the device: %s", strerror(errno));
	} else {
		ret = journal_restore(&jr);
		close(jr.devfd);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	snprintf(why, len, "%s", jr.why);
	t->saved = jr.saved;
	if (ret)
		return ret;
	t->crc_after = jr.readback_crc;
	t->restored = true;
	if (unlink(t->journal))
		zd_err("%s: restored, but the journal stays: %s", t->journal, strerror(errno));
	return 0;
}
