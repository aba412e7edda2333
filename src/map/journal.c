// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "map/devmem.h"
#include "map/journal.h"
#include "zdcheck.h"

#define MAGIC "ZDJRNL1"
#define CHUNK (1UL << 20)

struct header {
	char magic[8];
	char devname[32];
	uint32_t major, minor;
	uint64_t offset, length;
	uint32_t crc;
	uint32_t pad;
};

int window_crc(int devfd, uint64_t off, uint64_t len, uint32_t *crc)
{
	unsigned char *p;
	uLong c = crc32(0, Z_NULL, 0);
	uint64_t done;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, devfd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	for (done = 0; done < len; done += CHUNK)
		c = crc32(c, p + done, (uInt)(len - done < CHUNK ? len - done : CHUNK));
	munmap(p, len);
	*crc = (uint32_t)c;
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *b = buf;
	ssize_t n;

	while (len) {
		n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

int journal_save(const char *path, int devfd, struct journal_id *id)
{
	struct header h = { .magic = MAGIC };
	unsigned char *p;
	int fd, ret;

	ret = window_crc(devfd, id->offset, id->length, &id->crc);
	if (ret)
		return ret;
	p = mmap(NULL, id->length, PROT_READ, MAP_SHARED, devfd, (off_t)id->offset);
	if (p == MAP_FAILED)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	snprintf(h.devname, sizeof(h.devname), "%s", id->devname);
	h.major = id->major;
	h.minor = id->minor;
	h.offset = id->offset;
	h.length = id->length;
	h.crc = id->crc;
	ret = write_all(fd, &h, sizeof(h));
	if (!ret)
		ret = write_all(fd, p, id->length);
	/* The journal is only worth something once it is on stable storage. */
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (ret)
		unlink(path);
out:
	munmap(p, id->length);
	return ret;
}

static int read_header(int fd, struct journal_id *id)
{
	struct header h;

	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) || memcmp(h.magic, MAGIC, 8))
		return -EINVAL;
	memset(id, 0, sizeof(*id));
	snprintf(id->devname, sizeof(id->devname), "%.*s", (int)sizeof(h.devname) - 1,
		 h.devname);
	id->major = h.major;
	id->minor = h.minor;
	id->offset = h.offset;
	id->length = h.length;
	id->crc = h.crc;
	return 0;
}

int journal_read_id(const char *path, struct journal_id *id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = read_header(fd, id);
	close(fd);
	return ret;
}

int journal_restore(const char *path, int devfd, unsigned int major, unsigned int minor,
		    struct journal_id *id, char *why, size_t wlen)
{
	unsigned char *buf = NULL;
	char shown[ZD_ABBREV];
	struct devmem m;
	uint64_t done;
	uint32_t crc;
	int fd, ret;
	ssize_t n;

	zd_abbrev(path, shown, sizeof(shown));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, wlen, "%s: %s", shown, strerror(errno));
		return -errno;
	}
	ret = read_header(fd, id);
	if (ret) {
		snprintf(why, wlen, "%s: not a zdcheck journal", shown);
		goto out;
	}
	if (id->major != major || id->minor != minor) {
		snprintf(why, wlen, "%s was saved from %s (%u:%u), not this device (%u:%u)",
			 shown, id->devname, id->major, id->minor, major, minor);
		ret = -ENODEV;
		goto out;
	}
	ret = devmem_map(&m, devfd, (off_t)id->offset, id->length, true, why, wlen);
	if (ret)
		goto out;
	buf = malloc(CHUNK);
	if (!buf)
		snprintf(why, wlen, "cannot allocate %lu MiB to restore: %s", CHUNK >> 20,
			 strerror(ENOMEM));
	for (done = 0; !ret && buf && done < id->length; done += (uint64_t)n) {
		size_t want = id->length - done < CHUNK ? id->length - done : CHUNK;

		n = read(fd, buf, want);
		if (n != (ssize_t)want) {
			snprintf(why, wlen, "%s: short journal", shown);
			ret = -EIO;
			break;
		}
		devmem_write(&m, done, buf, want);
	}
	devmem_unmap(&m);
	if (!buf)
		ret = -ENOMEM;
	if (!ret) {
		ret = window_crc(devfd, id->offset, id->length, &crc);
		if (!ret && crc != id->crc) {
			snprintf(why, wlen, "restored window has crc32 %08x, the journal %08x",
				 crc, id->crc);
			ret = -ESTALE;
		}
	}
out:
	free(buf);
	close(fd);
	return ret;
}
