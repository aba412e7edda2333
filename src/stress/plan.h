/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_STRESS_PLAN_H
#define ZD_STRESS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pin_ops;
struct mutation;

/*
 * What a stress worker does next, drawn from the run's seed: the plan is a
 * pure function of (seed, worker, the worker's operation number) and the
 * menu, so a printed seed replays every worker's sequence, and a replay
 * log can name any operation by its number.
 */
enum stress_kind {
	STRESS_PIN_CHANGE, /* pin a page by @pin, change the layout by @change */
	STRESS_FAULT_READ, /* read-fault @len bytes of the mapping at @off */
	STRESS_FAULT_WRITE, /* write-fault them, storing generation @gen */
	STRESS_WRITE, /* pwrite() generation @gen of the pattern there */
	STRESS_KINDS
};

/* What the target offers: the records of src/pin and src/mutate it can take. */
struct stress_menu {
	const struct pin_ops *const *pins;
	unsigned int npins;
	const struct mutation *const *changes;
	unsigned int nchanges;
	unsigned int files; /* the run's files, each @file_len bytes */
	uint64_t file_len; /* a multiple of 2 MiB */
	bool pmd; /* PMD-sized mappings are possible */
};

struct stress_op {
	unsigned long long n; /* its number in the worker's sequence, from 0 */
	enum stress_kind kind;
	unsigned int file;
	bool pmd; /* at PMD size: @off and @len are 2 MiB multiples */
	const struct pin_ops *pin; /* STRESS_PIN_CHANGE */
	const struct mutation *change; /* STRESS_PIN_CHANGE */
	uint64_t off, len; /* the range in the file: page (PMD) aligned */
	uint64_t pin_off; /* STRESS_PIN_CHANGE: the pinned page, in the range */
	uint64_t gen; /* the pattern generation a write leaves there */
};

struct stress_plan {
	const struct stress_menu *menu;
	uint64_t seed; /* the run's seed mixed with the worker's number */
	unsigned int worker;
	unsigned long long n; /* the next operation's number */
};

/* Returns -EINVAL (and @why) for a menu that offers nothing to draw. */
int stress_plan_init(struct stress_plan *p, const struct stress_menu *m, uint64_t seed,
		     unsigned int worker, char *why, size_t len);
/* The worker's operation number p->n; then p->n + 1. */
void stress_plan_next(struct stress_plan *p, struct stress_op *op);
/* Operation @n of the worker, whatever came before (a replay). */
void stress_plan_at(const struct stress_plan *p, unsigned long long n, struct stress_op *op);
/* One line for the replay log: "w2 #17 pin aio-pmd punch-hole file 3 [0x200000+0x200000]". */
int stress_op_describe(const struct stress_plan *p, const struct stress_op *op, char *buf,
		       size_t len);

#endif
