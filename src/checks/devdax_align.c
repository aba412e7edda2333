// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/align/4k and devdax/align/1g: reconfigure the device to another
 * alignment through libdaxctl (disable, set align, enable), check that
 * mapping follows it (aligned mappings work, stores read back, a length
 * that is not a multiple is refused, a vmsplice pin takes and lets go),
 * and put the original alignment back. Destructive: the device is
 * unbound twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/devdax.h"
#include "map/pattern.h"

#define PAGE 4096UL

static int set_align(struct daxctl_dev *dev, unsigned long align)
{
	int ret = daxctl_dev_disable(dev);

	if (!ret)
		ret = daxctl_dev_set_align(dev, align);
	/* Enable in any case: a device left disabled is worse than a refusal. */
	return daxctl_dev_enable_devdax(dev) ?: ret;
}

/* Map, store, pin and refuse at @align, as devdax/map and /hold do at 2M. */
static void exercise(struct result *r, const struct target *t, unsigned long align,
		     uint64_t seed, unsigned int hold_ms)
{
	struct pin p = { .ops = &pin_vmsplice, .len = PAGE, .hold_ms = hold_ms };
	unsigned char *map;
	void *bad;
	int fd = devdax_reopen(t->path);

	if (fd < 0) {
		result_fail(r, "%s did not come back at %lu alignment: %s", t->path, align,
			    strerror(errno));
		return;
	}
	map = mmap(NULL, align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		result_fail(r, "mapping %lu bytes at %lu alignment: %s", align, align,
			    strerror(errno));
		goto out;
	}
	if ((unsigned long)map & (align - 1))
		result_fail(r, "mapping at %p is not %lu-aligned", (void *)map, align);
	pattern_fill(map, PAGE, seed, 0);
	if (pattern_check(map, PAGE, seed, 0) != PAGE)
		result_fail(r, "stores at %lu alignment did not read back", align);
	p.addr = map;
	if (pin_take(&p)) {
		result_fail(r, "vmsplice pin at %lu alignment not taken", align);
	} else {
		pin_finish(&p);
		if (p.back_len != PAGE || pattern_check(p.back, PAGE, seed, 0) != PAGE)
			result_fail(r, "the pipe gave back wrong data at %lu alignment", align);
	}
	free(p.back);
	munmap(map, align);
	if (align > PAGE) {
		bad = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
		if (bad != MAP_FAILED) {
			result_fail(r, "a one-page mapping succeeded at %lu alignment", align);
			munmap(bad, PAGE);
		}
	}
out:
	close(fd);
}

void check_devdax_align(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	unsigned long want = c->flags & CHECK_ALIGN_1G ? 1UL << 30 : PAGE, orig;
	struct daxctl_ctx *dctx;
	struct daxctl_dev *dev;
	int ret;

	if (daxctl_new(&dctx)) {
		result_error(r, "libdaxctl: %s", strerror(errno));
		return;
	}
	daxctl_set_log_priority(dctx, 0);
	dev = devdax_find(dctx, t->devname);
	if (!dev) {
		result_error(r, "libdaxctl does not know %s", t->devname);
		goto out;
	}
	orig = daxctl_dev_get_align(dev);
	result_value(r, "align", (long long)want);
	if (t->size % want) {
		result_skip(r, "%s's %llu bytes are not a multiple of %lu: no %lu alignment",
			    t->devname, t->size, want, want);
		goto out;
	}
	result_step(r, "reconfigure %s to %lu alignment", t->devname, want);
	ret = set_align(dev, want);
	if (ret) {
		/* The region decides what it supports; -EINVAL is its answer. */
		if (daxctl_dev_get_align(dev) != orig)
			set_align(dev, orig);
		result_skip(r,
			    "%s's alignment cannot be set to %lu through libdaxctl (%s): "
			    "on a static pmem region the namespace fixes it",
			    t->devname, want, strerror(-ret));
		goto out;
	}
	if (daxctl_dev_get_align(dev) != want)
		result_fail(r, "%s reports alignment %lu after setting %lu", t->devname,
			    daxctl_dev_get_align(dev), want);
	exercise(r, t, want, ctx->opt->seed, ctx->opt->hold_ms);

	result_step(r, "put %s back to %lu alignment", t->devname, orig);
	ret = set_align(dev, orig);
	if (ret || daxctl_dev_get_align(dev) != orig)
		result_fail(r, "%s could not be put back to %lu alignment: %s", t->devname,
			    orig, strerror(-ret));
	result_pass(r);
out:
	daxctl_unref(dctx);
}
