// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discover/lock.h"
#include "zdcheck.h"

/* Where every zdcheck on this machine looks: the first that exists. */
static const char *const lock_dirs[] = { "/run/lock", "/run", "/tmp" };

pid_t locks_holder(const char *text, unsigned int major, unsigned int minor,
		   unsigned long long ino)
{
	const char *line = text, *end;
	char buf[256], kind[16];
	unsigned long long i;
	unsigned int ma, mi;
	int pid;

	/* "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; "1: -> ..." waits. */
	for (; *line; line = end + (*end == '\n')) {
		end = strchrnul(line, '\n');
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - line), line);
		if (strstr(buf, "->"))
			continue;
		if (sscanf(buf, "%*d: %15s %*s %*s %d %x:%x:%llu", kind, &pid, &ma, &mi, &i) !=
		    5)
			continue;
		if (!strcmp(kind, "FLOCK") && ma == major && mi == minor && i == ino && pid > 0)
			return pid;
	}
	return 0;
}

pid_t locks_holder_of(int fd)
{
	char text[65536];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return 0;
	n = zd_read_text("/proc/locks", text, sizeof(text));
	if (n <= 0)
		return 0;
	return locks_holder(text, major(st.st_dev), minor(st.st_dev),
			    (unsigned long long)st.st_ino);
}

int device_lock(const char *name, pid_t *holder, char *path, size_t len)
{
	const char *dir = lock_dirs[ARRAY_SIZE(lock_dirs) - 1];
	struct stat st;
	size_t i;
	int fd;

	*holder = 0;
	for (i = 0; i < ARRAY_SIZE(lock_dirs); i++)
		if (!stat(lock_dirs[i], &st) && S_ISDIR(st.st_mode)) {
			dir = lock_dirs[i];
			break;
		}
	snprintf(path, len, "%s/zdcheck-%s.lock", dir, name);
	/*
	 * Read-only is enough for flock, and lets a user open a lock file
	 * another user created in a sticky directory (protected_regular
	 * refuses O_CREAT there, hence the open without it first).
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		if (err == EWOULDBLOCK)
			*holder = locks_holder_of(fd);
		close(fd);
		return err == EWOULDBLOCK ? -EBUSY : -err;
	}
	return fd;
}
