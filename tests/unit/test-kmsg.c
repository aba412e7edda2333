// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel-log classifier against realistic splats (a WARN from fs/dax.c,
 * a hung task in dax_break_layout_final, a NULL dereference) and against
 * user-facility lines that say "WARNING:" or "BUG:" but are not the kernel.
 */
#include <stdlib.h>

#include "observe/kmsg.h"
#include "unit.h"

/* Feeds a file of /dev/kmsg records (one per line, " KEY=v" lines follow). */
static void feed(const char *name, struct result *r)
{
	char path[512], *buf, *rec, *end;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA, name);
	f = fopen(path, "r");
	EXPECT(f != NULL);
	if (!f)
		return;
	buf = calloc(1, 65536);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	for (rec = buf; rec && *rec; rec = end) {
		end = rec;
		/* A record runs until a newline that is not followed by a space. */
		while ((end = strchr(end, '\n')) && end[1] == ' ')
			end++;
		kmsg_attach(r, rec, end ? (size_t)(end - rec + 1) : strlen(rec));
		if (end)
			end++;
	}
	free(buf);
}

static void test_parse(void)
{
	static const char raw[] =
		"4,1894,112233447,-,caller=T412;WARNING: CPU: 1\n SUBSYSTEM=x\n";
	struct kmsg_record rec;

	static const char oops[] = "1,1901,112233448,-;BUG: unable to handle page fault for "
				   "address: ffff888103200000\n";
	static const char user[] = "12,1902,112233449,-;BUG: from user space\n";

	EXPECT(kmsg_parse(oops, sizeof(oops) - 1, &rec) == 0);
	EXPECT(kmsg_is_bad(&rec) && kmsg_is_fatal(&rec));
	EXPECT(kmsg_parse(user, sizeof(user) - 1, &rec) == 0);
	EXPECT(!kmsg_is_fatal(&rec));
	EXPECT(kmsg_parse(raw, sizeof(raw) - 1, &rec) == 0);
	/* A WARNING is bad, but its task goes on. */
	EXPECT(!kmsg_is_fatal(&rec));
	EXPECT(rec.facility == 0 && rec.level == 4);
	EXPECT(rec.seq == 1894 && rec.ts_us == 112233447);
	EXPECT(rec.len == strlen("WARNING: CPU: 1"));
	EXPECT(kmsg_is_bad(&rec));
	EXPECT(kmsg_parse("garbage", 7, &rec) != 0);
	EXPECT(kmsg_parse("4,x,1,-;msg", 11, &rec) != 0);
}

/* The task a splat names, in the forms the kernel prints. */
static void test_task(void)
{
	static const struct {
		const char *msg, *comm;
		int pid;
	} cases[] = {
		{ "WARNING: CPU: 1 PID: 412 at fs/dax.c:385 dax_insert_entry+0x2b5/0x300", "",
		  412 },
		{ "CPU: 1 PID: 412 Comm: zdcheck Not tainted 6.1.0-27-amd64 #1", "zdcheck",
		  412 },
		{ "CPU: 0 UID: 0 PID: 56 Comm: kworker/0:2 Not tainted 6.12.118+deb12-amd64",
		  "kworker/0:2", 56 },
		{ "INFO: task zdcheck:512 blocked for more than 120 seconds.", "zdcheck", 512 },
		{ "WARNING: zdm_warn.c:38 at warn_pre+0x7b/0xd0 [zdm_warn], CPU#1: zdcheck/198",
		  "zdcheck", 198 },
		{ "WARNING: fs/dax.c:385 at dax_insert_entry+0x2b5/0x300, CPU#0: kworker/0:2/56",
		  "kworker/0:2", 56 },
		{ "INFO: task kworker/u4:2:77 blocked for more than 120 seconds.",
		  "kworker/u4:2", 77 },
		{ "RIP: 0010:free_zone_device_folio+0x21/0xa0", "", 0 },
		{ "INFO: task :5 blocked for more than 1 seconds.", "", 0 },
	};
	char comm[24];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int pid = kmsg_task(cases[i].msg, strlen(cases[i].msg), comm, sizeof(comm));

		EXPECT(pid == cases[i].pid);
		EXPECT_STR(comm, cases[i].comm);
	}
}

/*
 * Whose a group of records is, with checks side by side (slots 0-2
 * running): a splat that names a check's task is that check's; one that
 * names a kworker, or no task, belongs to every check that was running.
 */
static void test_owners(void)
{
	struct kmsg_held oops[] = {
		{ .owner = KMSG_NOBODY, .running = 0x7 }, /* BUG: unable to handle ... */
		{ .owner = KMSG_NOBODY, .running = 0x7 }, /* #PF: ... */
		{ .owner = 1, .running = 0x7 }, /* CPU: 0 PID: 412 Comm: zdcheck */
		{ .owner = KMSG_NOBODY, .running = 0x3 }, /* Call Trace: (slot 2 ended) */
	};
	struct kmsg_held worker[] = {
		{ .owner = KMSG_NOBODY, .running = 0x3 },
		{ .owner = KMSG_FOREIGN, .running = 0x7 }, /* CPU: 1 PID: 56 Comm: kworker */
		{ .owner = 1, .running = 0x7 },
	};
	struct kmsg_held two[] = {
		{ .owner = 0, .running = 0x7 },
		{ .owner = 2, .running = 0x7 },
	};
	struct kmsg_held anonymous[] = {
		{ .owner = KMSG_NOBODY, .running = 0x1 },
		{ .owner = KMSG_NOBODY, .running = 0x4 },
	};

	EXPECT(kmsg_owners(oops, ARRAY_SIZE(oops)) == 0x2);
	EXPECT(kmsg_owners(worker, ARRAY_SIZE(worker)) == 0x7);
	EXPECT(kmsg_owners(two, ARRAY_SIZE(two)) == 0x5);
	EXPECT(kmsg_owners(anonymous, ARRAY_SIZE(anonymous)) == 0x5);
	EXPECT(kmsg_owners(NULL, 0) == 0);
}

int main(void)
{
	struct result *r = calloc(1, sizeof(*r));

	test_parse();
	test_task();
	test_owners();

	feed("warn-splat.kmsg", r);
	/* 15 kernel records kept (the user marker is not), 2 of them bad. */
	EXPECT(r->klog_bad == 2);
	EXPECT(strstr(r->klog_first_bad, "WARNING: CPU: 1 PID: 412 at fs/dax.c:385"));
	EXPECT(strstr(r->klog, "dax_iomap_pte_fault"));
	EXPECT(strstr(r->klog, "end trace"));
	EXPECT(!strstr(r->klog, "zdcheck: begin"));
	EXPECT(strstr(r->klog, "[  112.233447] WARNING:"));
	/* The WARNING names the pid, its CPU line the comm. */
	EXPECT(r->klog_pid == 412);
	EXPECT_STR(r->klog_comm, "zdcheck");

	result_init(r);
	feed("hung-task.kmsg", r);
	EXPECT(r->klog_bad == 2);
	EXPECT(strstr(r->klog_first_bad, "INFO: task zdcheck:512 blocked for more than 120"));
	EXPECT(strstr(r->klog, "dax_break_layout_final"));
	EXPECT(r->klog_pid == 512);
	EXPECT_STR(r->klog_comm, "zdcheck");

	result_init(r);
	feed("oops.kmsg", r);
	EXPECT(r->klog_bad == 2);
	EXPECT(strstr(r->klog_first_bad, "BUG: kernel NULL pointer dereference"));
	EXPECT(strstr(r->klog, "Oops: 0000"));
	EXPECT(r->klog_pid == 56);
	EXPECT_STR(r->klog_comm, "kworker/0:2");

	result_init(r);
	feed("user-lines.kmsg", r);
	EXPECT(r->klog_bad == 0);
	EXPECT(!strstr(r->klog, "user-space message"));
	EXPECT(!strstr(r->klog, "SUBSYSTEM"));
	EXPECT(strstr(r->klog, "null_blk: disk nullb0 created"));
	EXPECT(r->klog_pid == 0);

	free(r);
	return unit_done();
}
