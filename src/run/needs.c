// SPDX-License-Identifier: GPL-2.0-only
/*
 * Needs are decided by trying the thing, never by kernel version: distro
 * kernels backport, and io_uring can be disabled by sysctl or seccomp.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checks/check.h"
#include "map/pagemap.h"
#include "run/needs.h"

#if HAVE_LIBURING
#include <liburing.h>
#endif
#if HAVE_LIBAIO
#include <libaio.h>
#endif

struct probe_cache {
	bool done;
	bool exhausted; /* the probe ran out of resources: it could not tell */
	char why[200]; /* empty when the need is met */
};

static struct probe_cache cache[8];

/* A probe that failed for want of resources says which limits are set. */
static bool exhausted(int err, unsigned int limits, char *why, size_t len)
{
	char lim[128];
	size_t n = strlen(why);

	if (!zd_exhausted(err))
		return false;
	snprintf(why + n, len - n, "%s", zd_limits(limits, lim, sizeof(lim)));
	return true;
}

static bool probe_root(const struct target *t, char *why, size_t len)
{
	if (geteuid() != 0)
		snprintf(why, len, "needs root");
	return false;
}

static bool probe_io_uring(const struct target *t, char *why, size_t len)
{
#if HAVE_LIBURING
	struct io_uring ring;
	int ret = io_uring_queue_init(2, &ring, 0);

	if (ret < 0) {
		snprintf(why, len, "io_uring %s: io_uring_setup: %s",
			 zd_exhausted(-ret) ? "could not be probed" : "unavailable",
			 strerror(-ret));
		return exhausted(-ret, ZD_LIM_FD | ZD_LIM_MEMLOCK | ZD_LIM_AS, why, len);
	}
	io_uring_queue_exit(&ring);
#else
	snprintf(why, len, "zdcheck was built without liburing");
#endif
	return false;
}

static bool probe_libaio(const struct target *t, char *why, size_t len)
{
#if HAVE_LIBAIO
	io_context_t ctx = 0;
	int ret = io_setup(1, &ctx);

	if (ret < 0) {
		snprintf(why, len, "libaio %s: io_setup: %s",
			 zd_exhausted(-ret) ? "could not be probed" : "unavailable",
			 strerror(-ret));
		return exhausted(-ret, ZD_LIM_AIO | ZD_LIM_MEM, why, len);
	}
	io_destroy(ctx);
#else
	snprintf(why, len, "zdcheck was built without libaio");
#endif
	return false;
}

static bool probe_libpmem2(const struct target *t, char *why, size_t len)
{
	if (!HAVE_LIBPMEM2)
		snprintf(why, len, "zdcheck was built without libpmem2");
	else if (t && t->kind == TARGET_DEVDAX && !t->nd_namespace[0])
		/* map/devmem.h: libpmem2 would crash on it. */
		snprintf(why, len,
			 "libpmem2 maps device-dax only through its libndctl namespace, and %s "
			 "has none (no nd bus provides its memory)",
			 t->devname);
	return false;
}

/* zdcheck builds the device (or opens --pin-device) before the run. */
static bool probe_slow_bdev(const struct target *t, char *why, size_t len)
{
	if (!t || t->slow.fd < 0)
		snprintf(why, len, "%s",
			 t && t->slow.why[0] ? t->slow.why : "no slow block device was set up");
	return t && t->slow.fd < 0 && t->slow.exhausted;
}

static bool probe_destructive(const struct target *t, char *why, size_t len)
{
	if (!t || !t->destructive)
		snprintf(why, len, "needs --destructive: it disables the device");
	return false;
}

static bool probe_pagemap_pfn(const struct target *t, char *why, size_t len)
{
	int ret = pagemap_pfns_shown(why, len);

	return ret < 0 && zd_exhausted(-ret);
}

/* Each fills @why when its need is unmet; true when it ran out of resources. */
static bool (*const probes[])(const struct target *t, char *why, size_t len) = {
	probe_root,	 probe_io_uring,    probe_libaio,      probe_libpmem2,
	probe_slow_bdev, probe_destructive, probe_pagemap_pfn,
};

const char *needs_unmet(unsigned int needs, const struct target *t, bool *exhausted)
{
	unsigned int bit;

	for (bit = 0; bit < sizeof(probes) / sizeof(probes[0]); bit++) {
		struct probe_cache *c = &cache[bit];

		if (!(needs & (1U << bit)))
			continue;
		if (!c->done) {
			c->exhausted = probes[bit](t, c->why, sizeof(c->why));
			c->done = true;
		}
		if (c->why[0] && exhausted)
			*exhausted = c->exhausted;
		if (c->why[0])
			return c->why;
	}
	return NULL;
}

void needs_force(unsigned int need, const char *why)
{
	unsigned int bit = (unsigned int)__builtin_ctz(need);

	cache[bit].done = true;
	cache[bit].exhausted = false;
	snprintf(cache[bit].why, sizeof(cache[bit].why), "%s", why ? why : "");
}

_Static_assert(NEED_ALL >> ARRAY_SIZE(probes) == 0, "every need has a probe");
_Static_assert(ARRAY_SIZE(probes) <= ARRAY_SIZE(cache), "every probe has a cache slot");
