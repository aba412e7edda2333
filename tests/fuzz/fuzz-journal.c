// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device-dax journal as --restore reads it: the header parser, the whole
 * file's verification (through a memfd, as from disk) and the check of its
 * window against a device. Whatever is accepted must fit that device.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "map/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct journal_id dev = {
		.devname = "dax0.0",
		.size = 1ULL << 30,
		.align = 4096,
		.uuid = "5e0e6a4c-2f4e-4b6a-9d3c-0123456789ab",
	};
	struct journal_id id;
	char why[768];
	int fd;

	if (journal_parse_header(data, size, &id, why, sizeof(why)) == 0) {
		FUZZ_ASSERT(id.offset == 0 && id.length && memchr(id.devname, 0, 32));
		if (journal_check_device(&id, &dev, true, why, sizeof(why)) == 0)
			FUZZ_ASSERT(id.length <= dev.size && id.length % dev.align == 0);
	}
	fd = memfd_create("journal", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    journal_verify(fd, &id, why, sizeof(why)) == 0)
		FUZZ_ASSERT(JOURNAL_HEADER_LEN + id.length == size);
	close(fd);
	return 0;
}
