// SPDX-License-Identifier: GPL-2.0-only
/*
 * One zdcheck per device: a second lock on the same device is refused and
 * names the first holder (read from /proc/locks), and the /proc/locks
 * parser picks the right line among POSIX locks, waiters and other inodes.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "discover/lock.h"
#include "unit.h"

static const char locks[] = "1: POSIX  ADVISORY  WRITE 111 fd:01:5678 0 EOF\n"
			    "2: FLOCK  ADVISORY  WRITE 222 fd:01:9999 0 EOF\n"
			    "2: -> FLOCK  ADVISORY  WRITE 333 fd:01:5678 0 EOF\n"
			    "3: FLOCK  ADVISORY  WRITE 444 00:1a:5678 0 EOF\n"
			    "4: FLOCK  ADVISORY  WRITE 555 fd:01:5678 0 EOF\n"
			    "5: OFDLCK ADVISORY  READ  -1 fd:01:5678 0 EOF\n"
			    "garbage\n";

int main(void)
{
	char name[64], path[256], path2[256];
	pid_t holder = -1;
	int fd, fd2;

	EXPECT(locks_holder(locks, 0xfd, 1, 5678) == 555);
	EXPECT(locks_holder(locks, 0, 0x1a, 5678) == 444);
	EXPECT(locks_holder(locks, 0xfd, 1, 1) == 0);
	EXPECT(locks_holder("", 0xfd, 1, 5678) == 0);

	snprintf(name, sizeof(name), "unit-test-%d", (int)getpid());
	fd = device_lock(name, &holder, path, sizeof(path));
	EXPECT(fd >= 0 && holder == 0);
	/* flock conflicts between open files, also within one process. */
	fd2 = device_lock(name, &holder, path2, sizeof(path2));
	EXPECT(fd2 == -EBUSY);
	EXPECT(holder == getpid());
	EXPECT_STR(path, path2);
	close(fd);
	fd2 = device_lock(name, &holder, path2, sizeof(path2));
	EXPECT(fd2 >= 0);
	close(fd2);
	unlink(path);
	return unit_done();
}
