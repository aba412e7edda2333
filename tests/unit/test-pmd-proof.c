// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a -pmd check's verdict becomes from the fault size of its pinned
 * page: a PMD keeps it, a fallback where a PMD was possible fails, nothing
 * shown skips a pass; and a failure or error the check found stays.
 */
#include "checks/check.h"
#include "observe/dax_watch.h"
#include "unit.h"

static struct dax_watch watch(long size, enum dax_source src, bool fell_back)
{
	struct dax_watch w;

	memset(&w, 0, sizeof(w));
	w.stopped = true;
	w.size = size;
	w.source = src;
	w.trace.pmd_tried = fell_back;
	w.trace.fell_back = fell_back;
	snprintf(w.trace.fallback_result, sizeof(w.trace.fallback_result), "FALLBACK");
	if (!size)
		snprintf(w.why, sizeof(w.why), "tracefs: not mounted at /sys/kernel/tracing");
	return w;
}

static void test_judge(void)
{
	struct dax_watch w;
	char why[512];

	w = watch(DAX_PMD_SIZE, DAX_SRC_TRACE, false);
	EXPECT(pmd_judge(&w, 1, why, sizeof(why)) == PMD_KEEP);
	w = watch(DAX_PMD_SIZE, DAX_SRC_SCAN, false);
	EXPECT(pmd_judge(&w, -5, why, sizeof(why)) == PMD_KEEP);

	w = watch(0, DAX_SRC_NONE, false);
	EXPECT(pmd_judge(&w, 1, why, sizeof(why)) == PMD_SKIP);
	EXPECT_STR(why,
		   "could not show a PMD mapping: tracefs: not mounted at /sys/kernel/tracing");

	/* A proven fallback fails only where a PMD was possible. */
	w = watch(DAX_PTE_SIZE, DAX_SRC_TRACE, true);
	EXPECT(pmd_judge(&w, 1, why, sizeof(why)) == PMD_FAIL);
	EXPECT(strstr(why, "fell back") && strstr(why, "dax_pmd_fault_done returned FALLBACK"));
	EXPECT(pmd_judge(&w, 0, why, sizeof(why)) == PMD_SKIP);
	EXPECT(!strncmp(why, "could not show a PMD mapping: ", 30));
	EXPECT(pmd_judge(&w, -61, why, sizeof(why)) == PMD_SKIP);
	/* A 4 KiB mapping the kernel never tried a PMD for, or one only PAGEMAP_SCAN saw. */
	w = watch(DAX_PTE_SIZE, DAX_SRC_TRACE, false);
	EXPECT(pmd_judge(&w, 1, why, sizeof(why)) == PMD_SKIP);
	w = watch(DAX_PTE_SIZE, DAX_SRC_SCAN, false);
	EXPECT(pmd_judge(&w, 1, why, sizeof(why)) == PMD_SKIP);
	EXPECT(strstr(why, "PAGEMAP_SCAN") != NULL);
}

static void test_report(void)
{
	struct dax_watch shown = watch(DAX_PMD_SIZE, DAX_SRC_TRACE, false);
	struct dax_watch none = watch(0, DAX_SRC_NONE, false);
	struct dax_watch fell = watch(DAX_PTE_SIZE, DAX_SRC_TRACE, true);
	const struct result_value *v;
	struct result r;

	/* A PMD keeps the pass, with its size. */
	result_init(&r);
	result_pass(&r);
	check_fault_report(&shown, true, 1, &r);
	EXPECT(r.status == STATUS_PASS);
	v = result_get_value(&r, "fault_size");
	EXPECT(v && v->value == DAX_PMD_SIZE);

	/* No proof: a pass becomes a skip, a failure stays, with the reason as evidence. */
	result_init(&r);
	result_pass(&r);
	check_fault_report(&none, true, 1, &r);
	EXPECT(r.status == STATUS_SKIP &&
	       !strncmp(r.reason, "could not show a PMD mapping", 28));
	EXPECT(!result_get_value(&r, "fault_size"));
	result_init(&r);
	result_fail(&r, "ftruncate(0) never woke up");
	check_fault_report(&none, true, 1, &r);
	EXPECT(r.status == STATUS_FAIL);
	EXPECT_STR(r.reason, "ftruncate(0) never woke up");
	EXPECT(strstr(r.evidence, "could not show a PMD mapping") != NULL);
	/* A skip of its own (the filesystem refuses the change) keeps its reason. */
	result_init(&r);
	result_skip(&r, "the filesystem refuses ioctl(FICLONERANGE)");
	check_fault_report(&none, true, 1, &r);
	EXPECT(r.status == STATUS_SKIP);
	EXPECT_STR(r.reason, "the filesystem refuses ioctl(FICLONERANGE)");

	/* A proven fallback fails a pass; a failure keeps its reason first. */
	result_init(&r);
	result_pass(&r);
	check_fault_report(&fell, true, 1, &r);
	EXPECT(r.status == STATUS_FAIL && strstr(r.reason, "fell back"));
	v = result_get_value(&r, "fault_size");
	EXPECT(v && v->value == DAX_PTE_SIZE);
	result_init(&r);
	result_fail(&r, "ftruncate(0) never woke up");
	check_fault_report(&fell, true, 1, &r);
	EXPECT_STR(r.reason, "ftruncate(0) never woke up");
	EXPECT(strstr(r.evidence, "also: the PMD fault") != NULL);
	/* An error stays an error: the check proved nothing, a retry will tell. */
	result_init(&r);
	result_inconclusive(&r, "the mutator thread ran late");
	check_fault_report(&fell, true, 1, &r);
	EXPECT(r.status == STATUS_ERROR && r.inconclusive);

	/* A PTE twin only reports its size. */
	result_init(&r);
	result_pass(&r);
	check_fault_report(&fell, false, 0, &r);
	EXPECT(r.status == STATUS_PASS);
	v = result_get_value(&r, "fault_size");
	EXPECT(v && v->value == DAX_PTE_SIZE);
}

int main(void)
{
	test_judge();
	test_report();
	return unit_done();
}
