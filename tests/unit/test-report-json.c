// SPDX-License-Identifier: GPL-2.0-only
/* The JSON report round-trips through json-c with every documented field. */
#include <stdlib.h>

#include "report/report.h"
#include "unit.h"

static const struct check rows[] = {
	{ .name = "fsdax/dax/statx-mapsync",
	  .summary = "s",
	  .expect = "e",
	  .guards = "g",
	  .target = TARGET_FSDAX,
	  .timeout_s = 30 },
	{ .name = "fsdax/vmsplice-pmd/truncate-0",
	  .summary = "s2",
	  .pin = &pin_vmsplice,
	  .mutation = &mut_truncate_0,
	  .flags = CHECK_PMD,
	  .expect = "e2",
	  .guards = "g2",
	  .target = TARGET_FSDAX,
	  .needs = NEED_ROOT | NEED_IO_URING,
	  .timeout_s = 60 },
};
static const struct check_table table = { rows, 2 };

static json_object *get(json_object *o, const char *path)
{
	char buf[128], *key, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key && o; key = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
	return o;
}

int main(void)
{
	struct options o = { .seed = 42, .hold_ms = 1000 };
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = { .opt = &o, .target = &t, .table = &table };
	struct run_result rr[2] = { { .check = &rows[0] }, { .check = &rows[1] } };
	json_object *doc, *back, *c, *list;
	const char *text;

	snprintf(t.path, sizeof(t.path), "/mnt/pmem");
	snprintf(t.mnt.fstype, sizeof(t.mnt.fstype), "xfs");
	t.mnt.dax = DAX_ALWAYS;
	result_pass(&rr[0].res);
	result_value(&rr[0].res, "bytes", 2097152);
	result_fail(&rr[1].res, "truncate returned after 2 ms while pinned");
	result_value(&rr[1].res, "hold_us", 1000000);
	result_value(&rr[1].res, "wait_us", 2000);
	result_evidence(&rr[1].res, "pin taken at +0 us \"quoted\"");
	result_klog(&rr[1].res, "[ 1.000000] WARNING: CPU: 0 PID: 1 at fs/dax.c:1", 1);
	run.results = rr;
	run.nresults = run.nselected = 2;
	run.count[STATUS_PASS] = run.count[STATUS_FAIL] = 1;

	doc = report_json_run(&run);
	text = json_object_to_json_string(doc);
	back = json_tokener_parse(text);
	EXPECT(back != NULL);
	EXPECT(json_object_equal(doc, back));

	EXPECT_STR(json_object_get_string(get(back, "zdcheck.version")), PACKAGE_VERSION);
	EXPECT(json_object_get_uint64(get(back, "zdcheck.seed")) == 42);
	EXPECT(get(back, "kernel.release") && get(back, "kernel.config.FS_DAX"));
	EXPECT_STR(json_object_get_string(get(back, "target.kind")), "fsdax");
	EXPECT_STR(json_object_get_string(get(back, "target.dax")), "always");
	EXPECT(json_object_get_int(get(back, "summary.total")) == 2);
	EXPECT(json_object_get_int(get(back, "summary.fail")) == 1);
	EXPECT(get(back, "observer.kmsg") != NULL);

	c = json_object_array_get_idx(get(back, "checks"), 1);
	EXPECT_STR(json_object_get_string(get(c, "name")), "fsdax/vmsplice-pmd/truncate-0");
	EXPECT_STR(json_object_get_string(get(c, "status")), "fail");
	EXPECT(json_object_get_int64(get(c, "values.wait_us")) == 2000);
	EXPECT_STR(json_object_get_string(json_object_array_get_idx(get(c, "evidence"), 0)),
		   "pin taken at +0 us \"quoted\"");
	EXPECT(json_object_get_int(get(c, "kernel_log_bad")) == 1);
	EXPECT(json_object_array_length(get(c, "kernel_log")) == 1);
	c = json_object_array_get_idx(get(back, "checks"), 0);
	EXPECT(json_object_is_type(get(c, "reason"), json_type_null));
	json_object_put(doc);
	json_object_put(back);

	list = report_json_list(&table, &o);
	EXPECT(json_object_array_length(list) == 2);
	c = json_object_array_get_idx(list, 1);
	EXPECT_STR(json_object_get_string(get(c, "needs")), "root,io_uring");
	EXPECT_STR(json_object_get_string(get(c, "mutation")), "truncate-0");
	EXPECT_STR(json_object_get_string(get(c, "pin")), "vmsplice");
	EXPECT_STR(json_object_get_string(get(c, "mapping")), "pmd");
	EXPECT(json_object_get_int(get(c, "timeout_s")) == 60);
	json_object_put(list);
	return unit_done();
}
