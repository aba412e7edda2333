// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device-dax journal round trip, with a regular file standing in for
 * the device: save, scribble, restore, verify; refuse another device and a
 * journal whose bytes no longer match its crc32.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "map/journal.h"
#include "map/pattern.h"
#include "unit.h"

#define LEN (4UL << 20)

int main(void)
{
	char dir[] = "/tmp/zdcheck-journal.XXXXXX", dev[64], jpath[64], why[256];
	struct journal_id id = { .devname = "dax9.9", .major = 252, .minor = 7, .length = LEN };
	struct journal_id back;
	unsigned char *buf = malloc(LEN), *p;
	uint32_t crc;
	int fd, jfd;

	EXPECT(mkdtemp(dir) != NULL);
	snprintf(dev, sizeof(dev), "%s/dev", dir);
	snprintf(jpath, sizeof(jpath), "%s/journal", dir);
	fd = open(dev, O_RDWR | O_CREAT, 0600);
	pattern_fill(buf, LEN, 42, 0);
	EXPECT(fd >= 0 && pwrite(fd, buf, LEN, 0) == (ssize_t)LEN);

	EXPECT(journal_save(jpath, fd, &id) == 0);
	EXPECT(window_crc(fd, 0, LEN, &crc) == 0 && crc == id.crc);
	EXPECT(journal_save(jpath, fd, &id) == -EEXIST);
	EXPECT(journal_read_id(jpath, &back) == 0);
	EXPECT_STR(back.devname, "dax9.9");
	EXPECT(back.major == 252 && back.minor == 7 && back.length == LEN &&
	       back.crc == id.crc);

	/* A check scribbles over the window... */
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT(p != MAP_FAILED);
	memset(p + 12345, 0xa5, 100000);
	munmap(p, LEN);
	EXPECT(window_crc(fd, 0, LEN, &crc) == 0 && crc != id.crc);

	/* ...not onto another device... */
	EXPECT(journal_restore(jpath, fd, 252, 8, &back, why, sizeof(why)) == -ENODEV);
	EXPECT(strstr(why, "saved from dax9.9 (252:7), not this device (252:8)"));

	/* ...and back it comes, byte for byte. */
	EXPECT(journal_restore(jpath, fd, 252, 7, &back, why, sizeof(why)) == 0);
	EXPECT(pread(fd, buf, LEN, 0) == (ssize_t)LEN && pattern_check(buf, LEN, 42, 0) == LEN);

	/* A journal damaged on disk cannot pass for a good restore. */
	jfd = open(jpath, O_WRONLY);
	EXPECT(jfd >= 0 && pwrite(jfd, "x", 1, 4096) == 1);
	close(jfd);
	EXPECT(journal_restore(jpath, fd, 252, 7, &back, why, sizeof(why)) == -ESTALE);
	EXPECT(strstr(why, "restored window has crc32"));

	EXPECT(journal_read_id(dev, &back) == -EINVAL);
	close(fd);
	unlink(dev);
	unlink(jpath);
	EXPECT(rmdir(dir) == 0);
	free(buf);
	return unit_done();
}
