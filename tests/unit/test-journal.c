// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device-dax journal, with a regular file standing in for the device:
 * a save and restore round trip, then crafted journals, each of which must
 * be refused with the reason named and the device left byte for byte as it
 * was (its crc32 before and after the attempt).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "map/journal.h"
#include "map/pattern.h"
#include "unit.h"

#define DEV_LEN (16UL << 20)
#define WINDOW (4UL << 20)
#define ALIGN (2UL << 20)
#define UUID "5e0e6a4c-2f4e-4b6a-9d3c-0123456789ab"

/* Header field offsets (format 2), to craft journals as an attacker would. */
#define OFF_DEVNAME 16
#define OFF_UUID 48
#define OFF_OFFSET 112
#define OFF_LENGTH 120
#define OFF_DCRC 128
#define OFF_HCRC 132

static char dir[] = "/tmp/zdcheck-journal.XXXXXX";
static char jpath[64], craft[64];
static int devfd;
static const struct journal_id dev = {
	.devname = "dax0.0",
	.major = 252,
	.minor = 0,
	.size = DEV_LEN,
	.align = ALIGN,
	.uuid = UUID,
};

static uint32_t dev_crc(void)
{
	uint32_t crc = 0;

	EXPECT(window_crc(devfd, 0, DEV_LEN, &crc) == 0);
	return crc;
}

static void *slurp(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	EXPECT(fd >= 0 && fstat(fd, &st) == 0);
	buf = malloc(st.st_size);
	EXPECT(read(fd, buf, st.st_size) == st.st_size);
	close(fd);
	*len = st.st_size;
	return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	EXPECT(fd >= 0 && write(fd, buf, len) == (ssize_t)len);
	close(fd);
}

/* Writes @buf as the crafted journal, the header checksum made to match. */
static void forge(unsigned char *buf, size_t len)
{
	uint32_t crc = crc32(0, Z_NULL, 0);

	crc = crc32(crc, buf, OFF_HCRC);
	memcpy(buf + OFF_HCRC, &crc, sizeof(crc));
	spit(craft, buf, len);
}

static int restore(const char *path, const struct journal_id *d, bool force,
		   const struct journal_id *expect, char *why)
{
	struct journal_restore jr = {
		.path = path,
		.devfd = devfd,
		.dev = *d,
		.force = force,
		.expect = expect,
	};
	int ret = journal_restore(&jr);

	strcpy(why, jr.why);
	return ret;
}

/* A crafted journal: refused with @err and @pat in the reason, the device untouched. */
static void refused(const char *what, const struct journal_id *d, bool force, int err,
		    const char *pat)
{
	uint32_t before = dev_crc();
	char why[1024];
	int ret = restore(craft, d, force, NULL, why);

	if (ret != err || !strstr(why, pat) || dev_crc() != before) {
		fprintf(stderr, "%s: returned %d (want %d), why '%s' (want '%s'), device %s\n",
			what, ret, err, why, pat,
			dev_crc() == before ? "untouched" : "WRITTEN");
		unit_failures++;
	}
	EXPECT(access(craft, F_OK) == 0); /* kept */
}

int main(void)
{
	struct journal_id id = dev, other = dev, back;
	unsigned char *good, *buf, *big;
	char why[1024];
	uint32_t scribbled, crc;
	size_t len;
	uint64_t v;
	void *p;

	EXPECT(mkdtemp(dir) != NULL);
	snprintf(jpath, sizeof(jpath), "%s/journal", dir);
	snprintf(craft, sizeof(craft), "%s/craft", dir);
	buf = malloc(DEV_LEN);
	snprintf(why, sizeof(why), "%s/dev", dir);
	devfd = open(why, O_RDWR | O_CREAT, 0600);
	pattern_fill(buf, DEV_LEN, 42, 0);
	EXPECT(devfd >= 0 && pwrite(devfd, buf, DEV_LEN, 0) == (ssize_t)DEV_LEN);
	unlink(why);

	/* Save: the file is exactly header + window, and verifies. */
	id.length = WINDOW;
	EXPECT(journal_save(jpath, devfd, &id) == 0);
	EXPECT(journal_save(jpath, devfd, &id) == -EEXIST);
	good = slurp(jpath, &len);
	EXPECT(len == JOURNAL_HEADER_LEN + WINDOW);

	/* A check scribbles over the window... */
	p = mmap(NULL, WINDOW, PROT_READ | PROT_WRITE, MAP_SHARED, devfd, 0);
	EXPECT(p != MAP_FAILED);
	memset((char *)p + 12345, 0xa5, 100000);
	munmap(p, WINDOW);
	scribbled = dev_crc();

	/* ...not onto another device, nor as another run's window... */
	strcpy(other.devname, "dax9.9");
	EXPECT(restore(jpath, &other, false, NULL, why) == -ENODEV);
	EXPECT(strstr(why, "name dax0.0, not dax9.9") && strstr(why, "--force"));
	back = id;
	back.crc ^= 1;
	EXPECT(restore(jpath, &dev, false, &back, why) == -ESTALE);
	EXPECT(dev_crc() == scribbled);

	/* ...and back it comes, byte for byte, as read back. */
	EXPECT(restore(jpath, &dev, false, &id, why) == 0);
	EXPECT(pread(devfd, buf, DEV_LEN, 0) == (ssize_t)DEV_LEN);
	EXPECT(pattern_check(buf, DEV_LEN, 42, 0) == DEV_LEN);
	EXPECT(!why[0]);

	/* Every crafted journal below is refused before a byte is written. */
	p = mmap(NULL, WINDOW, PROT_READ | PROT_WRITE, MAP_SHARED, devfd, 0);
	memset(p, 0x5a, 4096);
	munmap(p, WINDOW);

	memcpy(buf, good, len);
	buf[JOURNAL_HEADER_LEN + 4096] ^= 0x10;
	spit(craft, buf, len);
	refused("one flipped bit in the data", &dev, true, -EBADMSG, "saved bytes have crc32");

	spit(craft, good, len - 1000);
	refused("truncated", &dev, true, -EBADMSG, "its header says");

	spit(craft, good, 100);
	refused("truncated header", &dev, true, -EBADMSG, "header cut short");

	spit(craft, good, 0);
	refused("empty file", &dev, true, -EBADMSG, "not a zdcheck journal");

	memcpy(buf, good, len);
	v = 8UL << 20;
	memcpy(buf + OFF_OFFSET, &v, 8);
	forge(buf, len);
	refused("offset 8 MiB", &dev, true, -EBADMSG, "starts at byte 8388608");

	memcpy(buf, good, len);
	v = 0;
	memcpy(buf + OFF_LENGTH, &v, 8);
	forge(buf, JOURNAL_HEADER_LEN);
	refused("zero length", &dev, true, -EBADMSG, "impossible");

	memcpy(buf, good, len);
	v = 32UL << 20; /* past the end of the 16 MiB device */
	memcpy(buf + OFF_LENGTH, &v, 8);
	forge(buf, len);
	refused("past the end, short file", &dev, true, -EBADMSG, "its header says");
	/* The same with all its 32 MiB of data, checksums right: it does not fit. */
	big = calloc(1, JOURNAL_HEADER_LEN + v);
	memcpy(big, buf, JOURNAL_HEADER_LEN);
	crc = crc32(crc32(0, Z_NULL, 0), big + JOURNAL_HEADER_LEN, v);
	memcpy(big + OFF_DCRC, &crc, 4);
	forge(big, JOURNAL_HEADER_LEN + v);
	refused("past the end", &dev, true, -ERANGE, "bytes 0-33554431, does not fit dax0.0");
	free(big);

	memcpy(buf, good, len);
	strcpy((char *)buf + OFF_DEVNAME, "dax9.9");
	spit(craft, buf, len); /* the header checksum no longer matches */
	refused("changed name, stale checksum", &dev, true, -EBADMSG, "checksum");
	forge(buf, len);
	refused("another device's name", &dev, false, -ENODEV, "name dax9.9, not dax0.0");

	memcpy(buf, good, len);
	memcpy(buf + OFF_UUID, "5e0e6a4c-2f4e-4b6a-9d3c-ffffffffffff", 37);
	forge(buf, len);
	refused("another uuid", &dev, false, -ENODEV, "uuid 5e0e6a4c");
	memcpy(buf + OFF_UUID, "not-a-uuid", 11);
	forge(buf, len);
	refused("malformed uuid", &dev, true, -EBADMSG, "malformed device uuid");

	memcpy(buf, good, len);
	strcpy((char *)buf, "ZDJRNL1");
	spit(craft, buf, len);
	refused("format 1", &dev, true, -EBADMSG, "format 1");

	/* A window that does not fit this device: not even --force writes it. */
	other = dev;
	other.size = 2UL << 20;
	spit(craft, good, len);
	refused("device too small", &other, true, -ERANGE, "does not fit");
	other = dev;
	other.align = 1UL << 30;
	refused("window not aligned for the device", &other, true, -ERANGE, "does not fit");

	/* A FIFO in its place: refused, not waited on. */
	unlink(craft);
	EXPECT(mkfifo(craft, 0600) == 0);
	refused("FIFO", &dev, true, -EINVAL, "not a regular file");
	unlink(craft);
	EXPECT(restore(craft, &dev, true, NULL, why) == -ENOENT);

	/* --force takes another identity, says what differed, and restores. */
	other = dev;
	strcpy(other.devname, "dax1.0");
	EXPECT(restore(jpath, &other, true, NULL, why) == 0);
	EXPECT(strstr(why, "restored despite: name dax0.0, not dax1.0"));
	EXPECT(pread(devfd, buf, DEV_LEN, 0) == (ssize_t)DEV_LEN);
	EXPECT(pattern_check(buf, DEV_LEN, 42, 0) == DEV_LEN);

	close(devfd);
	unlink(jpath);
	EXPECT(rmdir(dir) == 0);
	free(good);
	free(buf);
	return unit_done();
}
