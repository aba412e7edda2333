/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DEVMEM_H
#define ZD_DEVMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A window of device memory (device-dax) mapped shared. With libpmem2 the
 * mapping is pmem2's and what is written is made persistent the ways
 * applications do it: its non-temporal memcpy, or stores and its persist
 * (flush the lines, drain); without it, a plain mapping and msync.
 */
struct devmem {
	unsigned char *addr;
	size_t len;
	bool pmem2;
	void *priv; /* struct pmem2_map, config, source */
};

/*
 * @pmem2: libpmem2 may map the device. libpmem2 (1.12) looks a device-dax
 * up among libndctl's namespaces and dereferences NULL when none provides
 * it (pmem2_device_dax_alignment()): CXL RAM, hmem. Those get mmap.
 */
int devmem_map(struct devmem *m, int fd, off_t off, size_t len, bool writable, bool pmem2,
	       char *why, size_t wlen);
/* Copies into the window and makes it persistent. */
void devmem_write(struct devmem *m, size_t off, const void *src, size_t len);
/*
 * Stores the pattern of @seed (map/pattern.h) at [@off, @off + @len) of the
 * window and makes it persistent: generated in place, not copied from a
 * buffer, so writing the window costs what copying into it would.
 */
void devmem_fill(struct devmem *m, size_t off, size_t len, uint64_t seed);
void devmem_unmap(struct devmem *m);

#endif
