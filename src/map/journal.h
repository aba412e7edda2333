/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_JOURNAL_H
#define ZD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Nothing lost on device-dax: before any check writes, the window's bytes
 * are saved to a journal file (fsync'ed), and put back at the end. A run
 * killed with SIGKILL, or a machine that crashed, is put back with
 * "zdcheck devdax --restore JOURNAL DEVICE"; the journal names the device
 * (by number) so it cannot be restored onto another one.
 */
struct journal_id {
	char devname[32];
	unsigned int major, minor;
	uint64_t offset, length;
	uint32_t crc; /* crc32 of the saved bytes */
};

/* crc32 of a device window, read through a read-only mapping. */
int window_crc(int devfd, uint64_t off, uint64_t len, uint32_t *crc);
int journal_save(const char *path, int devfd, struct journal_id *id);
int journal_read_id(const char *path, struct journal_id *id);
/*
 * Writes the journal back into the window @devfd must be, then checks the
 * window's crc32 against the journal's. Returns 0, -ESTALE on a mismatch,
 * -ENODEV for another device, or another -errno.
 */
int journal_restore(const char *path, int devfd, unsigned int major, unsigned int minor,
		    struct journal_id *id, char *why, size_t wlen);

#endif
