// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device-dax target is a /dev/daxX.Y character device that libdaxctl knows.
 * Discovery only reads; opening for write is what proves we may use it.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discover/daxdev.h"
#include "discover/target.h"

#define MAX_DAXDEV 64

enum zd_outcome devdax_target_open(struct target *t, const char *user_path,
				   const struct options *o, char *why, size_t len)
{
	struct daxdev_info devs[MAX_DAXDEV], *d = NULL;
	char path[ZD_ABBREV];
	struct stat st;
	int i, n, fd;

	memset(t, 0, sizeof(*t));
	t->kind = TARGET_DEVDAX;
	t->slow.fd = -1;
	snprintf(t->path, sizeof(t->path), "%s", user_path);
	/* A long path would push the reason out of the one-line message. */
	zd_abbrev(user_path, path, sizeof(path));
	if (stat(t->path, &st)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return ZD_USAGE;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(why, len, "%s: not a character device (devdax wants /dev/daxX.Y)",
			 path);
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
	if (strcmp(d->mode, "devdax")) {
		snprintf(why, len, "%s: %s is in %s mode, not devdax", path, d->devname,
			 d->mode);
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
	if (t->size < 2ULL * t->align) {
		snprintf(why, len, "%s: %llu bytes, zdcheck needs at least two %lu-byte pages",
			 path, t->size, t->align);
		return ZD_NOTHING_RAN;
	}
	return ZD_PASSED;
}

/* Where journals go: $XDG_CACHE_HOME or ~/.cache, else /tmp. */
static void journal_path(struct target *t)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX - 128];

	if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/zdcheck", xdg);
	else if (home && *home && strcmp(home, "/"))
		snprintf(dir, sizeof(dir), "%s/.cache/zdcheck", home);
	else
		snprintf(dir, sizeof(dir), "/tmp");
	if (strcmp(dir, "/tmp")) {
		char parent[PATH_MAX];

		snprintf(parent, sizeof(parent), "%.*s", (int)(strrchr(dir, '/') - dir), dir);
		mkdir(parent, 0700);
		if (mkdir(dir, 0700) && errno != EEXIST)
			snprintf(dir, sizeof(dir), "/tmp");
	}
	snprintf(t->journal, sizeof(t->journal), "%s/journal-%s-%d", dir, t->devname, getpid());
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

enum zd_outcome devdax_window_open(struct target *t, const struct options *o, char *why,
				   size_t len)
{
	unsigned long long want = o->size ? o->size : DEVDAX_WINDOW;
	char path[ZD_ABBREV], journal[ZD_ABBREV], lim[128];
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

	journal_path(t);
	snprintf(t->saved.devname, sizeof(t->saved.devname), "%.31s", t->devname);
	t->saved.major = t->dev_major;
	t->saved.minor = t->dev_minor;
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
		return ret == -ENOSPC || ret == -EACCES ? ZD_NOTHING_RAN : ZD_SETUP_BROKEN;
	}
	zd_err("saved %s bytes 0-%llu (crc32 %08x) to %s; after a crash: zdcheck devdax "
	       "--restore %s %s",
	       t->path, t->window - 1, t->saved.crc, t->journal, t->journal, t->path);
	return ZD_PASSED;
}

int target_restore(struct target *t, char *why, size_t len)
{
	char path[ZD_ABBREV];
	struct journal_id id;
	sigset_t block, old;
	int fd, ret;

	if (t->kind != TARGET_DEVDAX || !t->saved.length || t->restored)
		return 0;
	/* Half a restore is worse than none: no Ctrl-C in the middle. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	fd = open(t->path, O_RDWR | O_CLOEXEC);
	ret = fd < 0 ? -errno :
		       journal_restore(t->journal, fd, t->dev_major, t->dev_minor, &id, why,
				       len);
	if (fd >= 0) {
		if (!ret)
			window_crc(fd, 0, t->window, &t->crc_after);
		close(fd);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		if (fd < 0)
			snprintf(why, len, "%s: %s", zd_abbrev(t->path, path, sizeof(path)),
				 strerror(-ret));
		return ret;
	}
	t->restored = true;
	unlink(t->journal);
	return 0;
}
