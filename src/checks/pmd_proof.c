// SPDX-License-Identifier: GPL-2.0-only
/*
 * A -pmd check proves something about the PMD paths (dax_iomap_pmd_fault(),
 * the PMD branch of the busy-page search, the splitting of large fs-dax
 * folios from v6.15) only if its pin sat in a PMD mapping. If the fault
 * fell back to PTEs, its pass would repeat its PTE twin's. So the page's
 * fault size, as the kernel reports it (observe/dax_watch.c), decides:
 * a PMD keeps the check's verdict, a fallback where a PMD was possible is
 * the kernel's failure, and anything else cannot back a -pmd verdict.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "checks/check.h"
#include "observe/dax_watch.h"
#include "observe/victims.h"

int pmd_possible(int fd, off_t off, const void *addr, char *why, size_t len)
{
	unsigned long long logical, phys, elen;
	int ret;

	/* dax_fault_check_fallback(): the page's colour must match the file offset's. */
	if (((uintptr_t)addr - (uintptr_t)off) % DAX_PMD_SIZE) {
		snprintf(why, len, "the mapping at %p is not 2 MiB-aligned with the file",
			 addr);
		return 0;
	}
	ret = fiemap_extent(fd, off, DAX_PMD_SIZE, &logical, &phys, &elen);
	if (ret)
		return ret;
	/* The PMD fault maps one extent of the whole 2 MiB, aligned on the device. */
	phys += (unsigned long long)off - logical;
	if (phys % DAX_PMD_SIZE) {
		snprintf(
			why, len,
			"the 2 MiB block at file offset %lld is not 2 MiB-aligned on the device "
			"(physical 0x%llx)",
			(long long)off, phys);
		return 0;
	}
	if (logical + elen < (unsigned long long)off + DAX_PMD_SIZE) {
		snprintf(why, len,
			 "the 2 MiB block at file offset %lld is not one extent: the extent "
			 "at physical 0x%llx ends %llu bytes into it",
			 (long long)off, phys, logical + elen - (unsigned long long)off);
		return 0;
	}
	return 1;
}

enum pmd_action pmd_judge(const struct dax_watch *w, int possible, char *why, size_t len)
{
	const struct dax_fault *t = &w->trace;

	if (w->size == DAX_PMD_SIZE)
		return PMD_KEEP;
	if (!w->size) {
		snprintf(why, len, "could not show a PMD mapping: %s", w->why);
		return PMD_SKIP;
	}
	/* A 4 KiB mapping. Only the events say that the kernel tried a PMD and gave up. */
	if (w->source == DAX_SRC_TRACE && t->fell_back && possible > 0) {
		snprintf(why, len,
			 "the PMD fault of the pinned page fell back to 4 KiB pages although "
			 "the mapping and the extent are 2 MiB-aligned "
			 "(fs_dax:dax_pmd_fault_done returned %s)",
			 t->fallback_result);
		return PMD_FAIL;
	}
	if (w->source == DAX_SRC_TRACE && t->fell_back)
		snprintf(why, len,
			 "could not show a PMD mapping: the PMD fault fell back to 4 KiB pages "
			 "(%s), and %s",
			 t->fallback_result,
			 possible == 0 ? "the extent does not allow a PMD" :
					 "FIEMAP cannot say whether the extent allows one");
	else if (w->source == DAX_SRC_TRACE)
		snprintf(why, len,
			 "could not show a PMD mapping: the pinned page was mapped by a 4 KiB "
			 "fault, and %s",
			 t->pmd_tried ? "no PMD fault of its block mapped or refused it" :
					"the kernel tried no PMD fault for its block");
	else
		snprintf(why, len,
			 "could not show a PMD mapping: %s shows the pinned page mapped by a "
			 "4 KiB entry, and without the fs_dax trace events nothing says why",
			 dax_source_name(w->source));
	return PMD_SKIP;
}

struct trace_lines {
	struct result *r;
	unsigned int n;
};

/* The events themselves, at -v: what a parser test of a new kernel starts from. */
static void trace_line(const char *line, size_t n, void *arg)
{
	struct trace_lines *tl = arg;

	if (tl->n++ < 8)
		result_evidence(tl->r, "fs_dax: %.*s", (int)n, line);
}

void check_fault_stop(struct dax_watch *w, struct result *r)
{
	struct trace_lines tl = { .r = r };

	dax_watch_stop(w, zd_verbose ? trace_line : NULL, &tl);
	if (tl.n > 8)
		result_evidence(r, "fs_dax: %u more events", tl.n - 8);
}

void check_fault_report(const struct dax_watch *w, bool pmd, int possible, struct result *r)
{
	char why[sizeof(r->reason)];

	if (w->size == 0)
		result_evidence(r, "fault size not observable: %s", w->why);
	else if (w->source == DAX_SRC_TRACE)
		result_evidence(r, "fault size %ld, from the fs_dax trace events: %s", w->size,
				w->trace.deciding);
	else
		result_evidence(r, "fault size %ld, from %s (%s)", w->size,
				dax_source_name(w->source), w->why);
	if (w->size)
		result_value(r, "fault_size", w->size);
	if (w->trace.fell_back)
		result_evidence(r, "a PMD fault of its 2 MiB block fell back: %s",
				w->trace.fallback);
	if (!pmd)
		return;
	switch (pmd_judge(w, possible, why, sizeof(why))) {
	case PMD_KEEP:
		break;
	case PMD_FAIL:
		/* An error proved nothing either way; a retry will find the fallback again. */
		if (r->status == STATUS_ERROR)
			result_evidence(r, "%s", why);
		else
			result_fail(r, "%s", why);
		break;
	case PMD_SKIP:
		/* Only a pass becomes a skip: what a check found is never hidden. */
		if (r->status == STATUS_PASS)
			result_skip(r, "%s", why);
		else
			result_evidence(r, "%s", why);
		break;
	}
}
