// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/align/4k and devdax/align/1g: reconfigure the device to another
 * alignment (mutate/devalign.c: libdaxctl on dynamic regions, a fresh
 * namespace claim through libndctl on static pmem), run the device-dax
 * mapping and pin checks there -- the same rows of the table, on the
 * reconfigured device -- and put the original alignment back. The 4K
 * device is served by PTE faults, the 1G one by PUD faults
 * (__dev_dax_pud_fault), paths a 2M device never takes. Destructive: a
 * namespace claim rewrites the info block, and the pins write the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/devdax.h"
#include "mutate/devalign.h"
#include "run/needs.h"

#define PAGE 4096UL

static void add_sub_evidence(const char *line, size_t n, void *arg)
{
	result_evidence(arg, "  %.*s", (int)n, line);
}

/* Runs @row on the reconfigured device and folds its verdict into @r. */
static bool run_at(struct result *r, struct result *sub, const struct check *row,
		   const struct target *at, const struct check_ctx *ctx)
{
	struct check_ctx sctx = *ctx;
	bool exhausted = false;
	const char *why = needs_unmet(row->needs, at, &exhausted);
	char vals[256] = "";
	size_t off = 0;
	unsigned int i;

	if (why && exhausted) {
		result_error(r, "at %lu alignment, %s could not run: %s", at->align, row->name,
			     why);
		return false;
	}
	if (why) {
		result_evidence(r, "at %lu: %s SKIP: %s", at->align, row->name, why);
		return false;
	}
	result_init(sub);
	sctx.target = at;
	sctx.res = sub;
	result_step(r, "%s at %lu alignment", row->name, at->align);
	row->run(row, &sctx);
	for (i = 0; i < sub->nvalues && off < sizeof(vals); i++)
		off += snprintf(vals + off, sizeof(vals) - off, " %s=%lld", sub->values[i].name,
				sub->values[i].value);
	result_evidence(r, "at %lu: %s %s%s%s%s", at->align, row->name,
			status_name(sub->status), sub->reason[0] ? ": " : "", sub->reason,
			vals);
	text_for_each_line(sub->evidence, sub->evidence_len, add_sub_evidence, r);
	switch (sub->status) {
	case STATUS_PASS:
		return true;
	case STATUS_SKIP:
		return false;
	case STATUS_FAIL:
		result_fail(r, "at %lu alignment, %s: %s", at->align, row->name, sub->reason);
		return false;
	default:
		result_error(r, "at %lu alignment, %s could not run: %s", at->align, row->name,
			     sub->reason[0] ? sub->reason : "no verdict");
		return false;
	}
}

void check_devdax_align(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res, *sub;
	unsigned long want = c->flags & CHECK_ALIGN_1G ? 1UL << 30 : PAGE;
	const struct result_value *fault;
	struct devalign_info now;
	struct target *at;
	char how[256] = "";
	unsigned int passed = 0;
	size_t i;
	int ret;

	result_value(r, "align", (long long)want);
	result_step(r, "reconfigure %s to %lu alignment", t->devname, want);
	ret = devalign_set(t->devname, want, how, sizeof(how));
	if (ret) {
		if (devalign_get(t->devname, &now) || now.align != t->align)
			result_fail(r,
				    "%s did not come back at %lu alignment after a refused "
				    "change to %lu: %s",
				    t->devname, t->align, want, how);
		else
			result_skip(r, "%s cannot be aligned to %lu: %s (%s)", t->devname, want,
				    how, strerror(-ret));
		return;
	}
	result_evidence(r, "reconfigured through %s", how);
	if (devalign_get(t->devname, &now) || now.align != want) {
		result_fail(r, "%s reports alignment %lu after being set to %lu", t->devname,
			    now.align, want);
		goto restore;
	}

	/*
	 * dev_dax_validate_align() checks the ranges' lengths, not their
	 * starts: a CXL window need only be 256 MiB aligned. Faulting would
	 * map memory outside the device (and 7.x oopses unmapping it), so the
	 * broken promise is the verdict, untouched.
	 */
	if (now.unaligned) {
		result_fail(r,
			    "%s accepted %lu alignment, but its memory starts at %#llx, not a "
			    "multiple of it: a %lu-byte fault would map %#llx, outside the "
			    "device (not faulted)",
			    t->devname, want, now.unaligned, want,
			    now.unaligned & ~(unsigned long long)(want - 1));
		goto restore;
	}

	at = malloc(sizeof(*at));
	sub = malloc(sizeof(*sub));
	if (!at || !sub) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM,
				   "cannot allocate the checks' results");
		goto out_free;
	}
	*at = *t;
	at->align = now.align;
	at->size = now.size;
	/* A namespace claimed afresh puts its data at another offset. */
	at->phys = now.phys;
	at->phys_len = now.phys_len;
	at->window = now.size < t->window ? now.size : t->window;
	for (i = 0; i < zd_checks.n; i++) {
		if (!check_repeated_at_align(&zd_checks.rows[i]))
			continue;
		if (!run_at(r, sub, &zd_checks.rows[i], at, ctx))
			continue;
		passed++;
		fault = result_get_value(sub, "fault_size");
		if (fault)
			result_value(r, "fault_size", fault->value);
	}
	result_value(r, "passed", passed);
out_free:
	free(at);
	free(sub);
restore:
	result_step(r, "put %s back to %lu alignment", t->devname, t->align);
	ret = devalign_set(t->devname, t->align, how, sizeof(how));
	if (ret || devalign_get(t->devname, &now) || now.align != t->align)
		result_fail(r, "%s could not be put back to %lu alignment: %s", t->devname,
			    t->align, how);
	else if (now.size != t->size)
		result_fail(r, "%s came back with %llu bytes instead of %llu", t->devname,
			    now.size, t->size);
	result_pass(r);
}
