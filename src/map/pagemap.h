/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PAGEMAP_H
#define ZD_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One /proc/PID/pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* The page frame an entry maps, or 0: not present, swapped, or hidden from us. */
unsigned long long pagemap_pfn(uint64_t entry);

enum pfn_verdict {
	PFN_INSIDE, /* every page mapped, every frame inside the range */
	PFN_OUTSIDE, /* a frame lies outside it */
	PFN_HIDDEN, /* pages mapped, but every frame reads 0: no CAP_SYS_ADMIN */
	PFN_UNMAPPED, /* a page is not mapped at all */
};

/* What the page frames behind a mapping say about a physical range. */
struct pfn_seen {
	enum pfn_verdict verdict;
	size_t pages; /* entries judged */
	size_t present; /* of them mapped to a frame */
	unsigned long long lo, hi; /* the lowest and highest frame seen */
	size_t outside; /* how many frames lie outside the range */
	size_t out_page; /* the first of them: its page in the mapping */
	unsigned long long out_pfn; /* and its frame */
};

/*
 * Judges @n pagemap entries against the physical range [@start, @start +
 * @size) in bytes, for pages of @page_size bytes.
 */
void pfn_judge(const uint64_t *entries, size_t n, unsigned long long start,
	       unsigned long long size, unsigned long page_size, struct pfn_seen *s);
/* "frames 0x...-0x... (512 of 512 pages mapped)", and the first frame outside. */
void pfn_seen_describe(const struct pfn_seen *s, char *buf, size_t len);

/* Reads the pagemap entries of the @n pages from @addr (page-aligned). 0 or -errno. */
int pagemap_read(const void *addr, size_t n, uint64_t *entries);
/*
 * Stores into each page of the @len bytes mapped at @map (its own file's
 * memory: the bytes are overwritten), then judges their frames against
 * [@start, @start + @size). Returns 0 or -errno.
 */
int pfn_witness(void *map, size_t len, unsigned long long start, unsigned long long size,
		struct pfn_seen *s);
/*
 * Whether /proc/self/pagemap shows this process page frame numbers: 1, or
 * 0 with the reason in @why (they read 0 without CAP_SYS_ADMIN), or -errno
 * when it cannot be read.
 */
int pagemap_pfns_shown(char *why, size_t len);

#endif
