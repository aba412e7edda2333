/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_JOURNAL_H
#define ZD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Nothing lost on device-dax: before any check writes, the window's bytes
 * are saved to a journal file (the file and its directory fsync'ed), and put
 * back at the end. A run killed with SIGKILL, or a machine that crashed, is
 * put back with "zdcheck devdax --restore JOURNAL DEVICE".
 *
 * A journal is trusted with a user's data only after all of it was read
 * and checked: header checksum, the device it names, a window inside that
 * device, and the crc32 of the saved bytes. Nothing is written before.
 */
#define JOURNAL_UUID_LEN 37

/* A device's identity and the window saved from it. */
struct journal_id {
	char devname[32];
	/* Recorded for the reader, never compared: they change across reboots. */
	unsigned int major, minor;
	uint64_t size; /* the device's size and alignment */
	uint64_t align;
	char uuid[JOURNAL_UUID_LEN]; /* stable id (dax claim or region), "" if none */
	uint64_t offset, length; /* the window */
	uint32_t crc; /* crc32 of the saved bytes */
};

/* The header's size on disk; the saved bytes follow it. */
#define JOURNAL_HEADER_LEN 136

/* crc32 of a device window, read through a read-only mapping. */
int window_crc(int devfd, uint64_t off, uint64_t len, uint32_t *crc);
/*
 * Saves @id's window of @devfd to a new file @path (O_EXCL) and makes it
 * durable; sets id->crc. Returns 0 or -errno.
 */
int journal_save(const char *path, int devfd, struct journal_id *id);

/*
 * Parses and checks a journal header (magic, version, header checksum,
 * sane fields). Returns 0, or -EBADMSG with the reason in @why.
 */
int journal_parse_header(const void *buf, size_t len, struct journal_id *id, char *why,
			 size_t wlen);
/*
 * Reads the whole journal open at @fd: its header, a size that is exactly
 * header + window, and the saved bytes against their crc32. Returns 0,
 * -EBADMSG (a bad journal) or another -errno (cannot read), with @why set.
 */
int journal_verify(int fd, struct journal_id *id, char *why, size_t wlen);
/*
 * Whether a journal's window may be written to device @dev: -ERANGE when it
 * does not fit the device (never overridable), -ENODEV when the identity
 * differs and !@force; @why names every difference either way (empty when
 * there is none). Returns 0 otherwise.
 */
int journal_check_device(const struct journal_id *saved, const struct journal_id *dev,
			 bool force, char *why, size_t wlen);
/* Whether two descriptions of one window agree in every field. */
bool journal_same(const struct journal_id *a, const struct journal_id *b);

struct journal_restore {
	/* in */
	const char *path;
	int devfd;
	struct journal_id dev; /* the device as it is now */
	const struct journal_id *expect; /* the window this run saved; NULL: --restore */
	bool force; /* restore onto a device whose identity differs */
	bool pmem2; /* libpmem2 may map the device (devmem_map) */
	/* out */
	struct journal_id saved; /* what the journal's header says */
	uint32_t readback_crc; /* the window read back after writing */
	char why[768]; /* the reason for a refusal or failure; a note on success */
};

/*
 * Verifies the journal completely and against the device, only then writes
 * it back, and reads the window back. Returns 0; -EBADMSG, -ERANGE, -ENODEV
 * (see above), -ESTALE (not the window this run saved) or -EINVAL (not a
 * regular file), all with the device untouched; -EIO when what was written
 * does not read back; another -errno.
 */
int journal_restore(struct journal_restore *jr);

#endif
