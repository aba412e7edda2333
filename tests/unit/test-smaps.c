// SPDX-License-Identifier: GPL-2.0-only
/*
 * One field of the smaps entry that holds an address, from canned smaps text,
 * also when a mapping's path is longer than a line buffer.
 */
#include "observe/smaps.h"
#include "unit.h"

static const char smaps[] =
	"5609304ea000-5609304ec000 r--p 00000000 fe:00 247498      /usr/bin/zdcheck\n"
	"Size:                  8 kB\n"
	"FilePmdMapped:         0 kB\n"
	"VmFlags: rd mr mw me \n"
	"7f3a00000000-7f3a00400000 rw-s 00000000 103:01 12         "
	"/mnt/pmem/zdcheck.Ab12Cd/pinned file\n"
	"Size:               4096 kB\n"
	"KernelPageSize:        4 kB\n"
	"Rss:                4096 kB\n"
	"FilePmdMapped:      2048 kB\n"
	"THPeligible:           1\n"
	"VmFlags: rd wr sh mr mw me ms sd \n"
	"7ffd1a2b3000-7ffd1a2d4000 rw-p 00000000 00:00 0           [stack]\n"
	"Size:                132 kB\n"
	"VmFlags: rd wr mr mw me gd ac \n";

static long kb(unsigned long addr, const char *field)
{
	FILE *f = fmemopen((void *)smaps, sizeof(smaps) - 1, "r");
	long v;

	if (!f)
		return -99;
	v = smaps_parse_kb(f, addr, field);
	fclose(f);
	return v;
}

/*
 * A mapping whose path is long enough that a 512-byte line buffer cuts its
 * header right before "FilePmdMapped: 7 kB": the rest must not be read as
 * the field (it was, until the parse read whole lines).
 */
static void test_long_path(void)
{
	static const char head[] = "7f3a00000000-7f3a00400000 rw-s 00000000 103:01 12 /mnt/";
	char buf[2048];
	size_t n = 0;
	FILE *f;

	n += snprintf(buf, sizeof(buf), "%s", head);
	while (n < 511)
		buf[n++] = 'a';
	n += snprintf(buf + n, sizeof(buf) - n,
		      "FilePmdMapped: 7 kB\nSize: 4096 kB\nFilePmdMapped: 2048 kB\n");
	f = fmemopen(buf, n, "r");
	EXPECT(f != NULL);
	if (!f)
		return;
	EXPECT(smaps_parse_kb(f, 0x7f3a00200000, "FilePmdMapped") == 2048);
	fclose(f);
}

int main(void)
{
	test_long_path();
	EXPECT(kb(0x7f3a00200000, "FilePmdMapped") == 2048);
	EXPECT(kb(0x7f3a00000000, "Rss") == 4096);
	EXPECT(kb(0x5609304eb000, "FilePmdMapped") == 0);
	/* The end is not in the mapping; a field the entry lacks is unknown. */
	EXPECT(kb(0x7f3a00400000, "FilePmdMapped") == -1);
	EXPECT(kb(0x7ffd1a2b3000, "FilePmdMapped") == -1);
	/* A field name matches whole: "Siz" is not "Size". */
	EXPECT(kb(0x7f3a00000000, "Siz") == -1);
	EXPECT(kb(0x1000, "Size") == -1);
	return unit_done();
}
