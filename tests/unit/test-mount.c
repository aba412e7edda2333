// SPDX-License-Identifier: GPL-2.0-only
/* mountinfo parsing and the DAX classification that decides exit 77. */
#include "discover/target.h"
#include "unit.h"

static struct mount_info parse(const char *line, bool bdev_dax)
{
	struct mount_info m;
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", line);
	EXPECT(mount_parse_line(buf, &m) == 0);
	m.bdev_dax = bdev_dax;
	mount_classify(&m);
	return m;
}

int main(void)
{
	struct mount_info m;
	char bad[] = "36 35 98:0 / /mnt rw";

	m = parse("98 27 259:1 / /mnt/pmem\\040ext4 rw,relatime shared:50 - ext4 /dev/pmem1 "
		  "rw,dax=always\n",
		  true);
	EXPECT(m.mount_id == 98 && m.major == 259 && m.minor == 1);
	EXPECT_STR(m.mountpoint, "/mnt/pmem ext4");
	EXPECT_STR(m.fstype, "ext4");
	EXPECT_STR(m.source, "/dev/pmem1");
	EXPECT(m.dax == DAX_ALWAYS && !m.read_only);

	/* Legacy "-o dax" is dax=always. */
	m = parse("99 27 259:1 / /mnt/x rw - ext4 /dev/pmem1 rw,dax\n", true);
	EXPECT(m.dax == DAX_ALWAYS);

	/* xfs shows nothing in dax=inode mode: the device decides. */
	m = parse("100 27 259:2 / /mnt/xfs rw,noatime - xfs /dev/pmem2 rw,attr2,inode64\n",
		  true);
	EXPECT(m.dax == DAX_INODE);
	m = parse("101 27 8:1 / / rw - xfs /dev/sda1 rw,attr2,inode64\n", false);
	EXPECT(m.dax == DAX_OFF);
	m = parse("102 27 259:2 / /mnt/n rw - xfs /dev/pmem2 rw,dax=never\n", true);
	EXPECT(m.dax == DAX_NEVER);

	/* No fs-dax at all, whatever the options say. */
	m = parse("30 1 0:26 / /tmp rw,nosuid shared:2 - tmpfs tmpfs rw,dax\n", true);
	EXPECT(m.dax == DAX_OFF);

	/* Read-only from either the mount or the superblock. */
	m = parse("103 27 259:1 / /mnt/ro ro,relatime - ext4 /dev/pmem1 rw,dax\n", true);
	EXPECT(m.read_only);
	m = parse("104 27 259:1 / /mnt/ro2 rw - ext4 /dev/pmem1 ro,dax\n", true);
	EXPECT(m.read_only);
	/* Optional fields between the options and the separator. */
	m = parse("105 27 259:1 / /a rw shared:1 master:2 - ext4 /dev/pmem1 rw,dax=inode\n",
		  true);
	EXPECT(m.dax == DAX_INODE);
	m = parse("106 27 259:1 / /a rw - ext4 /dev/pmem1 rw,dax=inode\n", false);
	EXPECT(m.dax == DAX_OFF);

	EXPECT(mount_parse_line(bad, &m) != 0);
	EXPECT_STR(dax_mode_name(DAX_INODE), "inode");
	return unit_done();
}
