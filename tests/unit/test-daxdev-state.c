// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device-dax instance that has no character device: the line zdcheck
 * devdax prints (and exits 77 with) for each state libdaxctl can report,
 * and none where the state is not the reason.
 */
#include "discover/daxdev.h"
#include "unit.h"

int main(void)
{
	char buf[256];

	EXPECT_STR(daxdev_state_advice("dax0.0", DAXDEV_SYSTEM_RAM, buf, sizeof(buf)),
		   "dax0.0 is in system-ram mode (kmem onlined its memory as RAM): switch it "
		   "back with 'daxctl reconfigure-device -f -m devdax dax0.0', -f to offline "
		   "that memory first");
	EXPECT_STR(daxdev_state_advice("dax1.0", DAXDEV_KMEM_OFFLINE, buf, sizeof(buf)),
		   "dax1.0 is in system-ram mode (kmem holds it, its memory offline): switch "
		   "it back with 'daxctl reconfigure-device -m devdax dax1.0'");
	EXPECT_STR(daxdev_state_advice("dax0.1", DAXDEV_DISABLED, buf, sizeof(buf)),
		   "dax0.1 is disabled (no driver bound): enable it with 'daxctl enable-device "
		   "dax0.1' or 'daxctl reconfigure-device -m devdax dax0.1'");
	/* devdax has its character device; an unknown name is the user's typo. */
	EXPECT(!daxdev_state_advice("dax0.0", DAXDEV_DEVDAX, buf, sizeof(buf)));
	EXPECT(!daxdev_state_advice("dax9.9", DAXDEV_ABSENT, buf, sizeof(buf)));

	/* A short buffer cuts the line, never overruns it. */
	EXPECT(daxdev_state_advice("dax0.0", DAXDEV_SYSTEM_RAM, buf, 8) == buf);
	EXPECT_STR(buf, "dax0.0 ");

	/* probe's "mode": kmem is system-ram whether its memory is online or not. */
	EXPECT_STR(daxdev_mode_name(DAXDEV_DEVDAX), "devdax");
	EXPECT_STR(daxdev_mode_name(DAXDEV_SYSTEM_RAM), "system-ram");
	EXPECT_STR(daxdev_mode_name(DAXDEV_KMEM_OFFLINE), "system-ram");
	EXPECT_STR(daxdev_mode_name(DAXDEV_DISABLED), "disabled");

	/* No libdaxctl device has this name on any machine. */
	EXPECT(daxdev_state_of("dax-no-such.0") == DAXDEV_ABSENT);
	return unit_done();
}
