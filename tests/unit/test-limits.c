// SPDX-License-Identifier: GPL-2.0-only
/* zd_limits(): the limits a message names are those that are set, as ulimit shows them. */
#include <sys/resource.h>

#include "unit.h"
#include "zdcheck.h"

int main(void)
{
	struct rlimit rl;
	char buf[160];

	EXPECT_STR(zd_limits(0, buf, sizeof(buf)), "");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max >= 64) {
		rl.rlim_cur = 64;
		EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == 0);
		EXPECT_STR(zd_limits(ZD_LIM_FD, buf, sizeof(buf)), " (RLIMIT_NOFILE 64)");
	}
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_max >= (8 << 20)) {
		rl.rlim_cur = 8 << 20;
		EXPECT(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		EXPECT_STR(zd_limits(ZD_LIM_FD | ZD_LIM_MEMLOCK, buf, sizeof(buf)),
			   " (RLIMIT_NOFILE 64, RLIMIT_MEMLOCK 8192 KiB)");
	}
	/* A limit that is not set is not named. */
	if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY)
		EXPECT_STR(zd_limits(ZD_LIM_DATA, buf, sizeof(buf)), "");
	/* The aio note reads /proc/sys/fs. */
	zd_limits(ZD_LIM_AIO, buf, sizeof(buf));
	EXPECT(!buf[0] || (strstr(buf, " (fs.aio-nr ") && strstr(buf, " of fs.aio-max-nr ")));
	return unit_done();
}
