// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device-dax target is a /dev/daxX.Y character device that libdaxctl knows.
 * Discovery only reads; opening for write is what proves we may use it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discover/daxdev.h"
#include "discover/target.h"

#define MAX_DAXDEV 64

enum zd_outcome devdax_target_open(struct target *t, const char *path, const struct options *o,
				   char *why, size_t len)
{
	struct daxdev_info devs[MAX_DAXDEV], *d = NULL;
	struct stat st;
	int i, n, fd;

	memset(t, 0, sizeof(*t));
	t->kind = TARGET_DEVDAX;
	t->slow.fd = -1;
	snprintf(t->path, sizeof(t->path), "%s", path);
	if (stat(path, &st)) {
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

	fd = open(path, O_RDWR | O_CLOEXEC);
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
