/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_DAX_TRACE_H
#define ZD_DAX_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define DAX_PTE_SIZE 4096L
#define DAX_PMD_SIZE (2L << 20)

/* The fs_dax trace events that say how a fault of a DAX file was served. */
enum dax_event_kind {
	DAX_EV_NONE,
	DAX_EV_PMD_FAULT_DONE, /* dax_iomap_pmd_fault() returned */
	DAX_EV_PTE_FAULT_DONE, /* dax_iomap_pte_fault() returned */
	DAX_EV_INSERT_MKWRITE, /* a MAP_SYNC fault inserted after its fsync */
	DAX_EV_INSERT_MKWRITE_NO_ENTRY, /* ... or found its entry gone: retried */
};

/* The vm_fault_t bits of an event's result that decide what was mapped. */
enum dax_result {
	DAX_R_NOPAGE = 1 << 0, /* mapped (a hole: the zero page) */
	DAX_R_FALLBACK = 1 << 1, /* a PMD fault gave up: PTEs next */
	DAX_R_NEEDDSYNC = 1 << 2, /* MAP_SYNC: mapped only after an fsync */
	DAX_R_RETRY = 1 << 3,
	DAX_R_ERROR = 1 << 4, /* SIGBUS, SIGSEGV, OOM, HWPOISON */
};

struct dax_event {
	enum dax_event_kind kind;
	unsigned long long dev_major, dev_minor, ino;
	unsigned long address; /* the faulting address */
	unsigned int result; /* enum dax_result */
	char result_text[64]; /* as the kernel printed it, "" for 0 */
	const char *msg; /* in the parsed line: from the event name on */
	size_t msg_len;
};

/*
 * Parses one line of a tracefs "trace" file,
 *   "COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: dev MAJ:MIN ino 0xN ... RESULT",
 * for the fs_dax events above (the same text in v6.1, v6.12 and v7.x).
 * Returns 0, or -1 when the line is not one of them (@ev then has kind
 * DAX_EV_NONE).
 */
int dax_trace_parse(const char *line, size_t len, struct dax_event *ev);

/* What the events say about the mapping of one page of one file. */
struct dax_fault {
	unsigned long long dev_major, dev_minor, ino;
	unsigned long page; /* the page's address, page-aligned */
	long size; /* DAX_PTE_SIZE or DAX_PMD_SIZE as last mapped, 0 unknown */
	bool pmd_tried; /* a PMD fault ran for the page's 2 MiB block */
	bool fell_back; /* and its last one returned FALLBACK */
	bool lost; /* the trace says events were lost */
	unsigned int events; /* events about the page */
	int pending; /* a NEEDDSYNC fault's size, awaiting its insertion */
	char deciding[256]; /* the event that set size, for the evidence */
	char fallback[256]; /* the PMD fault that fell back */
	char fallback_result[64]; /* and its result as printed */
};

void dax_fault_init(struct dax_fault *f, unsigned long long dev_major,
		    unsigned long long dev_minor, unsigned long long ino, unsigned long addr);
/* Folds one event, in trace order, into @f. */
void dax_fault_feed(struct dax_fault *f, const struct dax_event *ev);
/*
 * Folds every line of a trace file; calls @line_fn (may be NULL) with each
 * line of an event about the page's file and 2 MiB block, without its
 * leading blanks and trailing newline.
 */
void dax_fault_read(struct dax_fault *f, FILE *trace,
		    void (*line_fn)(const char *line, size_t n, void *arg), void *arg);

#endif
