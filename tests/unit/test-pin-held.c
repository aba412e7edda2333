// SPDX-License-Identifier: GPL-2.0-only
/*
 * pin_still_held() on a slow device whose reads are counted in a file
 * shaped like sysfs "inflight" ("<reads> <writes>"): a change that
 * returned early is proven to have returned under the pin only while the
 * device still has the read.
 */
#include <stdlib.h>
#include <unistd.h>

#include "pin/pin.h"
#include "unit.h"

static bool reading(struct pin *p)
{
	(void)p;
	return true;
}

static const struct pin_ops device_pin = { .name = "aio", .in_flight = reading };
static const struct pin_ops own_pin = { .name = "vmsplice", .extendable = true };

static void count(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	EXPECT(f && fputs(text, f) >= 0);
	if (f)
		fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/zd-test-pin-held.XXXXXX";
	struct slowdev dev = { .fd = -1 };
	struct pin p = { .ops = &device_pin, .dev = &dev };
	int reads = 42;

	if (!mkdtemp(dir))
		return 1;
	snprintf(dev.inflight, sizeof(dev.inflight), "%s/inflight", dir);

	count(dev.inflight, "       1        0\n");
	EXPECT(pin_still_held(&p, &reads) && reads == 1);
	/* The read ended before the change's return was looked at. */
	count(dev.inflight, "       0        0\n");
	EXPECT(!pin_still_held(&p, &reads) && reads == 0);
	EXPECT(!pin_still_held(&p, NULL));
	/* Reads that cannot be counted: the device's delay is trusted. */
	unlink(dev.inflight);
	EXPECT(pin_still_held(&p, &reads) && reads == -1);
	/* A pin we let go ourselves is held until we do. */
	p.ops = &own_pin;
	p.dev = NULL;
	EXPECT(pin_still_held(&p, &reads) && reads == -1);

	rmdir(dir);
	return unit_done();
}
