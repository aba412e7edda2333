// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device pin's in_flight() asked from another thread after its holder
 * let go, as stress and devdax teardown ask it: it must answer "done" from
 * what the pin still owns, not touch an aio context or a ring the holder
 * destroyed (a 7.x stress run died with SIGSEGV in libaio's io_getevents
 * that way). The reads come from a small file here: they complete at once,
 * so the holder lets go as soon as its hold ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pin/pin.h"
#include "zdcheck.h"
#include "unit.h"

#define LEN 4096

static void after_release(const struct pin_ops *ops, int fd)
{
	static unsigned char buf[LEN] __attribute__((aligned(LEN)));
	struct pin p = { .ops = ops, .addr = buf, .len = LEN, .hold_ms = 5, .src_fd = fd };
	int ret;

	memset(buf, 0, sizeof(buf));
	ret = pin_take(&p);
	if (ret == -EOPNOTSUPP || ret == -ENOSYS || ret == -EPERM) {
		fprintf(stderr, "%s: not here (%s), left out\n", ops->name, strerror(-ret));
		return;
	}
	EXPECT(ret == 0);
	if (ret)
		return;
	/* Well past release_at: the holder has reaped the read and let go. */
	usleep(200 * 1000);
	EXPECT(!ops->in_flight(&p));
	EXPECT(!ops->in_flight(&p));
	pin_finish(&p);
	EXPECT(p.err == 0 && p.released_us >= p.release_us);
	EXPECT(buf[0] == 'z' && buf[LEN - 1] == 'z');
	EXPECT(p.priv == NULL);
	pin_finish(&p); /* twice is harmless */
}

int main(void)
{
	char path[] = "/tmp/zd-test-pin-release.XXXXXX";
	char data[LEN];
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	unlink(path);
	memset(data, 'z', sizeof(data));
	EXPECT(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	if (HAVE_LIBAIO)
		after_release(&pin_dio_aio, fd);
	if (HAVE_LIBURING)
		after_release(&pin_dio_uring, fd);
	close(fd);
	return unit_done();
}
