// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zdcheck.h"

int zd_verbose;

void zd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("zdcheck: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void zd_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (zd_verbose < level)
		return;
	va_start(ap, fmt);
	fputs("zdcheck: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

volatile sig_atomic_t zd_stop;

#define FEATURE(have, name) ((have) ? " +" name : " -" name)

const char *zd_features(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s%s", FEATURE(HAVE_LIBURING, "URING"),
		 FEATURE(HAVE_LIBAIO, "AIO"), FEATURE(HAVE_LIBPMEM2, "PMEM2"),
		 FEATURE(HAVE_LIBDEVMAPPER, "DEVMAPPER"));
	return buf + 1;
}

/* nftw() passes no argument through: where zd_remove_tree() reports. */
static char *remove_at;
static size_t remove_at_len;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (remove_at)
		snprintf(remove_at, remove_at_len, "%s", path);
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int zd_remove_tree(const char *path, char *at, size_t len)
{
	int ret;

	remove_at = at;
	remove_at_len = len;
	ret = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
	remove_at = NULL;
	return ret;
}

ssize_t zd_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

int zd_write_text(const char *path, const char *text)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
