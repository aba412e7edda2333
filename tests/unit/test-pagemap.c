// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page frame witness: pagemap entries decoded, and the frames of a
 * mapping judged against an nd region's physical range, including the
 * frame numbers the kernel hides from a process without CAP_SYS_ADMIN.
 */
#include <stdint.h>
#include <stdlib.h>

#include "map/pagemap.h"
#include "unit.h"

#define PAGE 4096UL
/* virtio-pmem's region in the test bed's guests: 1 GiB at 4 GiB. */
#define START 0x100000000ULL
#define SIZE (1ULL << 30)
#define FIRST (START / PAGE)
#define END ((START + SIZE) / PAGE)

static uint64_t mapped(unsigned long long pfn)
{
	/* Exclusively mapped, soft-dirty: flag bits above the frame. */
	return PM_PRESENT | (1ULL << 61) | (1ULL << 56) | (1ULL << 55) | pfn;
}

static void test_decode(void)
{
	EXPECT(pagemap_pfn(mapped(0x140000)) == 0x140000);
	EXPECT(pagemap_pfn(mapped(PM_PFN_MASK)) == PM_PFN_MASK);
	EXPECT(pagemap_pfn(0x140000) == 0); /* not present: bits mean nothing */
	EXPECT(pagemap_pfn(PM_PRESENT | PM_SWAPPED | 0x1234) == 0);
	EXPECT(pagemap_pfn(PM_PRESENT) == 0); /* hidden: present, frame 0 */
}

static void test_judge(void)
{
	uint64_t e[4];
	struct pfn_seen s;
	char text[200];

	e[0] = mapped(FIRST);
	e[1] = mapped(FIRST + 1);
	e[2] = mapped(END - 2);
	e[3] = mapped(END - 1);
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_INSIDE && s.present == 4 && s.outside == 0);
	EXPECT(s.lo == FIRST && s.hi == END - 1);
	pfn_seen_describe(&s, text, sizeof(text));
	EXPECT_STR(text, "frames 0x100000-0x13ffff (4 of 4 pages mapped)");

	/* The frame right after the region, and the one right before it. */
	e[2] = mapped(END);
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_OUTSIDE && s.outside == 1 && s.out_page == 2 &&
	       s.out_pfn == END);
	e[2] = mapped(END - 2);
	e[0] = mapped(FIRST - 1);
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_OUTSIDE && s.out_page == 0 && s.lo == FIRST - 1);
	pfn_seen_describe(&s, text, sizeof(text));
	EXPECT_STR(text, "frames 0xfffff-0x13ffff (4 of 4 pages mapped), 1 outside, the "
			 "first at page 0: frame 0xfffff");

	/* Page cache: frames far below the region, every one outside. */
	for (int i = 0; i < 4; i++)
		e[i] = mapped(0x2a000 + i);
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_OUTSIDE && s.outside == 4 && s.out_page == 0);

	/* Without CAP_SYS_ADMIN every present page reads frame 0. */
	for (int i = 0; i < 4; i++)
		e[i] = PM_PRESENT | (1ULL << 61);
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_HIDDEN && s.present == 4);
	pfn_seen_describe(&s, text, sizeof(text));
	EXPECT_STR(text, "pagemap shows no page frame numbers (4 of 4 pages mapped): "
			 "reading them needs CAP_SYS_ADMIN");

	/* A frame 0 among shown ones is no hidden number: it is outside. */
	e[0] = mapped(FIRST);
	e[1] = mapped(FIRST + 1);
	e[3] = mapped(FIRST + 3);
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_OUTSIDE && s.out_page == 2 && s.out_pfn == 0);

	/* A page not mapped after the store: nothing proven about it. */
	e[2] = 0;
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_UNMAPPED && s.present == 3);
	e[2] = PM_PRESENT | PM_SWAPPED | 0x77;
	pfn_judge(e, 4, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_UNMAPPED && s.present == 3);
	pfn_judge(e, 0, START, SIZE, PAGE, &s);
	EXPECT(s.verdict == PFN_INSIDE && s.pages == 0);
	pfn_judge(e, 4, START, 0, PAGE, &s);
	EXPECT(s.verdict == PFN_OUTSIDE);
}

/* The reader on anonymous memory of our own: present, and a frame only for root. */
static void test_read(void)
{
	size_t n = 8;
	unsigned char *buf = aligned_alloc(PAGE, n * PAGE);
	uint64_t e[8];
	char why[200] = "";
	int shown;

	for (size_t i = 0; i < n; i++)
		buf[i * PAGE] = 1;
	EXPECT(pagemap_read(buf, n, e) == 0);
	for (size_t i = 0; i < n; i++)
		EXPECT(e[i] & PM_PRESENT);
	shown = pagemap_pfns_shown(why, sizeof(why));
	EXPECT(shown == 1 || (shown == 0 && strstr(why, "CAP_SYS_ADMIN")));
	EXPECT(shown != 1 || pagemap_pfn(e[0]) != 0);
	free(buf);
}

int main(void)
{
	test_decode();
	test_judge();
	test_read();
	return unit_done();
}
