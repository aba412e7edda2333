// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
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

int slowdev_open(struct slowdev *sd, const char *user_dev, unsigned int delay_ms,
		 unsigned long long seed)
{
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
				 "--pin-device %s: not a block device", user_dev);
			return -ENOTBLK;
		}
	} else {
		ret = build(sd, seed);
		if (ret) {
			slowdev_close(sd);
			return ret;
		}
	}
	if (stat(sd->path, &st) == 0)
		snprintf(sd->inflight, sizeof(sd->inflight), "/sys/dev/block/%u:%u/inflight",
			 major(st.st_rdev), minor(st.st_rdev));
	sd->fd = open(sd->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (sd->fd < 0) {
		ret = -errno;
		snprintf(sd->why, sizeof(sd->why), "no slow block device: %s: %s", sd->path,
			 strerror(-ret));
		slowdev_close(sd);
		return ret;
	}
	return 0;
}

void slowdev_close(struct slowdev *sd)
{
	if (sd->fd >= 0)
		close(sd->fd);
	sd->fd = -1;
#if HAVE_LIBDEVMAPPER
	if (sd->dm_name[0])
		dm_remove(sd->dm_name);
#endif
	sd->dm_name[0] = '\0';
	if (sd->nullb[0]) {
		write_attr(sd->nullb, "power", "0");
		rmdir(sd->nullb);
	}
	sd->nullb[0] = '\0';
	if (!sd->user)
		sd->path[0] = '\0';
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

		/* dm-delay's status: "<reads> <writes> [<flushes>]" it is holding. */
		if (dmt && dm_task_set_name(dmt, sd->dm_name) && dm_task_run(dmt)) {
			dm_get_next_target(dmt, NULL, &start, &length, &type, &params);
			if (type && !strcmp(type, "delay") && params)
				n = atoi(params);
		}
		if (dmt)
			dm_task_destroy(dmt);
		return n;
	}
#endif
	return zd_read_text(sd->inflight, buf, sizeof(buf)) > 0 ? atoi(buf) : -1;
}
