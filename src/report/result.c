// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/result.h"

void result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
}

static void set_reason(struct result *r, const char *fmt, va_list ap)
{
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
}

void result_pass(struct result *r)
{
	if (r->status == STATUS_NONE)
		r->status = STATUS_PASS;
}

/*
 * The first failure names the broken invariant; later ones are kept as
 * evidence so that nothing a check found is lost.
 */
void result_fail(struct result *r, const char *fmt, ...)
{
	char more[512];
	va_list ap;

	va_start(ap, fmt);
	if (r->status != STATUS_FAIL) {
		r->status = STATUS_FAIL;
		set_reason(r, fmt, ap);
	} else {
		vsnprintf(more, sizeof(more), fmt, ap);
		result_evidence(r, "also: %s", more);
	}
	va_end(ap);
}

/* A skip never hides a failure already recorded, and never turns into a pass. */
void result_skip(struct result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->status != STATUS_NONE && r->status != STATUS_PASS)
		return;
	va_start(ap, fmt);
	r->status = STATUS_SKIP;
	set_reason(r, fmt, ap);
	va_end(ap);
}

static void set_error(struct result *r, bool inconclusive, const char *fmt, va_list ap)
{
	if (r->status == STATUS_FAIL || r->status == STATUS_ERROR)
		return;
	r->status = STATUS_ERROR;
	r->inconclusive = inconclusive;
	set_reason(r, fmt, ap);
}

void result_error(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(r, false, fmt, ap);
	va_end(ap);
}

static void no_resource(struct result *r, int err, unsigned int limits, const char *fmt,
			va_list ap)
{
	char what[256], lim[128];

	vsnprintf(what, sizeof(what), fmt, ap);
	result_error(r, "%s: %s%s", what, strerror(err), zd_limits(limits, lim, sizeof(lim)));
}

void result_no_resource(struct result *r, int err, unsigned int limits, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	no_resource(r, err, limits, fmt, ap);
	va_end(ap);
}

bool result_exhausted(struct result *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (!zd_exhausted(err))
		return false;
	va_start(ap, fmt);
	no_resource(r, err, zd_limits_for(err), fmt, ap);
	va_end(ap);
	return true;
}

void result_inconclusive(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(r, true, fmt, ap);
	va_end(ap);
}

void result_crowded(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(r, true, fmt, ap);
	va_end(ap);
	r->crowded = r->inconclusive;
}

void result_value(struct result *r, const char *name, long long value)
{
	unsigned int i;

	for (i = 0; i < r->nvalues; i++) {
		if (!strcmp(r->values[i].name, name)) {
			r->values[i].value = value;
			return;
		}
	}
	if (r->nvalues == RESULT_MAX_VALUES)
		return;
	snprintf(r->values[i].name, sizeof(r->values[i].name), "%s", name);
	r->values[i].value = value;
	r->nvalues++;
}

const struct result_value *result_get_value(const struct result *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->nvalues; i++)
		if (!strcmp(r->values[i].name, name))
			return &r->values[i];
	return NULL;
}

/* Appends one line; a full buffer keeps its head, where the first facts are. */
static void append_line(char *buf, size_t *len, size_t size, const char *line)
{
	static const char cut[] = "[more lines cut]\n";
	const size_t clen = sizeof(cut) - 1;
	size_t n = strlen(line);

	if (*len >= clen && !memcmp(buf + *len - clen, cut, clen))
		return;
	if (*len + n + 1 + sizeof(cut) <= size) {
		memcpy(buf + *len, line, n);
		*len += n;
		buf[(*len)++] = '\n';
	} else {
		memcpy(buf + *len, cut, clen);
		*len += clen;
	}
	buf[*len] = '\0';
}

void result_evidence(struct result *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	append_line(r->evidence, &r->evidence_len, sizeof(r->evidence), line);
}

void result_step(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->step, sizeof(r->step), fmt, ap);
	va_end(ap);
}

void result_klog(struct result *r, const char *line, int bad)
{
	append_line(r->klog, &r->klog_len, sizeof(r->klog), line);
	if (bad && !r->klog_bad++)
		snprintf(r->klog_first_bad, sizeof(r->klog_first_bad), "%s", line);
}

void result_klog_copy(struct result *dst, const struct result *src)
{
	dst->klog_len = src->klog_len;
	memcpy(dst->klog, src->klog, src->klog_len + 1);
	dst->klog_bad = src->klog_bad;
	memcpy(dst->klog_first_bad, src->klog_first_bad, sizeof(dst->klog_first_bad));
	dst->klog_pid = src->klog_pid;
	memcpy(dst->klog_comm, src->klog_comm, sizeof(dst->klog_comm));
	memcpy(dst->klog_with, src->klog_with, sizeof(dst->klog_with));
}

const char *status_name(enum check_status st)
{
	switch (st) {
	case STATUS_PASS:
		return "pass";
	case STATUS_FAIL:
		return "fail";
	case STATUS_SKIP:
		return "skip";
	case STATUS_ERROR:
	case STATUS_NONE:
		break;
	}
	return "error";
}

void text_for_each_line(const char *buf, size_t len,
			void (*fn)(const char *line, size_t n, void *arg), void *arg)
{
	const char *end = buf + len;

	while (buf < end) {
		const char *nl = memchr(buf, '\n', end - buf);
		size_t n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);

		fn(buf, n, arg);
		buf += n + 1;
	}
}
