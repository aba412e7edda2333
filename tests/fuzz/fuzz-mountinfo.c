// SPDX-License-Identifier: GPL-2.0-only
/* A /proc/self/mountinfo line through mount_parse_line() and mount_classify(). */
#include "discover/target.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_string(data, size);
	struct mount_info m;

	if (!line)
		return 0;
	if (!mount_parse_line(line, &m)) {
		FUZZ_ASSERT(strlen(m.mountpoint) < sizeof(m.mountpoint));
		FUZZ_ASSERT(strlen(m.fstype) < sizeof(m.fstype));
		FUZZ_ASSERT(strlen(m.source) < sizeof(m.source));
		/* The device's own DAX flag comes from sysfs: try both answers. */
		m.bdev_dax = false;
		mount_classify(&m);
		FUZZ_ASSERT(m.dax != DAX_INODE);
		m.bdev_dax = true;
		mount_classify(&m);
		FUZZ_ASSERT(m.dax <= DAX_NEVER);
	}
	free(line);
	return 0;
}
