// SPDX-License-Identifier: GPL-2.0-only
/*
 * The three formats of device-dax's fault debug line (dev_dax_huge_fault())
 * and lines from the same device that are not faults. The v6.11+ lines are
 * copied from a 7.3 guest's log; the older ones follow the kernel source.
 */
#include "observe/faults.h"
#include "unit.h"

static int order(const char *line)
{
	return fault_line_order(line, strlen(line));
}

int main(void)
{
	/* v6.11+: op=, addr=, order= */
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7f6dd9e00000 order=9") == 9);
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7fe4c97aa000 order=0") == 0);
	EXPECT(order("device_dax dax0.0: zdcheck: op=write addr=0x7f0000000000 order=18") ==
	       18);
	/* v6.7-v6.10: the VMA range, then order: */
	EXPECT(order("device_dax dax0.0: zdcheck: write (0x7f0000000000 - 0x7f0040000000) "
		     "order:18") == 18);
	/* up to v6.6: enum page_entry_size */
	EXPECT(order("device_dax dax0.0: zdcheck: read (0x7f6dd9e00000 - 0x7f6dda000000) "
		     "size = 1") == 9);
	EXPECT(order("device_dax dax0.0: zdcheck: read (0x7f6dd9e00000 - 0x7f6dd9e01000) "
		     "size = 0") == 0);
	EXPECT(order("device_dax dax0.0: zdcheck: write (0x7f0000000000 - 0x7f0040000000) "
		     "size = 2") == 18);
	/* Same device, not a fault */
	EXPECT(order("device_dax dax0.0: zdcheck: dax_mmap_prepare: fail, attempted private "
		     "mapping") == -1);
	EXPECT(order("device_dax dax0.0: alignment (0x200000) > fault size (0x1000)") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: read (0x1000 - 0x2000) size = 7") == -1);
	return unit_done();
}
