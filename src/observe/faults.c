// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page size a device-dax fault was served at. smaps does not count
 * device-dax huge mappings (they are special pfn mappings, not THPs), so
 * zdcheck reads the driver's own word: dev_dax_huge_fault() logs every
 * attempt with dev_dbg(), one line per size it tries (PUD, then PMD, then
 * PTE as each falls back). The smallest size logged for one fault is the
 * one that was served. The format changed twice:
 *   v4.x-v6.6  "COMM: write (START - END) size = N"   N: 0 PTE, 1 PMD, 2 PUD
 *   v6.7-v6.10 "COMM: write (START - END) order:N"
 *   v6.11-     "COMM: op=write addr=ADDR order=N"      (ratelimited in v6.17)
 * The callsite is switched on through dynamic debug only for the fault
 * zdcheck makes, and left as it was found.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "observe/faults.h"
#include "observe/kmsg.h"
#include "zdcheck.h"

#define CALLSITE "dev_dax_huge_fault"

static const char *const controls[] = {
	"/proc/dynamic_debug/control",
	"/sys/kernel/debug/dynamic_debug/control",
};

/*
 * Whether the callsite already prints: its control line reads
 * "drivers/dax/device.c:224 [device_dax]dev_dax_huge_fault =FLAGS \"...",
 * FLAGS "_" when off, with a 'p' when printing.
 */
static bool already_on(const char *path)
{
	char line[512], flags[16];
	bool on = false;
	FILE *f = fopen(path, "re");
	char *p;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "]" CALLSITE " =");
		if (p && sscanf(p + strlen("]" CALLSITE " ="), "%15s", flags) == 1)
			on |= strchr(flags, 'p') != NULL;
	}
	fclose(f);
	return on;
}

void fault_watch_start(struct fault_watch *w)
{
	size_t i;
	int ret = -ENOENT;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	for (i = 0; i < sizeof(controls) / sizeof(controls[0]) && ret == -ENOENT; i++) {
		w->was_on = already_on(controls[i]);
		ret = zd_write_text(controls[i], "func " CALLSITE " +p");
		if (!ret)
			w->control = controls[i];
	}
	if (ret) {
		snprintf(w->why, sizeof(w->why), "not observable: dynamic debug for %s: %s",
			 CALLSITE,
			 ret == -ENOENT ? "no control file (CONFIG_DYNAMIC_DEBUG)" :
			 ret == -EINVAL ? "no such callsite (device_dax not loaded?)" :
					  strerror(-ret));
		return;
	}
	w->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0) {
		snprintf(w->why, sizeof(w->why), "not observable: /dev/kmsg: %s",
			 strerror(errno));
		fault_watch_stop(w, NULL);
		return;
	}
	lseek(w->fd, 0, SEEK_END);
}

/*
 * A fault is served at a PTE, a PMD or a PUD: with 4K pages order 0, 9 or
 * 18. The order comes from a log line, so anything past the PUD order is
 * not a fault size (and 4096L << it would overflow).
 */
#define FAULT_MAX_ORDER 18

/* The decimal number at @p when it is an order a fault can have, else -1. */
static int order_at(const char *p)
{
	int n = 0, i;

	for (i = 0; p[i] >= '0' && p[i] <= '9'; i++) {
		n = n * 10 + (p[i] - '0');
		if (n > FAULT_MAX_ORDER)
			return -1;
	}
	return i ? n : -1;
}

/* The order one dev_dbg line reports, or -1 when it is not a fault line. */
int fault_line_order(const char *msg, size_t len)
{
	char buf[512], *p;
	int n;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, msg, len);
	buf[len] = '\0';
	p = strstr(buf, " size = ");
	if (p) {
		/* enum page_entry_size: PE_SIZE_PTE, PE_SIZE_PMD, PE_SIZE_PUD */
		n = order_at(p + strlen(" size = "));
		return n >= 0 && n <= 2 ? n * 9 : -1;
	}
	p = strstr(buf, " order");
	if (p && (p[strlen(" order")] == ':' || p[strlen(" order")] == '='))
		return order_at(p + strlen(" order") + 1);
	return -1;
}

int fault_record_order(const struct kmsg_record *rec, const char *needle)
{
	/* Anybody may write a fault-looking line to /dev/kmsg: only the kernel's count. */
	if (rec->facility != 0 || !memmem(rec->msg, rec->len, needle, strlen(needle)))
		return -1;
	return fault_line_order(rec->msg, rec->len);
}

long fault_watch_stop(struct fault_watch *w, const char *devname)
{
	char raw[8192], needle[128], comm[17] = "";
	struct kmsg_record rec;
	int order, best = -1;
	ssize_t n;

	if (w->fd >= 0 && devname) {
		prctl(PR_GET_NAME, comm);
		/* dev_dbg: "DRIVER DEVNAME: COMM: ..." */
		snprintf(needle, sizeof(needle), " %s: %s: ", devname, comm);
		while ((n = read(w->fd, raw, sizeof(raw))) > 0 || (n < 0 && errno == EPIPE)) {
			if (n < 0 || kmsg_parse(raw, n, &rec))
				continue;
			order = fault_record_order(&rec, needle);
			if (order >= 0)
				w->lines++;
			if (order >= 0 && (best < 0 || order < best))
				best = order;
		}
		if (best < 0)
			snprintf(w->why, sizeof(w->why),
				 "not observable: no %s line for %s from %s in the kernel log",
				 CALLSITE, devname, comm);
	}
	if (w->control && !w->was_on)
		zd_write_text(w->control, "func " CALLSITE " -p");
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->control = NULL;
	return best < 0 ? 0 : 4096L << best;
}
