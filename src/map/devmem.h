/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DEVMEM_H
#define ZD_DEVMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * A window of device memory (device-dax) mapped shared. With libpmem2 the
 * mapping is pmem2's and stores go through its non-temporal memcpy and
 * persist, the way applications write persistent memory; without it, a
 * plain mapping and memcpy.
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
void devmem_unmap(struct devmem *m);

#endif
