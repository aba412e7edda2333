// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#if HAVE_LIBDEVMAPPER
#include <libdevmapper.h>
#endif

#include "discover/slowdev.h"
#include "map/pattern.h"
#include "zdcheck.h"

#define NULLB_CONFIGFS "/sys/kernel/config/nullb"
#define NULLB_MIB 16
#define DATA_LEN (1UL << 20)

static int write_attr(const char *dir, const char *attr, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	return zd_write_text(path, val);
}

/* Building a slow device needs device-mapper: all of it is under this. */
#if HAVE_LIBDEVMAPPER
/* A memory-backed null_blk, so reads return what we wrote. Returns its index. */
static int nullb_create(struct slowdev *sd)
{
	char size[128], idx[16] = "";
	int ret;

	snprintf(sd->nullb, sizeof(sd->nullb), NULLB_CONFIGFS "/zdcheck-%d", getpid());
	if (mkdir(sd->nullb, 0700)) {
		ret = -errno;
		sd->nullb[0] = '\0';
		snprintf(sd->why, sizeof(sd->why),
			 "no slow block device: null_blk configfs: %s", strerror(-ret));
		return ret;
	}
	snprintf(size, sizeof(size), "%d", NULLB_MIB);
	ret = write_attr(sd->nullb, "blocksize", "4096");
	if (!ret)
		ret = write_attr(sd->nullb, "size", size);
	if (!ret)
		ret = write_attr(sd->nullb, "memory_backed", "1");
	if (!ret)
		ret = write_attr(sd->nullb, "power", "1");
	if (ret) {
		snprintf(sd->why, sizeof(sd->why),
			 "no slow block device: configuring null_blk: %s", strerror(-ret));
		return ret;
	}
	snprintf(size, sizeof(size), "%s/index", sd->nullb);
	ret = (int)zd_read_text(size, idx, sizeof(idx));
	if (ret <= 0)
		return ret ? ret : -EIO;
	return atoi(idx);
}

/* Our device's data is a known pattern, so a late landing can be recognised. */
static int fill(const char *dev, unsigned long long seed)
{
	void *buf;
	int fd, ret = 0;

	if (posix_memalign(&buf, 4096, DATA_LEN))
		return -ENOMEM;
	pattern_fill(buf, DATA_LEN, seed, 0);
	fd = open(dev, O_WRONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, buf, DATA_LEN, 0) != (ssize_t)DATA_LEN)
		ret = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* dm-delay on top: reads wait @delay_ms, writes do not. Returns the dev_t. */
static int dm_delay_create(struct slowdev *sd, const char *under, unsigned int *maj,
			   unsigned int *min)
{
	char params[300];
	struct dm_task *dmt;
	struct dm_info info;
	int ret = -EIO;

	/* No udev in a test guest; /dev/dm-N comes from devtmpfs anyway. */
	dm_udev_set_sync_support(0);
	if (!sd->dm_name[0])
		snprintf(sd->dm_name, sizeof(sd->dm_name), "zdcheck-%d", getpid());
	snprintf(params, sizeof(params), "%s 0 %u %s 0 0", under, sd->delay_ms, under);
	dmt = dm_task_create(DM_DEVICE_CREATE);
	if (!dmt)
		return -ENOMEM;
	if (dm_task_set_name(dmt, sd->dm_name) &&
	    dm_task_add_target(dmt, 0, NULLB_MIB * 2048ULL, "delay", params) &&
	    dm_task_run(dmt) && dm_task_get_info(dmt, &info) && info.exists) {
		*maj = info.major;
		*min = info.minor;
		ret = 0;
	}
	dm_task_destroy(dmt);
	if (ret) {
		sd->dm_name[0] = '\0';
		snprintf(
			sd->why, sizeof(sd->why),
			"no slow block device: device-mapper delay target could not be created "
			"(dm-delay loaded?)");
	}
	return ret;
}

static void dm_remove(const char *name)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_REMOVE);

	if (dmt && dm_task_set_name(dmt, name))
		dm_task_run(dmt);
	if (dmt)
		dm_task_destroy(dmt);
}
#endif

static int build(struct slowdev *sd, unsigned long long seed)
{
#if HAVE_LIBDEVMAPPER
	unsigned int maj, min;
	char under[128];
	int idx, ret;

	if (geteuid() != 0) {
		snprintf(
			sd->why, sizeof(sd->why),
			"no slow block device: building one needs root (or give --pin-device)");
		return -EPERM;
	}
	if (access(NULLB_CONFIGFS, F_OK)) {
		snprintf(sd->why, sizeof(sd->why),
			 "no slow block device: null_blk is not loaded or configfs not mounted "
			 "(%s missing)",
			 NULLB_CONFIGFS);
		return -ENODEV;
	}
	idx = nullb_create(sd);
	if (idx < 0)
		return idx;
	/* Newer kernels name the disk after the configfs directory. */
	snprintf(under, sizeof(under), "/dev/%s", strrchr(sd->nullb, '/') + 1);
	if (access(under, F_OK))
		snprintf(under, sizeof(under), "/dev/nullb%d", idx);
	ret = fill(under, seed);
	if (ret) {
		snprintf(sd->why, sizeof(sd->why), "no slow block device: writing %s: %s",
			 under, strerror(-ret));
		return ret;
	}
	ret = dm_delay_create(sd, under, &maj, &min);
	if (ret)
		return ret;
	snprintf(sd->under, sizeof(sd->under), "%s", under);
	sd->data_seed = seed;
	snprintf(sd->path, sizeof(sd->path), "/dev/dm-%u", min);
	(void)maj;
	return 0;
#else
	snprintf(
		sd->why, sizeof(sd->why),
		"no slow block device: zdcheck was built without libdevmapper (give --pin-device)");
	return -EOPNOTSUPP;
#endif
}

/* The @sd's path, its inflight file and its descriptor, once it exists. */
static int open_path(struct slowdev *sd)
{
	char shown[ZD_ABBREV];
	struct stat st;
	int ret;

	if (stat(sd->path, &st) == 0)
		snprintf(sd->inflight, sizeof(sd->inflight), "/sys/dev/block/%u:%u/inflight",
			 major(st.st_rdev), minor(st.st_rdev));
	sd->fd = open(sd->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (sd->fd >= 0)
		return 0;
	ret = -errno;
	snprintf(sd->why, sizeof(sd->why), "no slow block device: %s: %s",
		 zd_abbrev(sd->path, shown, sizeof(shown)), strerror(-ret));
	sd->exhausted = zd_exhausted(-ret);
	return ret;
}

int slowdev_open(struct slowdev *sd, const char *user_dev, unsigned int delay_ms,
		 unsigned long long seed)
{
	char shown[ZD_ABBREV];
	struct stat st;
	int ret;

	memset(sd, 0, sizeof(*sd));
	sd->fd = -1;
	sd->delay_ms = delay_ms;
	if (user_dev) {
		sd->user = true;
		snprintf(sd->path, sizeof(sd->path), "%s", user_dev);
		if (stat(user_dev, &st) || !S_ISBLK(st.st_mode)) {
			snprintf(sd->why, sizeof(sd->why),
				 "--pin-device %s: not a block device",
				 zd_abbrev(user_dev, shown, sizeof(shown)));
			return -ENOTBLK;
		}
	} else {
		ret = build(sd, seed);
		if (ret) {
			sd->exhausted = zd_exhausted(-ret);
			slowdev_close(sd);
			return ret;
		}
	}
	ret = open_path(sd);
	if (ret)
		slowdev_close(sd);
	return ret;
}

struct slowdev *slowdev_lanes(const struct slowdev *sd, unsigned int n)
{
#if HAVE_LIBDEVMAPPER
	struct slowdev *lanes;
	unsigned int i, maj, min;

	if (sd->user || sd->fd < 0 || !sd->under[0])
		return NULL;
	lanes = calloc(n, sizeof(*lanes));
	if (!lanes)
		return NULL;
	lanes[0] = *sd;
	for (i = 1; i < n; i++) {
		struct slowdev *l = &lanes[i];

		l->fd = -1;
		l->delay_ms = sd->delay_ms;
		l->data_seed = sd->data_seed;
		snprintf(l->under, sizeof(l->under), "%s", sd->under);
		snprintf(l->dm_name, sizeof(l->dm_name), "zdcheck-%d-%u", getpid(), i);
		if (dm_delay_create(l, sd->under, &maj, &min))
			break;
		snprintf(l->path, sizeof(l->path), "/dev/dm-%u", min);
		if (open_path(l)) {
			slowdev_close(l);
			break;
		}
	}
	if (i < n) {
		slowdev_lanes_close(lanes, i, false);
		return NULL;
	}
	return lanes;
#else
	return NULL;
#endif
}

void slowdev_lanes_close(struct slowdev *lanes, unsigned int n, bool lost)
{
	unsigned int i;

	for (i = 1; lanes && i < n; i++) {
		lanes[i].lost = lost;
		slowdev_close(&lanes[i]);
	}
	free(lanes);
}

/* How long zdcheck waits for the kernel to let go of the devices it built. */
#define CLOSE_WAIT_MS 10000

static void remove_devices(struct slowdev *sd)
{
#if HAVE_LIBDEVMAPPER
	if (sd->dm_name[0])
		dm_remove(sd->dm_name);
#endif
	if (sd->nullb[0]) {
		write_attr(sd->nullb, "power", "0");
		rmdir(sd->nullb);
	}
}

void slowdev_close(struct slowdev *sd)
{
	int i, status, wait_ms;
	pid_t pid;

	if (sd->fd >= 0)
		close(sd->fd);
	sd->fd = -1;
	if (sd->dm_name[0] || sd->nullb[0]) {
		/*
		 * Removing the devices waits for every I/O they hold. A kernel
		 * that lost one (it oopsed copying a read into memory that went
		 * away under it, say) would keep zdcheck in D state for good, so
		 * a child removes them and is left behind if it does not return.
		 */
		pid = fork();
		if (pid == 0) {
			remove_devices(sd);
			_exit(0);
		}
		wait_ms = sd->lost ? 1000 : CLOSE_WAIT_MS;
		for (i = 0; pid > 0 && i < wait_ms / 10; i++) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			usleep(10000);
		}
		if (pid < 0)
			remove_devices(sd);
		else if (i == wait_ms / 10)
			zd_err("%s not removed: the kernel still holds its I/O after %d s "
			       "(process %d left waiting)",
			       sd->dm_name[0] ? sd->dm_name : sd->nullb, wait_ms / 1000,
			       (int)pid);
	}
	sd->dm_name[0] = '\0';
	sd->nullb[0] = '\0';
	if (!sd->user)
		sd->path[0] = '\0';
}

/* dm-delay's status: "<reads> <writes> [<flushes>]" it is holding. */
int slowdev_delay_reads(const char *type, const char *params)
{
	return type && !strcmp(type, "delay") && params ? atoi(params) : -1;
}

int slowdev_reads_in_flight(const struct slowdev *sd)
{
	char buf[64] = "";

#if HAVE_LIBDEVMAPPER
	if (sd->dm_name[0]) {
		struct dm_task *dmt = dm_task_create(DM_DEVICE_STATUS);
		int n = -1;
		uint64_t start, length;
		char *type = NULL, *params = NULL;

		if (dmt && dm_task_set_name(dmt, sd->dm_name) && dm_task_run(dmt)) {
			dm_get_next_target(dmt, NULL, &start, &length, &type, &params);
			n = slowdev_delay_reads(type, params);
		}
		if (dmt)
			dm_task_destroy(dmt);
		return n;
	}
#endif
	return zd_read_text(sd->inflight, buf, sizeof(buf)) > 0 ? atoi(buf) : -1;
}
