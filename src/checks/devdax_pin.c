// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/PIN/hold: take a page reference on device-dax memory by each
 * route (vmsplice, O_DIRECT reads from a slow device), let it go, and check
 * the data the pin moved. Device-dax pages are idle at refcount 1 on every
 * kernel; since v6.15 faults take folio references too, so a reference
 * that is dropped twice or never shows up as a kernel splat here. Writes
 * stay inside the saved window.
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

void check_devdax_pin(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	struct pin p = { .ops = c->pin, .len = PAGE, .hold_ms = ctx->opt->hold_ms };
	char why[sizeof(r->reason)];
	unsigned char *map;
	uint64_t seed;
	size_t bad;
	int fd;

	map = devdax_map_head(t, r, &fd);
	if (!map)
		return;
	pattern_fill(map, PAGE, ctx->opt->seed, 0);
	if (check_pin_take(&p, map, t, r))
		goto out;
	result_step(r, "hold the %s pin", c->pin->name);
	pin_finish(&p);
	result_value(r, "hold_us", p.released_us - p.taken_us);
	if (p.err) {
		result_fail(r, "the %s pin's I/O failed: %s", c->pin->name, strerror(-p.err));
		goto out;
	}
	if (pin_gone_early(&p, why, sizeof(why))) {
		result_inconclusive(r, "%s", why);
		goto out;
	}

	/* vmsplice reads the page; an O_DIRECT read writes the device's data into it. */
	if (c->pin->extendable) {
		bad = p.back_len == PAGE ? pattern_check(p.back, PAGE, ctx->opt->seed, 0) : 0;
		if (bad != PAGE)
			result_fail(r, "the pipe gave back %zu bytes, wrong from byte %zu",
				    p.back_len, bad);
	} else if (!t->slow.user) {
		seed = t->slow.data_seed;
		bad = pattern_check(map, PAGE, seed, 0);
		if (bad != PAGE)
			result_fail(
				r,
				"the O_DIRECT read's data did not arrive intact: byte %zu of "
				"the page differs from the device's",
				bad);
	}
	result_value(r, "bytes", PAGE);
	result_pass(r);
out:
	free(p.back);
	devdax_unmap_head(t, map, fd);
}
