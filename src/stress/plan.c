// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stress workers' plan. Every draw is pattern_word() of the worker's
 * seed at a place given by the operation's number and the draw's slot: a
 * counter, not a state, so operation n is the same whether the worker got
 * there or a replay jumps there, and no worker's draws depend on another's
 * or on what the kernel did.
 */
#include <errno.h>
#include <stdio.h>

#include "map/pattern.h"
#include "mutate/mutate.h"
#include "pin/pin.h"
#include "stress/plan.h"

#define PAGE 4096ULL
#define PMD (2ULL << 20)
#define MAX_PAGES 16 /* the longest fault or write of pages, in pages */

enum slot { S_KIND, S_FILE, S_PMD, S_OFF, S_LEN, S_PIN, S_CHANGE, S_PIN_OFF, SLOTS };

/* Out of 10: pin and change, read faults, write faults, writes. */
static const unsigned int weight[STRESS_KINDS] = { 4, 2, 2, 2 };

static uint64_t draw(const struct stress_plan *p, unsigned long long n, enum slot s)
{
	return pattern_word(p->seed, (n * SLOTS + s) * 64);
}

int stress_plan_init(struct stress_plan *p, const struct stress_menu *m, uint64_t seed,
		     unsigned int worker, char *why, size_t len)
{
	if (!m->files || !m->file_len || m->file_len % PMD) {
		snprintf(why, len,
			 "%u files of %llu bytes: need at least one of a 2 MiB multiple",
			 m->files, (unsigned long long)m->file_len);
		return -EINVAL;
	}
	*p = (struct stress_plan){ .menu = m, .worker = worker };
	/* One stream per worker: the words of seed at the worker's own line. */
	p->seed = pattern_word(seed, (uint64_t)worker * 64);
	return 0;
}

static enum stress_kind pick_kind(const struct stress_plan *p, unsigned long long n)
{
	const struct stress_menu *m = p->menu;
	unsigned int total = 0, k, r;

	for (k = 0; k < STRESS_KINDS; k++)
		if (k != STRESS_PIN_CHANGE || (m->npins && m->nchanges))
			total += weight[k];
	r = (unsigned int)(draw(p, n, S_KIND) % total);
	for (k = 0; k < STRESS_KINDS; k++) {
		if (k == STRESS_PIN_CHANGE && !(m->npins && m->nchanges))
			continue;
		if (r < weight[k])
			break;
		r -= weight[k];
	}
	return (enum stress_kind)k;
}

void stress_plan_at(const struct stress_plan *p, unsigned long long n, struct stress_op *op)
{
	const struct stress_menu *m = p->menu;
	uint64_t unit, units, first, most;

	*op = (struct stress_op){ .n = n, .kind = pick_kind(p, n) };
	op->file = (unsigned int)(draw(p, n, S_FILE) % m->files);
	op->pmd = m->pmd && (draw(p, n, S_PMD) & 1);
	unit = op->pmd ? PMD : PAGE;
	units = m->file_len / unit;
	first = draw(p, n, S_OFF) % units;
	/* A PMD operation is one extent; pages come in runs up to MAX_PAGES. */
	most = op->pmd ? 1 : units - first < MAX_PAGES ? units - first : MAX_PAGES;
	op->off = first * unit;
	op->len = (1 + draw(p, n, S_LEN) % most) * unit;
	/* What a write leaves is the worker's own: its number, the operation's. */
	if (op->kind == STRESS_FAULT_WRITE || op->kind == STRESS_WRITE)
		op->gen = ((uint64_t)p->worker << 48) | (n + 1);
	if (op->kind == STRESS_PIN_CHANGE) {
		op->pin = m->pins[draw(p, n, S_PIN) % m->npins];
		op->change = m->changes[draw(p, n, S_CHANGE) % m->nchanges];
		op->pin_off = op->off + draw(p, n, S_PIN_OFF) % (op->len / PAGE) * PAGE;
	}
}

void stress_plan_next(struct stress_plan *p, struct stress_op *op)
{
	stress_plan_at(p, p->n++, op);
}

static const char *const kind_name[STRESS_KINDS] = {
	[STRESS_PIN_CHANGE] = "pin",
	[STRESS_FAULT_READ] = "read-fault",
	[STRESS_FAULT_WRITE] = "write-fault",
	[STRESS_WRITE] = "pwrite",
};

int stress_op_describe(const struct stress_plan *p, const struct stress_op *op, char *buf,
		       size_t len)
{
	int n = snprintf(buf, len, "w%u #%llu %s", p->worker, op->n, kind_name[op->kind]);

	if (n >= 0 && (size_t)n < len && op->kind == STRESS_PIN_CHANGE)
		n += snprintf(buf + n, len - n, " %s%s page 0x%llx %s", op->pin->name,
			      op->pmd ? "-pmd" : "", (unsigned long long)op->pin_off,
			      op->change->name);
	else if (n >= 0 && (size_t)n < len && op->pmd)
		n += snprintf(buf + n, len - n, "-pmd");
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " file %u [0x%llx+0x%llx]", op->file,
			      (unsigned long long)op->off, (unsigned long long)op->len);
	if (n >= 0 && (size_t)n < len && op->gen)
		n += snprintf(buf + n, len - n, " gen 0x%llx", (unsigned long long)op->gen);
	return n;
}
