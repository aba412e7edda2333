// SPDX-License-Identifier: GPL-2.0-only
/* What the device-dax checks share: the device's first page, its libdaxctl handle. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/devdax.h"

unsigned char *devdax_map_head(const struct target *t, struct result *r, int *fdp)
{
	unsigned char *map;
	int fd;

	fd = open(t->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (!result_exhausted(r, errno, "cannot open %s", t->path))
			result_error(r, "open %s: %s", t->path, strerror(errno));
		return NULL;
	}
	map = mmap(NULL, t->align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		if (!result_exhausted(r, errno, "cannot map %lu bytes of %s", t->align,
				      t->path))
			result_fail(r, "mapping %lu bytes of %s: %s", t->align, t->path,
				    strerror(errno));
		close(fd);
		return NULL;
	}
	*fdp = fd;
	return map;
}

void devdax_unmap_head(const struct target *t, unsigned char *map, int fd)
{
	munmap(map, t->align);
	if (fd >= 0)
		close(fd);
}

/* After an enable, devtmpfs brings the node back; give it up to two seconds. */
int devdax_reopen(const char *path)
{
	int i, fd = -1;

	for (i = 0; i < 200 && fd < 0; i++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			usleep(10000);
	}
	return fd;
}
