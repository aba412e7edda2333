// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which page frames the kernel mapped for a mapping, from /proc/self/pagemap:
 * a witness of DAX that needs no MAP_SYNC. A DAX fault maps the frame
 * dax_direct_access() gave for the file's block, which lies in the memory
 * of the pmem region; a page-cache page never does. The kernel shows frame
 * numbers only to openers with CAP_SYS_ADMIN (v4.2, "pagemap: hide physical
 * addresses from non-privileged users"); to others they read 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "map/pagemap.h"

unsigned long long pagemap_pfn(uint64_t entry)
{
	/* A swapped entry holds the swap type and offset where the frame would be. */
	if (!(entry & PM_PRESENT) || (entry & PM_SWAPPED))
		return 0;
	return entry & PM_PFN_MASK;
}

void pfn_judge(const uint64_t *entries, size_t n, unsigned long long start,
	       unsigned long long size, unsigned long page_size, struct pfn_seen *s)
{
	/* In frames, so that no frame number is multiplied into an overflow. */
	unsigned long long first = (start + page_size - 1) / page_size;
	unsigned long long end = (start + size) / page_size;
	unsigned long long pfn;
	size_t i, shown = 0;

	memset(s, 0, sizeof(*s));
	s->pages = n;
	for (i = 0; i < n; i++) {
		if (!(entries[i] & PM_PRESENT) || (entries[i] & PM_SWAPPED))
			continue;
		s->present++;
		pfn = pagemap_pfn(entries[i]);
		if (pfn && !shown++)
			s->lo = s->hi = pfn;
		if (pfn && pfn < s->lo)
			s->lo = pfn;
		if (pfn > s->hi)
			s->hi = pfn;
		/* Frame 0 is never pmem: among shown frames it counts as outside. */
		if (pfn && pfn >= first && pfn < end)
			continue;
		if (!s->outside++) {
			s->out_page = i;
			s->out_pfn = pfn;
		}
	}
	if (s->present && !shown)
		s->verdict = PFN_HIDDEN;
	else if (s->outside)
		s->verdict = PFN_OUTSIDE;
	else if (s->present < n)
		s->verdict = PFN_UNMAPPED;
	else
		s->verdict = PFN_INSIDE;
}

void pfn_seen_describe(const struct pfn_seen *s, char *buf, size_t len)
{
	size_t n;

	if (s->verdict == PFN_HIDDEN) {
		snprintf(buf, len,
			 "pagemap shows no page frame numbers (%zu of %zu pages mapped): "
			 "reading them needs CAP_SYS_ADMIN",
			 s->present, s->pages);
		return;
	}
	n = (size_t)snprintf(buf, len, "frames 0x%llx-0x%llx (%zu of %zu pages mapped)", s->lo,
			     s->hi, s->present, s->pages);
	if (s->outside && n < len)
		snprintf(buf + n, len - n, ", %zu outside, the first at page %zu: frame 0x%llx",
			 s->outside, s->out_page, s->out_pfn);
}

int pagemap_read(const void *addr, size_t n, uint64_t *entries)
{
	long page = sysconf(_SC_PAGESIZE);
	off_t off = (off_t)((unsigned long)addr / (unsigned long)page * sizeof(*entries));
	size_t want = n * sizeof(*entries);
	ssize_t got;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = pread(fd, entries, want, off);
	if (got < 0)
		got = -errno;
	close(fd);
	if (got < 0)
		return (int)got;
	return (size_t)got == want ? 0 : -EIO;
}

int pfn_witness(void *map, size_t len, unsigned long long start, unsigned long long size,
		struct pfn_seen *s)
{
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	size_t i, n = len / page;
	uint64_t *entries;
	int ret;

	/*
	 * A write fault: a read fault of a hole or an unwritten extent maps
	 * the shared zero page (dax_load_hole()), no frame of the region.
	 */
	for (i = 0; i < n; i++)
		((volatile unsigned char *)map)[i * page] = 0;
	entries = calloc(n ? n : 1, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	ret = pagemap_read(map, n, entries);
	if (!ret)
		pfn_judge(entries, n, start, size, page, s);
	free(entries);
	return ret;
}

int pagemap_pfns_shown(char *why, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p;
	uint64_t entry;
	int ret;

	/* A page of our own, written just now: present, with a real frame. */
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		snprintf(why, len, "cannot map a page to read its frame: %s", strerror(-ret));
		return ret;
	}
	*(volatile unsigned char *)p = 1;
	ret = pagemap_read(p, 1, &entry);
	munmap(p, page);
	if (ret) {
		snprintf(why, len, "cannot read /proc/self/pagemap: %s", strerror(-ret));
		return ret;
	}
	if (pagemap_pfn(entry))
		return 1;
	snprintf(why, len,
		 "pagemap shows no page frame numbers to this process: reading them needs "
		 "CAP_SYS_ADMIN (euid %u)",
		 (unsigned int)geteuid());
	return 0;
}
