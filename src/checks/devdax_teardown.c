// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/teardown/disable-mapped and -pinned: disable the device through
 * libdaxctl (driver unbind) while zdcheck maps it, and, in the others, while
 * a pin holds one of its pages: a vmsplice reference, or an O_DIRECT read
 * into the page queued behind dm-delay. Unbind zaps user mappings
 * (kill_dev_dax()): the next access must raise SIGBUS and a new mmap must
 * fail. It does not wait for page references, so the pin is let go after
 * the device is gone -- the pipe is closed, or the delayed read lands in
 * the page and its bio unpins it: the put then reaches pages whose pgmap
 * is being torn down, the case the kernel must survive. Whether disable
 * waited is reported; re-enabling must give back a working device with
 * the data it had before the disable. Destructive: only with --destructive.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/devdax.h"
#include "map/pattern.h"

#define PAGE 4096UL

static sigjmp_buf fault_env;

static void on_sigbus(int sig)
{
	siglongjmp(fault_env, 1);
}

/* Reads one byte; true if that raised SIGBUS. */
static bool faults(volatile unsigned char *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile bool hit = false;
	unsigned char sink;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(fault_env, 1) == 0) {
		sink = *p;
		(void)sink;
	} else {
		hit = true;
	}
	sigaction(SIGBUS, &old, NULL);
	return hit;
}

/*
 * @late: the seed of an O_DIRECT read that was still queued when the device
 * went away (0: none). Its data landing after the disable is what unbind
 * not waiting means; it is reported, not judged.
 */
static void reenable(struct result *r, struct daxctl_dev *dev, const struct target *t,
		     uint64_t seed, uint64_t late)
{
	unsigned char *map;
	int fd, ret;

	result_step(r, "daxctl_dev_enable_devdax()");
	ret = daxctl_dev_enable_devdax(dev);
	if (ret) {
		result_fail(r, "re-enabling %s failed: %s", t->devname, strerror(-ret));
		return;
	}
	fd = devdax_reopen(t->path);
	if (fd < 0) {
		result_fail(r, "%s did not come back after re-enabling: %s", t->path,
			    strerror(errno));
		return;
	}
	map = mmap(NULL, t->align, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		if (!result_exhausted(r, errno, "cannot map %s after re-enabling", t->path))
			result_fail(r, "mapping %s after re-enabling: %s", t->path,
				    strerror(errno));
	} else {
		if (late && pattern_check(map, PAGE, late, 0) == PAGE) {
			result_value(r, "late_read_landed", 1);
			result_evidence(r, "the O_DIRECT read queued before the disable "
					   "landed in the device's memory after it");
		} else if (pattern_check(map, PAGE, seed, 0) != PAGE) {
			result_fail(r,
				    "after disable and enable the device's first page lost its "
				    "data");
		} else if (late) {
			result_value(r, "late_read_landed", 0);
		}
		munmap(map, t->align);
	}
	close(fd);
}

void check_devdax_teardown(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	struct pin p = { .ops = c->pin, .len = PAGE, .hold_ms = ctx->opt->hold_ms };
	bool pinned = c->pin != NULL;
	struct daxctl_ctx *dctx = NULL;
	struct daxctl_dev *dev;
	unsigned char *map, *again;
	long long t0, t1;
	int fd, ret;

	map = devdax_map_head(t, r, &fd);
	if (!map)
		return;
	if (daxctl_new(&dctx)) {
		result_error(r, "libdaxctl: %s", strerror(errno));
		goto out_map;
	}
	daxctl_set_log_priority(dctx, 0);
	dev = daxdev_find(dctx, t->devname);
	if (!dev) {
		result_error(r, "libdaxctl does not know %s", t->devname);
		goto out_map;
	}
	pattern_fill(map, PAGE, ctx->opt->seed, 0);
	if (pinned) {
		if (check_pin_take(&p, map, t, r))
			goto out_map;
	}

	result_step(r, "daxctl_dev_disable() while %s", pinned ? "pinned" : "mapped");
	t0 = now_us();
	ret = daxctl_dev_disable(dev);
	t1 = now_us();
	result_value(r, "disable_us", t1 - t0);
	if (pinned && p.ops->in_flight)
		/* The read still queued: disable did not wait for the pin. */
		result_value(r, "disable_waited", !p.ops->in_flight(&p));
	else if (pinned)
		result_value(r, "disable_waited", p.release_us && t1 >= p.release_us);
	if (ret) {
		/* Refusing to unbind a device in use is a legitimate answer. */
		result_evidence(r, "disable refused: %s", strerror(-ret));
		result_value(r, "disabled", 0);
		if (pinned)
			pin_finish(&p);
		result_pass(r);
		goto out_map;
	}
	result_value(r, "disabled", 1);

	result_step(r, "touch the old mapping");
	if (!faults(map))
		result_fail(r, "the mapping still worked after the device was disabled");
	result_step(r, "mmap the disabled device");
	again = mmap(NULL, t->align, PROT_READ, MAP_SHARED, fd, 0);
	result_value(r, "mmap_errno", again == MAP_FAILED ? errno : 0);
	/* Refused for want of address space: whether the device refused is unknown. */
	if (again == MAP_FAILED)
		result_exhausted(r, errno, "cannot try to map the disabled device");
	if (again != MAP_FAILED) {
		result_fail(r, "a new mapping of the disabled device succeeded");
		munmap(again, t->align);
	}
	if (pinned) {
		/* The pages' last references go away after their device did. */
		result_step(r, "let go of the %s pin after the disable", c->pin->name);
		pin_finish(&p);
		if (p.err)
			result_evidence(r, "the %s read ended with: %s", c->pin->name,
					strerror(-p.err));
		if (p.ops->extendable && p.back_len != PAGE)
			result_evidence(r, "the pipe gave back %zu bytes: %s", p.back_len,
					strerror(-p.err));
	}
	/* Our mapping and descriptor go before the device comes back. */
	devdax_unmap_head(t, map, fd);
	map = NULL;
	reenable(r, dev, t, ctx->opt->seed,
		 pinned && !c->pin->extendable && !t->slow.user ? t->slow.data_seed : 0);
	result_pass(r);
out_map:
	if (map)
		devdax_unmap_head(t, map, fd);
	free(p.back);
	if (dctx)
		daxctl_unref(dctx);
}
