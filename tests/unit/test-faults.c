// SPDX-License-Identifier: GPL-2.0-only
/*
 * The three formats of device-dax's fault debug line (dev_dax_huge_fault())
 * and lines from the same device that are not faults, orders no fault can
 * be served at, and records user space wrote. The v6.11+ lines are
 * copied from a 7.3 guest's log; the older ones follow the kernel source.
 */
#include "observe/faults.h"
#include "observe/kmsg.h"
#include "unit.h"

#define NEEDLE " dax0.0: zdcheck: "

static int order(const char *line)
{
	return fault_line_order(line, strlen(line));
}

/* A raw /dev/kmsg record, parsed, then read as a fault line of dax0.0 by zdcheck. */
static int record_order(const char *raw)
{
	struct kmsg_record rec;

	if (kmsg_parse(raw, strlen(raw), &rec))
		return -2;
	return fault_record_order(&rec, NEEDLE);
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

	/* Only orders a fault can be served at, up to PUD (18 with 4K pages). */
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7f0000000000 order=19") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7f0000000000 order=64") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7f0000000000 "
		     "order=99999999999999999999") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7f0000000000 order=-1") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: op=read addr=0x7f0000000000 order=") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: write (0x7f0000000000 - 0x7f0040000000) "
		     "order:4096") == -1);
	EXPECT(order("device_dax dax0.0: zdcheck: read (0x1000 - 0x2000) size = 99999999999") ==
	       -1);

	/* The kernel's record (facility 0, here dev_dbg's level 7) counts. */
	EXPECT(record_order("7,1520,8221573,-;device_dax dax0.0: zdcheck: op=read "
			    "addr=0x7f6dd9e00000 order=9\n SUBSYSTEM=dax\n") == 9);
	/* The same line written to /dev/kmsg from user space (facility 1): ignored. */
	EXPECT(record_order("15,1521,8221580,-;device_dax dax0.0: zdcheck: op=read "
			    "addr=0x7f6dd9e00000 order=0\n") == -1);
	/* Another device, or another task, is not this fault. */
	EXPECT(record_order("7,1522,8221590,-;device_dax dax1.0: zdcheck: op=read "
			    "addr=0x7f6dd9e00000 order=0\n") == -1);
	EXPECT(record_order("7,1523,8221599,-;device_dax dax0.0: other: op=read "
			    "addr=0x7f6dd9e00000 order=0\n") == -1);
	EXPECT(record_order("7,1524,8221600,-;device_dax dax0.0: zdcheck: op=read "
			    "addr=0x7f6dd9e00000 order=30\n") == -1);
	return unit_done();
}
