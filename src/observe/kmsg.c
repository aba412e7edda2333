// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel log observer. /dev/kmsg gives one record per read with its
 * facility, so user-space lines (our own markers, or anybody writing
 * "WARNING:" to the log) cannot be mistaken for kernel splats, and a reader
 * positioned at the end sees exactly what was logged during a check.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe/kmsg.h"
#include "zdcheck.h"

/* What the kernel prints when refcounting, locking or memory goes wrong. */
static const char *const bad_patterns[] = {
	"WARNING:",
	"BUG:",
	"kernel BUG at",
	"Oops",
	"Call Trace",
	"blocked for more than",
	"page dumped because",
	"Bad page state",
	"refcount_t:",
	"UBSAN:",
	"KASAN:",
	"general protection fault",
};

int kmsg_parse(const char *raw, size_t len, struct kmsg_record *rec)
{
	const char *semi = memchr(raw, ';', len), *end;
	unsigned long long pri;
	char head[96], *p;
	size_t hlen;

	if (!semi)
		return -EINVAL;
	hlen = semi - raw;
	if (hlen >= sizeof(head))
		return -EINVAL;
	memcpy(head, raw, hlen);
	head[hlen] = '\0';

	errno = 0;
	pri = strtoull(head, &p, 10);
	if (p == head || *p != ',')
		return -EINVAL;
	rec->facility = (int)(pri >> 3);
	rec->level = (int)(pri & 7);
	rec->seq = strtoull(p + 1, &p, 10);
	if (*p != ',')
		return -EINVAL;
	rec->ts_us = strtoull(p + 1, &p, 10);
	if (*p != ',' || errno)
		return -EINVAL;

	/* The message ends at the first newline; " KEY=value" lines follow. */
	rec->msg = semi + 1;
	end = memchr(rec->msg, '\n', raw + len - rec->msg);
	rec->len = end ? (size_t)(end - rec->msg) : (size_t)(raw + len - rec->msg);
	return 0;
}

/* The position of @pat in @s (@n bytes), or NULL. */
static const char *find(const char *s, size_t n, const char *pat)
{
	size_t m = strlen(pat);

	for (; n >= m; s++, n--)
		if (!memcmp(s, pat, m))
			return s;
	return NULL;
}

bool kmsg_is_bad(const struct kmsg_record *rec)
{
	size_t i;

	if (rec->facility != 0) /* LOG_KERN */
		return false;
	for (i = 0; i < sizeof(bad_patterns) / sizeof(bad_patterns[0]); i++)
		if (find(rec->msg, rec->len, bad_patterns[i]))
			return true;
	return false;
}

bool kmsg_is_fatal(const struct kmsg_record *rec)
{
	static const char *const fatal[] = {
		"BUG:",
		"kernel BUG at",
		"Oops",
		"general protection fault",
	};
	size_t i;

	if (rec->facility != 0)
		return false;
	for (i = 0; i < ARRAY_SIZE(fatal); i++)
		if (find(rec->msg, rec->len, fatal[i]))
			return true;
	return false;
}

void kmsg_open(struct kmsg *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		snprintf(k->note, sizeof(k->note),
			 "kernel log observer unavailable: /dev/kmsg: %s", strerror(errno));
		return;
	}
	k->readable = true;
	/* Only what is logged from now on belongs to the checks. */
	lseek(k->fd, 0, SEEK_END);
	k->writable = access("/dev/kmsg", W_OK) == 0;
}

/* Keeps readable/writable: the report says whether the log was observed. */
void kmsg_close(struct kmsg *k)
{
	if (k->readable && k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

void kmsg_mark(struct kmsg *k, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int fd, n;

	if (!k->writable)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, line, n > (int)sizeof(line) - 1 ? sizeof(line) - 1 : (size_t)n) < 0)
		k->writable = false;
	close(fd);
}

int kmsg_task(const char *msg, size_t len, char *comm, size_t clen)
{
	char text[1100], *p, *q;
	int pid = 0;

	comm[0] = '\0';
	snprintf(text, sizeof(text), "%.*s", (int)(len < sizeof(text) ? len : sizeof(text) - 1),
		 msg);
	if ((p = strstr(text, ", CPU#")) && (p = strstr(p, ": ")) && (q = strrchr(p, '/'))) {
		/* 7.x's WARNING: "... at f+0x7b/0xd0 [mod], CPU#1: zdcheck/198". */
		pid = atoi(q + 1);
		snprintf(comm, clen, "%.*s", (int)(q - p - 2), p + 2);
	} else if ((p = strstr(text, "PID: "))) {
		pid = atoi(p + 5);
		if ((q = strstr(p, " Comm: ")))
			snprintf(comm, clen, "%.*s", (int)strcspn(q + 7, " "), q + 7);
	} else if ((p = strstr(text, " blocked for more than")) &&
		   !strncmp(text, "INFO: task ", 11)) {
		/* A comm may hold a colon: the pid follows the last one. */
		*p = '\0';
		q = strrchr(text, ':');
		if (q && q > text + 11) {
			pid = atoi(q + 1);
			snprintf(comm, clen, "%.*s", (int)(q - text - 11), text + 11);
		}
	}
	return pid > 0 ? pid : 0;
}

void kmsg_attach(struct result *r, const char *raw, size_t len)
{
	struct kmsg_record rec;
	char line[1100], comm[24];
	int pid;

	if (kmsg_parse(raw, len, &rec) || rec.facility != 0)
		return;
	snprintf(line, sizeof(line), "[%5llu.%06llu] %.*s", rec.ts_us / 1000000,
		 rec.ts_us % 1000000, (int)(rec.len > 1024 ? 1024 : rec.len), rec.msg);
	result_klog(r, line, kmsg_is_bad(&rec));
	/* The first bad splat's task: a WARNING names its pid, its CPU line the comm. */
	if (!r->klog_bad || r->klog_comm[0])
		return;
	pid = kmsg_task(rec.msg, rec.len, comm, sizeof(comm));
	if (pid && (!r->klog_pid || r->klog_pid == pid)) {
		r->klog_pid = pid;
		snprintf(r->klog_comm, sizeof(r->klog_comm), "%s", comm);
	}
}

ssize_t kmsg_read(struct kmsg *k, char *buf, size_t len)
{
	ssize_t n;

	if (!k->readable || k->fd < 0)
		return 0;
	n = read(k->fd, buf, len);
	if (n < 0 && errno == EPIPE) {
		k->lost++;
		return -EPIPE;
	}
	return n < 0 ? 0 : n;
}

unsigned long long kmsg_owners(const struct kmsg_held *h, size_t n)
{
	unsigned long long named = 0, running = 0;
	bool foreign = false;
	size_t i;

	for (i = 0; i < n; i++) {
		running |= h[i].running;
		if (h[i].owner >= 0)
			named |= 1ULL << h[i].owner;
		else if (h[i].owner == KMSG_FOREIGN)
			foreign = true;
	}
	return named && !foreign ? named : running;
}
