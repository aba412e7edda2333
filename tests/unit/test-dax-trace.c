// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fs_dax trace parser and what it makes of a page's faults, on trace
 * files captured in the test bed's guests (data/fs_dax/: 6.1, 6.12 and 7.3,
 * ext4 and xfs: a PMD mapping, its PTE twin, a read then a write, MAP_SYNC
 * faults that wait for an fsync, an O_DIRECT pin faulting its page again),
 * then on sequences built from the events' TP_printk() formats for what
 * the guests did not show (an insertion that found its entry gone, lost
 * events, other files, errors).
 */
#include <dirent.h>
#include <stdlib.h>

#include "observe/dax_trace.h"
#include "unit.h"

/* A captured file: its "# zdcheck-test:" line says what it must give. */
static void check_captured(const char *name)
{
	unsigned long long maj, min, ino;
	char path[512], line[512];
	unsigned long page;
	struct dax_fault f;
	long size = -1;
	int fell_back = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/fs_dax/%s.trace", TEST_DATA, name);
	fp = fopen(path, "re");
	EXPECT(fp != NULL);
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line,
			   "# zdcheck-test: dev %llu:%llu ino %llu page %lx size %ld fell_back %d",
			   &maj, &min, &ino, &page, &size, &fell_back) == 6)
			break;
	EXPECT(size > 0);
	rewind(fp);
	dax_fault_init(&f, maj, min, ino, page);
	dax_fault_read(&f, fp, NULL, NULL);
	fclose(fp);
	if (f.size != size || (int)f.fell_back != fell_back)
		fprintf(stderr, "%s: size %ld fell_back %d\n", name, f.size, f.fell_back);
	EXPECT(f.size == size);
	EXPECT((int)f.fell_back == fell_back);
	EXPECT(f.pmd_tried);
	EXPECT(!f.lost);
	EXPECT(f.deciding[0] != '\0');
}

/* Folds @lines (one event each) for dev 259:0 ino 0xc, page 0x7f0000300000. */
static struct dax_fault fold(const char *const *lines)
{
	struct dax_event ev;
	struct dax_fault f;

	dax_fault_init(&f, 259, 0, 12, 0x7f0000300000UL);
	for (; *lines; lines++)
		if (!dax_trace_parse(*lines, strlen(*lines), &ev))
			dax_fault_feed(&f, &ev);
	return f;
}

#define P "zdcheck-190     [001] .....     9.123456: "
#define PMD_DONE(res)                                                                     \
	P "dax_pmd_fault_done: dev 259:0 ino 0xc shared WRITE|ALLOW_RETRY|KILLABLE|USER " \
	  "address 0x7f0000200000 vm_start 0x7f0000000000 vm_end 0x7f0000600000 "         \
	  "pgoff 0x200 max_pgoff 0x600 " res
#define PTE_DONE(addr, res)                                                               \
	P "dax_pte_fault_done: dev 259:0 ino 0xc shared WRITE|ALLOW_RETRY|KILLABLE|USER " \
	  "address " addr " pgoff 0x300 " res
#define MKWRITE(ev, addr)                                                               \
	P ev ": dev 259:0 ino 0xc shared WRITE|ALLOW_RETRY|KILLABLE|USER address " addr \
	     " pgoff 0x300 NOPAGE"

static void test_parse(void)
{
	struct dax_event ev;
	const char *l;

	/* Captured on 7.3 (ino printed %#llx since v6.15's u64 ino). */
	l = "         zdcheck-187     [001] .....     8.058956: dax_pmd_fault_done: dev 259:0 "
	    "ino 0xc shared WRITE|ALLOW_RETRY|KILLABLE|USER|INTERRUPTIBLE|VMA_LOCK address "
	    "0x7f907c200000 vm_start 0x7f907c000000 vm_end 0x7f907c600000 pgoff 0x200 "
	    "max_pgoff 0x600 NOPAGE\n";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == 0);
	EXPECT(ev.kind == DAX_EV_PMD_FAULT_DONE);
	EXPECT(ev.dev_major == 259 && ev.dev_minor == 0 && ev.ino == 12);
	EXPECT(ev.address == 0x7f907c200000UL);
	EXPECT(ev.result == DAX_R_NOPAGE);
	EXPECT_STR(ev.result_text, "NOPAGE");
	EXPECT(ev.msg_len > 0 && !strncmp(ev.msg, "dax_pmd_fault_done: dev 259:0", 29));
	EXPECT(ev.msg[ev.msg_len - 1] == 'E'); /* no newline */

	/* Captured on 6.1: a PTE fault with a flag the kernel has no name for. */
	l = "         zdcheck-177     [000] .....     8.152566: dax_pte_fault_done: dev 259:0 "
	    "ino 0xc shared WRITE|ALLOW_RETRY|KILLABLE|USER|INTERRUPTIBLE|0x800 address "
	    "0x7f5a61701000 pgoff 0x300 NOPAGE";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == 0);
	EXPECT(ev.kind == DAX_EV_PTE_FAULT_DONE && ev.address == 0x7f5a61701000UL);
	EXPECT(ev.result == DAX_R_NOPAGE);

	/* The fault's start has no result: not an event that says anything. */
	l = "         zdcheck-177     [000] .....     7.715272: dax_pmd_fault: dev 259:0 ino 0xc "
	    "shared WRITE|ALLOW_RETRY|KILLABLE|USER|INTERRUPTIBLE address 0x7f5a62600000 vm_start "
	    "0x7f5a62400000 vm_end 0x7f5a62a00000 pgoff 0x200 max_pgoff 0x600 ";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1 && ev.kind == DAX_EV_NONE);

	/* Results: several flags, none (0: retried), an error. */
	l = PMD_DONE("FALLBACK");
	EXPECT(!dax_trace_parse(l, strlen(l), &ev) && ev.result == DAX_R_FALLBACK);
	l = PMD_DONE("");
	EXPECT(!dax_trace_parse(l, strlen(l), &ev) && ev.result == 0 && !ev.result_text[0]);
	l = PTE_DONE("0x7f0000300000", "MAJOR|NOPAGE");
	EXPECT(!dax_trace_parse(l, strlen(l), &ev) && ev.result == DAX_R_NOPAGE);
	EXPECT_STR(ev.result_text, "MAJOR|NOPAGE");
	l = PTE_DONE("0x7f0000300000", "SIGBUS");
	EXPECT(!dax_trace_parse(l, strlen(l), &ev) && ev.result == DAX_R_ERROR);
	l = MKWRITE("dax_insert_pfn_mkwrite_no_entry", "0x7f0000200000");
	EXPECT(!dax_trace_parse(l, strlen(l), &ev) &&
	       ev.kind == DAX_EV_INSERT_MKWRITE_NO_ENTRY);
	l = MKWRITE("dax_insert_pfn_mkwrite", "0x7f0000200000");
	EXPECT(!dax_trace_parse(l, strlen(l), &ev) && ev.kind == DAX_EV_INSERT_MKWRITE);

	/* Not ours, or not whole. */
	l = P "dax_writeback_one: dev 259:0 ino 0xc pgoff 0x200 pglen 0x200";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1);
	l = P "dax_pmd_fault_done: dev 259:0 ino 0xc shared address";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1);
	l = P "dax_pmd_fault_done: dev 259:0 ino 0xc address 0x1000 pgoff 0x1 max_pgoff 0x2 A B";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1);
	l = P "dax_pmd_fault_done: dev x:0 ino 0xc address 0x1000 pgoff 0x1 max_pgoff 0x2 NOPAGE";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1);
	l = "dax_pmd_fault_done: dev 259:0 ino 0xc address 0x1000 pgoff 0x1 max_pgoff 0x2 NOPAGE";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1); /* no "TIMESTAMP: " before it */
	l = "CPU:1 [LOST 12 EVENTS]";
	EXPECT(dax_trace_parse(l, strlen(l), &ev) == -1);
	EXPECT(dax_trace_parse("", 0, &ev) == -1);
}

static void test_fold(void)
{
	struct dax_fault f;

	/* MAP_SYNC with dirty metadata: NEEDDSYNC, the fsync, then the insertion. */
	f = fold((const char *const[]){ PMD_DONE("NEEDDSYNC"),
					MKWRITE("dax_insert_pfn_mkwrite", "0x7f0000200000"),
					NULL });
	EXPECT(f.size == DAX_PMD_SIZE && !f.fell_back);
	f = fold((const char *const[]){ PTE_DONE("0x7f0000300000", "NEEDDSYNC"),
					MKWRITE("dax_insert_pfn_mkwrite", "0x7f0000300000"),
					NULL });
	EXPECT(f.size == DAX_PTE_SIZE);
	/* The entry went away meanwhile: nothing inserted, the fault runs again. */
	f = fold((const char *const[]){
		PMD_DONE("NEEDDSYNC"),
		MKWRITE("dax_insert_pfn_mkwrite_no_entry", "0x7f0000200000"),
		MKWRITE("dax_insert_pfn_mkwrite", "0x7f0000200000"), NULL });
	EXPECT(f.size == 0);
	f = fold((const char *const[]){
		PMD_DONE("NEEDDSYNC"),
		MKWRITE("dax_insert_pfn_mkwrite_no_entry", "0x7f0000200000"),
		PMD_DONE("NOPAGE"), NULL });
	EXPECT(f.size == DAX_PMD_SIZE);
	/* Another page's MAP_SYNC insertion in the block is not the page's. */
	f = fold((const char *const[]){ PTE_DONE("0x7f0000300000", "NEEDDSYNC"),
					MKWRITE("dax_insert_pfn_mkwrite", "0x7f0000301000"),
					NULL });
	EXPECT(f.size == 0);

	/* A fallback, then the page's PTE fault. */
	f = fold((const char *const[]){ PMD_DONE("FALLBACK"),
					PTE_DONE("0x7f0000300000", "NOPAGE"), NULL });
	EXPECT(f.size == DAX_PTE_SIZE && f.fell_back && f.pmd_tried);
	EXPECT_STR(f.fallback_result, "FALLBACK");
	EXPECT(strstr(f.fallback, "dax_pmd_fault_done: dev 259:0") == f.fallback);
	/* A PMD first (a read), split later by a write that fell back. */
	f = fold((const char *const[]){ PMD_DONE("NOPAGE"), PMD_DONE("FALLBACK"),
					PTE_DONE("0x7f0000300000", "NOPAGE"), NULL });
	EXPECT(f.size == DAX_PTE_SIZE && f.fell_back);
	/* Retried (0) or failed faults map nothing. */
	f = fold((const char *const[]){ PMD_DONE(""), PTE_DONE("0x7f0000300000", "SIGBUS"),
					NULL });
	EXPECT(f.size == 0 && f.pmd_tried && !f.fell_back);
	/* Other pages, other blocks, other files, other filesystems: not the page's. */
	f = fold((const char *const[]){
		PTE_DONE("0x7f0000301000", "NOPAGE"), PTE_DONE("0x7f0000500000", "NOPAGE"),
		P
		"dax_pmd_fault_done: dev 259:0 ino 0xd shared WRITE address 0x7f0000200000 "
		"vm_start 0x7f0000000000 vm_end 0x7f0000600000 pgoff 0x200 max_pgoff 0x600 NOPAGE",
		P
		"dax_pmd_fault_done: dev 259:1 ino 0xc shared WRITE address 0x7f0000200000 "
		"vm_start 0x7f0000000000 vm_end 0x7f0000600000 pgoff 0x200 max_pgoff 0x600 NOPAGE",
		P
		"dax_pmd_fault_done: dev 259:0 ino 0xc shared WRITE address 0x7f0000400000 "
		"vm_start 0x7f0000000000 vm_end 0x7f0000600000 pgoff 0x400 max_pgoff 0x600 NOPAGE",
		NULL });
	EXPECT(f.size == 0 && f.events == 0);
}

static void test_read_lost(void)
{
	char buf[] = "# tracer: nop\nCPU:0 [LOST 3 EVENTS]\n" PTE_DONE("0x7f0000300000",
								       "NOPAGE") "\n";
	struct dax_fault f;
	FILE *fp = fmemopen(buf, strlen(buf), "r");

	dax_fault_init(&f, 259, 0, 12, 0x7f0000300000UL);
	dax_fault_read(&f, fp, NULL, NULL);
	fclose(fp);
	EXPECT(f.lost && f.size == DAX_PTE_SIZE);
}

int main(void)
{
	char dir[512], name[256];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	/* Every captured file: each kernel's lines are in data/fs_dax/. */
	snprintf(dir, sizeof(dir), "%s/fs_dax", TEST_DATA);
	d = opendir(dir);
	EXPECT(d != NULL);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 7 || strcmp(de->d_name + len - 6, ".trace"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 6), de->d_name);
		check_captured(name);
		n++;
	}
	if (d)
		closedir(d);
	EXPECT(n >= 33); /* 6.1, 6.12, 7.3: 11 each */
	test_parse();
	test_fold();
	test_read_lost();
	return unit_done();
}
