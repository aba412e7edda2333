// SPDX-License-Identifier: GPL-2.0-only
/*
 * The size an fs-dax fault was served at, from the kernel's fs_dax trace
 * events (include/trace/events/fs_dax.h). smaps does not count DAX huge
 * mappings (smaps_pmd_entry() passes over ZONE_DEVICE folios), so the
 * fault handlers' own word is read instead:
 *   dax_pmd_fault_done   dax_iomap_pmd_fault()'s result: NOPAGE when it
 *                        mapped the 2 MiB block, FALLBACK when it gave up
 *                        and the fault went on as PTE faults
 *   dax_pte_fault_done   dax_iomap_pte_fault()'s result: NOPAGE, one page
 *   dax_insert_pfn_mkwrite  the insertion of a MAP_SYNC write fault that
 *                        had to wait for an fsync (NEEDDSYNC) first
 * Every one prints "dev MAJ:MIN ino 0xN ... address 0xA ... RESULT" in
 * v6.1, v6.12 and v7.x (7.x dropped dax_insert_mapping and
 * dax_pmd_insert_mapping with pfn_t, so they are not used).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe/dax_trace.h"
#include "zdcheck.h"

static const struct {
	const char *name;
	enum dax_event_kind kind;
} events[] = {
	{ "dax_pmd_fault_done", DAX_EV_PMD_FAULT_DONE },
	{ "dax_pte_fault_done", DAX_EV_PTE_FAULT_DONE },
	{ "dax_insert_pfn_mkwrite", DAX_EV_INSERT_MKWRITE },
	{ "dax_insert_pfn_mkwrite_no_entry", DAX_EV_INSERT_MKWRITE_NO_ENTRY },
};

/* VM_FAULT_RESULT_TRACE's names, as __print_flags() joins them with '|'. */
static const struct {
	const char *name;
	unsigned int bit;
} results[] = {
	{ "NOPAGE", DAX_R_NOPAGE },
	{ "FALLBACK", DAX_R_FALLBACK },
	{ "NEEDDSYNC", DAX_R_NEEDDSYNC },
	{ "RETRY", DAX_R_RETRY },
	{ "SIGBUS", DAX_R_ERROR },
	{ "SIGSEGV", DAX_R_ERROR },
	{ "OOM", DAX_R_ERROR },
	{ "HWPOISON", DAX_R_ERROR },
	{ "HWPOISON_LARGE", DAX_R_ERROR },
};

/* The number after " KEY " in @msg (base 0, as %#lx prints it); -1 when absent. */
static int field(const char *msg, const char *key, unsigned long long *v)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s ", key);
	p = strstr(msg, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (*p < '0' || *p > '9')
		return -1;
	*v = strtoull(p, NULL, 0);
	return 0;
}

/*
 * The result is the last word, after the last number (" max_pgoff N" of
 * the PMD events, " pgoff N" of the others); a result of 0 (nothing done,
 * the fault is retried) prints nothing.
 */
static int parse_result(const char *msg, struct dax_event *ev)
{
	char flags[sizeof(ev->result_text)], *tok, *save = NULL;
	const char *p = strstr(msg, " max_pgoff ");
	size_t i, n;

	if (!p)
		p = strstr(msg, " pgoff ");
	if (!p)
		return -1;
	p = strchr(p + 1, ' ') + 1;
	p += strspn(p, "0123456789abcdefx");
	if (*p && *p != ' ')
		return -1;
	p += strspn(p, " ");
	n = strcspn(p, " ");
	if (p[n] || n >= sizeof(ev->result_text))
		return -1; /* more words, or too long: not a result */
	memcpy(ev->result_text, p, n);
	ev->result_text[n] = '\0';
	memcpy(flags, p, n + 1);
	for (tok = strtok_r(flags, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		for (i = 0; i < ARRAY_SIZE(results); i++)
			if (!strcmp(tok, results[i].name))
				ev->result |= results[i].bit;
	return 0;
}

/* The event named at @p (after "TIMESTAMP: "), followed by ": dev ", or -1. */
static int event_at(const char *p)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(events); i++) {
		n = strlen(events[i].name);
		if (!strncmp(p, events[i].name, n) && !strncmp(p + n, ": dev ", 6))
			return (int)i;
	}
	return -1;
}

int dax_trace_parse(const char *line, size_t len, struct dax_event *ev)
{
	unsigned long long addr;
	char buf[512], *p;
	int i;

	memset(ev, 0, sizeof(*ev));
	while (len && (line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	/* The task's name before "[CPU]" is 15 bytes at most: it cannot hold an event. */
	for (p = strstr(buf, ": dax_"); p; p = strstr(p + 1, ": dax_")) {
		i = event_at(p + 2);
		if (i >= 0)
			break;
	}
	if (!p)
		return -1;
	ev->msg = line + (p + 2 - buf);
	ev->msg_len = len - (size_t)(p + 2 - buf);
	p += 2 + strlen(events[i].name) + 1;
	if (sscanf(p, " dev %llu:%llu", &ev->dev_major, &ev->dev_minor) != 2 ||
	    field(p, "ino", &ev->ino) || field(p, "address", &addr) || parse_result(p, ev)) {
		memset(ev, 0, sizeof(*ev));
		return -1;
	}
	ev->address = (unsigned long)addr;
	ev->kind = events[i].kind;
	return 0;
}

void dax_fault_init(struct dax_fault *f, unsigned long long dev_major,
		    unsigned long long dev_minor, unsigned long long ino, unsigned long addr)
{
	memset(f, 0, sizeof(*f));
	f->dev_major = dev_major;
	f->dev_minor = dev_minor;
	f->ino = ino;
	f->page = addr & ~(DAX_PTE_SIZE - 1);
}

static bool in_page(const struct dax_fault *f, unsigned long addr)
{
	return (addr & ~(DAX_PTE_SIZE - 1)) == f->page;
}

static bool in_block(const struct dax_fault *f, unsigned long addr)
{
	return (addr & ~(DAX_PMD_SIZE - 1)) == (f->page & ~(DAX_PMD_SIZE - 1));
}

static void note(char *buf, size_t size, const struct dax_event *ev)
{
	int n = ev->msg_len < size ? (int)ev->msg_len : (int)size - 1;

	snprintf(buf, size, "%.*s", n, ev->msg);
}

static void mapped(struct dax_fault *f, long size, const struct dax_event *ev)
{
	f->size = size;
	note(f->deciding, sizeof(f->deciding), ev);
}

/*
 * Trace order is the order the faults ran in; the page's mapping is what
 * the last one left. A PMD fault is about the page when its address lies
 * in the page's 2 MiB block, a PTE fault when it lies in the page.
 */
void dax_fault_feed(struct dax_fault *f, const struct dax_event *ev)
{
	bool mapped_ok = (ev->result & DAX_R_NOPAGE) && !(ev->result & DAX_R_ERROR);

	if (ev->kind == DAX_EV_NONE || ev->ino != f->ino || ev->dev_major != f->dev_major ||
	    ev->dev_minor != f->dev_minor || !in_block(f, ev->address))
		return;
	switch (ev->kind) {
	case DAX_EV_PMD_FAULT_DONE:
		f->events++;
		f->pmd_tried = true;
		f->pending = 0;
		if (mapped_ok) {
			f->fell_back = false;
			mapped(f, DAX_PMD_SIZE, ev);
		} else if (ev->result & DAX_R_NEEDDSYNC) {
			f->fell_back = false;
			f->pending = DAX_PMD_SIZE;
		} else if (ev->result & DAX_R_FALLBACK) {
			f->fell_back = true;
			note(f->fallback, sizeof(f->fallback), ev);
			snprintf(f->fallback_result, sizeof(f->fallback_result), "%s",
				 ev->result_text);
		}
		break;
	case DAX_EV_PTE_FAULT_DONE:
		if (!in_page(f, ev->address))
			break;
		f->events++;
		f->pending = 0;
		if (mapped_ok)
			mapped(f, DAX_PTE_SIZE, ev);
		else if (ev->result & DAX_R_NEEDDSYNC)
			f->pending = DAX_PTE_SIZE;
		break;
	case DAX_EV_INSERT_MKWRITE:
		/* dax_finish_sync_fault() of the fault that said NEEDDSYNC. */
		if (!f->pending || (f->pending == DAX_PTE_SIZE && !in_page(f, ev->address)))
			break;
		f->events++;
		if (mapped_ok)
			mapped(f, f->pending, ev);
		f->pending = 0;
		break;
	case DAX_EV_INSERT_MKWRITE_NO_ENTRY:
		if (f->pending && (f->pending == DAX_PMD_SIZE || in_page(f, ev->address)))
			f->pending = 0; /* nothing inserted: the fault runs again */
		break;
	case DAX_EV_NONE:
		break;
	}
}

void dax_fault_read(struct dax_fault *f, FILE *trace,
		    void (*line_fn)(const char *line, size_t n, void *arg), void *arg)
{
	struct dax_event ev;
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;

	while ((n = getline(&line, &cap, trace)) > 0) {
		/* "CPU:N [LOST M EVENTS]": the ring buffer overflowed. */
		if (strstr(line, "[LOST ") && strstr(line, " EVENTS]"))
			f->lost = true;
		if (dax_trace_parse(line, (size_t)n, &ev))
			continue;
		/* The whole line, task and timestamp too, as a test would want it. */
		if (line_fn && ev.ino == f->ino && in_block(f, ev.address))
			line_fn(line + strspn(line, " "),
				(size_t)(ev.msg + ev.msg_len - line) - strspn(line, " "), arg);
		dax_fault_feed(f, &ev);
	}
	free(line);
}
