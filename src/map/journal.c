// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "map/devmem.h"
#include "map/journal.h"

/*
 * Format 2. Fields are in the byte order of the machine that wrote them: a
 * journal belongs to one machine's device. Format 1 (zdcheck before the
 * header checksum) is recognised only to say so.
 */
#define MAGIC "ZDJRNL\0"
#define MAGIC_V1 "ZDJRNL1"
#define VERSION 2
#define CHUNK (1UL << 20)
/* No device-dax device is this large; a bigger length is a broken header. */
#define MAX_LENGTH (1ULL << 50)

struct header {
	char magic[8];
	uint32_t version;
	uint32_t header_len;
	char devname[32];
	char uuid[40];
	uint32_t major, minor;
	uint64_t size, align;
	uint64_t offset, length;
	uint32_t data_crc;
	uint32_t header_crc; /* crc32 of everything before it */
};

_Static_assert(sizeof(struct header) == JOURNAL_HEADER_LEN, "journal header layout");

static uint32_t crc_of(uint32_t crc, const void *p, size_t len)
{
	return (uint32_t)crc32(crc, p, (uInt)len);
}

static uint32_t header_crc(const struct header *h)
{
	return crc_of(crc32(0, Z_NULL, 0), h, offsetof(struct header, header_crc));
}

int window_crc(int devfd, uint64_t off, uint64_t len, uint32_t *crc)
{
	unsigned char *p;
	uint32_t c = crc32(0, Z_NULL, 0);
	uint64_t done;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, devfd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	for (done = 0; done < len; done += CHUNK)
		c = crc_of(c, p + done, len - done < CHUNK ? len - done : CHUNK);
	munmap(p, len);
	*crc = c;
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

/* Reads exactly @len bytes; -ENODATA at an early end of file. */
static int read_all(int fd, void *buf, size_t len)
{
	unsigned char *b = buf;
	ssize_t n;

	while (len) {
		n = read(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENODATA;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new directory entry is durable only once its directory is synced. */
static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, ret = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path),
			 path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

static void fill_header(struct header *h, const struct journal_id *id)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, MAGIC, sizeof(h->magic));
	h->version = VERSION;
	h->header_len = sizeof(*h);
	snprintf(h->devname, sizeof(h->devname), "%s", id->devname);
	snprintf(h->uuid, sizeof(h->uuid), "%s", id->uuid);
	h->major = id->major;
	h->minor = id->minor;
	h->size = id->size;
	h->align = id->align;
	h->offset = id->offset;
	h->length = id->length;
	h->data_crc = id->crc;
}

int journal_save(const char *path, int devfd, struct journal_id *id)
{
	unsigned char *p, *buf = NULL;
	uint32_t crc = crc32(0, Z_NULL, 0);
	struct header h;
	uint64_t done;
	int fd, ret;

	p = mmap(NULL, id->length, PROT_READ, MAP_SHARED, devfd, (off_t)id->offset);
	if (p == MAP_FAILED)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	buf = malloc(CHUNK);
	/* The header goes last, once the crc of what was written is known. */
	ret = !buf ? -ENOMEM : lseek(fd, sizeof(h), SEEK_SET) < 0 ? -errno : 0;
	for (done = 0; !ret && done < id->length; done += CHUNK) {
		size_t n = id->length - done < CHUNK ? id->length - done : CHUNK;

		/* A copy first: the crc must be of the bytes the file holds. */
		memcpy(buf, p + done, n);
		crc = crc_of(crc, buf, n);
		ret = write_all(fd, buf, n);
	}
	if (!ret) {
		id->crc = crc;
		fill_header(&h, id);
		h.header_crc = header_crc(&h);
		ret = pwrite(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) ? 0 : -EIO;
	}
	/* The journal is only worth something once it is on stable storage. */
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (!ret)
		ret = sync_dir_of(path);
	if (ret)
		unlink(path);
out:
	free(buf);
	munmap(p, id->length);
	return ret;
}

static bool valid_devname(const char *s, size_t max)
{
	size_t i;

	if (!s[0] || !memchr(s, '\0', max))
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* "" or the 36 characters of a printed uuid. */
static bool valid_uuid(const char *s, size_t max)
{
	size_t i;

	if (!memchr(s, '\0', max))
		return false;
	if (!s[0])
		return true;
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

#define BAD(...) (snprintf(why, wlen, __VA_ARGS__), -EBADMSG)

int journal_parse_header(const void *buf, size_t len, struct journal_id *id, char *why,
			 size_t wlen)
{
	struct header h;

	if (len < sizeof(h.magic) || (memcmp(buf, MAGIC, 8) && memcmp(buf, MAGIC_V1, 8)))
		return BAD("not a zdcheck journal");
	if (!memcmp(buf, MAGIC_V1, 8))
		return BAD("journal format 1 (no checksummed header): restore it with the "
			   "zdcheck that wrote it");
	if (len < sizeof(h))
		return BAD("journal header cut short (%zu of %zu bytes)", len, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	if (h.version != VERSION || h.header_len != sizeof(h))
		return BAD("journal format %u with a %u-byte header: this zdcheck reads format "
			   "%u",
			   h.version, h.header_len, VERSION);
	if (header_crc(&h) != h.header_crc)
		return BAD("journal header checksum %08x does not match its contents (%08x)",
			   h.header_crc, header_crc(&h));
	if (!valid_devname(h.devname, sizeof(h.devname)))
		return BAD("journal names no valid device");
	if (!valid_uuid(h.uuid, sizeof(h.uuid)))
		return BAD("journal holds a malformed device uuid");
	/* zdcheck writes only a window at the start of a device. */
	if (h.offset != 0)
		return BAD("journal window starts at byte %llu, not at 0 where zdcheck saves",
			   (unsigned long long)h.offset);
	if (!h.length || h.length > MAX_LENGTH || !h.size || !h.align ||
	    (h.align & (h.align - 1)))
		return BAD(
			"journal window of %llu bytes on a %llu-byte device aligned to %llu: "
			"impossible",
			(unsigned long long)h.length, (unsigned long long)h.size,
			(unsigned long long)h.align);

	memset(id, 0, sizeof(*id));
	memcpy(id->devname, h.devname, sizeof(id->devname));
	memcpy(id->uuid, h.uuid, sizeof(id->uuid) - 1);
	id->major = h.major;
	id->minor = h.minor;
	id->size = h.size;
	id->align = h.align;
	id->offset = h.offset;
	id->length = h.length;
	id->crc = h.data_crc;
	return 0;
}

int journal_verify(int fd, struct journal_id *id, char *why, size_t wlen)
{
	unsigned char head[JOURNAL_HEADER_LEN], *buf;
	uint32_t crc = crc32(0, Z_NULL, 0);
	uint64_t done;
	struct stat st;
	ssize_t got;
	int ret;

	if (fstat(fd, &st))
		return snprintf(why, wlen, "%s", strerror(errno)), -errno;
	got = pread(fd, head, sizeof(head), 0);
	if (got < 0)
		return snprintf(why, wlen, "%s", strerror(errno)), -errno;
	ret = journal_parse_header(head, (size_t)got, id, why, wlen);
	if (ret)
		return ret;
	if ((uint64_t)st.st_size != JOURNAL_HEADER_LEN + id->length)
		return BAD("journal is %lld bytes, its header says %llu", (long long)st.st_size,
			   (unsigned long long)(JOURNAL_HEADER_LEN + id->length));
	buf = malloc(CHUNK);
	if (!buf)
		return snprintf(why, wlen, "%s", strerror(ENOMEM)), -ENOMEM;
	if (lseek(fd, JOURNAL_HEADER_LEN, SEEK_SET) < 0)
		ret = -errno;
	for (done = 0; !ret && done < id->length; done += CHUNK) {
		size_t n = id->length - done < CHUNK ? id->length - done : CHUNK;

		ret = read_all(fd, buf, n);
		if (!ret)
			crc = crc_of(crc, buf, n);
	}
	free(buf);
	if (ret == -ENODATA)
		return BAD("journal ends %llu bytes into its window", (unsigned long long)done);
	if (ret)
		return snprintf(why, wlen, "%s", strerror(-ret)), ret;
	if (crc != id->crc)
		return BAD("saved bytes have crc32 %08x, the journal says %08x", crc, id->crc);
	return 0;
}

/* Appends "; what" to the list of differences in @buf. */
static void __attribute__((format(printf, 4, 5)))
add_diff(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	if (*off)
		*off += (size_t)snprintf(buf + *off, len - *off, "; ");
	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	*off += n > 0 ? (size_t)n : 0;
}

#define DIFF(...) add_diff(why, wlen, &off, __VA_ARGS__)

int journal_check_device(const struct journal_id *saved, const struct journal_id *dev,
			 bool force, char *why, size_t wlen)
{
	size_t off = 0;

	why[0] = '\0';
	/* Whatever was saved, a window that does not fit is never written. */
	if (saved->offset + saved->length > dev->size || saved->length % dev->align) {
		snprintf(why, wlen,
			 "the journal's window, bytes %llu-%llu, does not fit %s (%llu bytes, "
			 "aligned to %llu)",
			 (unsigned long long)saved->offset,
			 (unsigned long long)(saved->offset + saved->length - 1), dev->devname,
			 (unsigned long long)dev->size, (unsigned long long)dev->align);
		return -ERANGE;
	}
	if (strcmp(saved->devname, dev->devname))
		DIFF("name %s, not %s", saved->devname, dev->devname);
	if (saved->size != dev->size)
		DIFF("size %llu, not %llu", (unsigned long long)saved->size,
		     (unsigned long long)dev->size);
	if (saved->align != dev->align)
		DIFF("alignment %llu, not %llu", (unsigned long long)saved->align,
		     (unsigned long long)dev->align);
	if (strcmp(saved->uuid, dev->uuid))
		DIFF("uuid %s, not %s", saved->uuid[0] ? saved->uuid : "none",
		     dev->uuid[0] ? dev->uuid : "none");
	return off && !force ? -ENODEV : 0;
}

bool journal_same(const struct journal_id *a, const struct journal_id *b)
{
	return !strcmp(a->devname, b->devname) && !strcmp(a->uuid, b->uuid) &&
	       a->major == b->major && a->minor == b->minor && a->size == b->size &&
	       a->align == b->align && a->offset == b->offset && a->length == b->length &&
	       a->crc == b->crc;
}

/* Copies the verified journal open at @fd into the mapped window. */
static int write_back(int fd, int devfd, const struct journal_id *saved, bool pmem2, char *why,
		      size_t wlen)
{
	unsigned char *buf = malloc(CHUNK);
	struct devmem m;
	uint64_t done;
	int ret;

	why[0] = '\0';
	if (!buf)
		return snprintf(why, wlen, "%s", strerror(ENOMEM)), -ENOMEM;
	ret = devmem_map(&m, devfd, (off_t)saved->offset, saved->length, true, pmem2, why,
			 wlen);
	if (!ret && lseek(fd, JOURNAL_HEADER_LEN, SEEK_SET) < 0)
		ret = -errno;
	for (done = 0; !ret && done < saved->length; done += CHUNK) {
		size_t n = saved->length - done < CHUNK ? saved->length - done : CHUNK;

		ret = read_all(fd, buf, n);
		if (!ret)
			devmem_write(&m, done, buf, n);
	}
	if (m.addr)
		devmem_unmap(&m);
	free(buf);
	if (ret && !why[0])
		snprintf(why, wlen, "reading the journal: %s",
			 strerror(ret == -ENODATA ? EIO : -ret));
	return ret == -ENODATA ? -EIO : ret;
}

int journal_restore(struct journal_restore *jr)
{
	char detail[512] = "";
	struct stat st;
	int fd, ret;

	jr->why[0] = '\0';
	/* O_NONBLOCK: a FIFO in its place must not hang us before fstat() says so. */
	fd = open(jr->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(jr->why, sizeof(jr->why), "%s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(jr->why, sizeof(jr->why), "not a regular file");
		close(fd);
		return -EINVAL;
	}
	ret = journal_verify(fd, &jr->saved, jr->why, sizeof(jr->why));
	if (!ret && jr->expect && !journal_same(&jr->saved, jr->expect)) {
		snprintf(jr->why, sizeof(jr->why),
			 "it no longer holds the window this run saved (crc32 %08x, now %08x)",
			 jr->expect->crc, jr->saved.crc);
		ret = -ESTALE;
	}
	if (!ret) {
		ret = journal_check_device(&jr->saved, &jr->dev, jr->force, detail,
					   sizeof(detail));
		if (ret == -ENODEV)
			snprintf(jr->why, sizeof(jr->why),
				 "saved from another device (%s); --force restores it anyway",
				 detail);
		else if (ret)
			snprintf(jr->why, sizeof(jr->why), "%s", detail);
		else if (detail[0])
			snprintf(jr->why, sizeof(jr->why), "restored despite: %s", detail);
	}
	if (!ret) {
		ret = write_back(fd, jr->devfd, &jr->saved, jr->pmem2, detail, sizeof(detail));
		if (ret)
			snprintf(jr->why, sizeof(jr->why), "%s", detail);
	}
	close(fd);
	if (ret)
		return ret;
	/* What is reported is what the device holds now, read back. */
	ret = window_crc(jr->devfd, jr->saved.offset, jr->saved.length, &jr->readback_crc);
	if (ret) {
		snprintf(jr->why, sizeof(jr->why), "reading the window back: %s",
			 strerror(-ret));
		return ret;
	}
	if (jr->readback_crc != jr->saved.crc) {
		snprintf(jr->why, sizeof(jr->why),
			 "the window reads back with crc32 %08x, the journal %08x",
			 jr->readback_crc, jr->saved.crc);
		return -EIO;
	}
	return 0;
}
