// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stress plan: a worker's operations are a function of the seed, the
 * worker and the operation's number alone. A fake executor runs four
 * workers interleaved in one order and again in another (as threads on a
 * loaded machine would), and each worker's log must come out the same;
 * operation n can be had without the ones before it (a replay); every
 * operation stays inside its file, aligned, with what the menu offers, and
 * over many draws each kind, pin and change comes up about as often as
 * its weight says.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mutate/mutate.h"
#include "pin/pin.h"
#include "stress/plan.h"
#include "unit.h"

#define WORKERS 4
#define OPS 500
#define LINE 160

static const struct pin_ops pin_a = { .name = "a" }, pin_b = { .name = "b" };
static const struct pin_ops *const pins[] = { &pin_a, &pin_b };
static const struct mutation chg_x = { .name = "x" }, chg_y = { .name = "y" },
			     chg_z = { .name = "z" };
static const struct mutation *const changes[] = { &chg_x, &chg_y, &chg_z };

static const struct stress_menu menu = {
	.pins = pins,
	.npins = 2,
	.changes = changes,
	.nchanges = 3,
	.files = 5,
	.file_len = 6 << 20,
	.pmd = true,
};

/* The fake executor: what a worker did, one described operation a line. */
struct fake {
	struct stress_plan plan;
	char log[OPS][LINE];
	unsigned int done;
};

static void fake_step(struct fake *f)
{
	struct stress_op op;

	stress_plan_next(&f->plan, &op);
	stress_op_describe(&f->plan, &op, f->log[f->done++], LINE);
}

/* Runs every worker to OPS operations, the next worker to step drawn from @order. */
static void run(struct fake *w, uint64_t seed, unsigned int order)
{
	unsigned int i, left = WORKERS * OPS;
	char why[128];

	for (i = 0; i < WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		EXPECT(stress_plan_init(&w[i].plan, &menu, seed, i, why, sizeof(why)) == 0);
	}
	srand(order);
	while (left) {
		i = order ? (unsigned int)rand() % WORKERS : (WORKERS * OPS - left) / OPS;
		if (w[i].done == OPS)
			continue;
		fake_step(&w[i]);
		left--;
	}
}

static void test_replay(void)
{
	static struct fake a[WORKERS], b[WORKERS], c[WORKERS];
	struct stress_op op;
	char line[LINE];
	unsigned int i, n, differ = 0;

	run(a, 42, 0); /* one worker after another */
	run(b, 42, 7); /* interleaved at random */
	run(c, 43, 7);
	for (i = 0; i < WORKERS; i++)
		for (n = 0; n < OPS; n++) {
			EXPECT_STR(a[i].log[n], b[i].log[n]);
			differ += strcmp(a[i].log[n], c[i].log[n]) != 0;
		}
	/* Another seed, another plan; another worker, another plan. */
	EXPECT(differ > WORKERS * OPS * 9 / 10);
	for (n = differ = 0; n < OPS; n++)
		differ += strcmp(a[0].log[n], a[1].log[n]) != 0;
	EXPECT(differ > OPS * 9 / 10);
	/* A replay of operation 321 alone, as the log names it. */
	stress_plan_at(&a[2].plan, 321, &op);
	stress_op_describe(&a[2].plan, &op, line, sizeof(line));
	EXPECT_STR(line, a[2].log[321]);
	EXPECT(!strncmp(line, "w2 #321 ", 8));
}

static void test_bounds(void)
{
	struct stress_plan p;
	struct stress_op op;
	unsigned int kinds[STRESS_KINDS] = { 0 }, pinc[2] = { 0 }, chg[3] = { 0 };
	unsigned int pmd = 0, i, n = 100000;
	char why[128];

	EXPECT(stress_plan_init(&p, &menu, 1, 3, why, sizeof(why)) == 0);
	for (i = 0; i < n; i++) {
		stress_plan_next(&p, &op);
		EXPECT(op.n == i);
		EXPECT(op.file < menu.files);
		EXPECT(op.len && op.off + op.len <= menu.file_len);
		EXPECT(op.off % (op.pmd ? 2 << 20 : 4096) == 0);
		EXPECT(op.len % (op.pmd ? 2 << 20 : 4096) == 0);
		EXPECT(op.len <= (op.pmd ? 2u << 20 : 16 * 4096u));
		kinds[op.kind]++;
		pmd += op.pmd;
		if (op.kind == STRESS_PIN_CHANGE) {
			EXPECT(op.pin == &pin_a || op.pin == &pin_b);
			pinc[op.pin == &pin_b]++;
			chg[op.change == &chg_x ? 0 : op.change == &chg_y ? 1 : 2]++;
			EXPECT(op.pin_off >= op.off && op.pin_off < op.off + op.len);
			EXPECT(op.pin_off % 4096 == 0 && op.gen == 0);
		} else {
			EXPECT(!op.pin && !op.change);
			/* A write leaves a generation of its own; a read none. */
			EXPECT((op.kind == STRESS_FAULT_READ) == (op.gen == 0));
			EXPECT(op.gen >> 48 == (op.gen ? 3 : 0));
		}
	}
	/* Weights 4:2:2:2, pins 1:1, changes 1:1:1, PMD half: each within 2%. */
	EXPECT(kinds[STRESS_PIN_CHANGE] > n * 38 / 100 &&
	       kinds[STRESS_PIN_CHANGE] < n * 42 / 100);
	for (i = 1; i < STRESS_KINDS; i++)
		EXPECT(kinds[i] > n * 18 / 100 && kinds[i] < n * 22 / 100);
	EXPECT(pmd > n * 48 / 100 && pmd < n * 52 / 100);
	EXPECT(pinc[0] > kinds[0] * 48 / 100 && pinc[1] > kinds[0] * 48 / 100);
	for (i = 0; i < 3; i++)
		EXPECT(chg[i] > kinds[0] * 31 / 100 && chg[i] < kinds[0] * 35 / 100);
}

static void test_menus(void)
{
	struct stress_menu m = menu;
	struct stress_plan p;
	struct stress_op op;
	char why[128];
	unsigned int i;

	/* No pin the target takes: no pin-and-change, the rest as before. */
	m.npins = 0;
	m.pmd = false;
	EXPECT(stress_plan_init(&p, &m, 5, 0, why, sizeof(why)) == 0);
	for (i = 0; i < 10000; i++) {
		stress_plan_next(&p, &op);
		EXPECT(op.kind != STRESS_PIN_CHANGE && !op.pmd);
	}
	m.file_len = 3 << 20;
	EXPECT(stress_plan_init(&p, &m, 5, 0, why, sizeof(why)) == -EINVAL);
	EXPECT(strstr(why, "2 MiB multiple") != NULL);
	m.file_len = 2 << 20;
	m.files = 0;
	EXPECT(stress_plan_init(&p, &m, 5, 0, why, sizeof(why)) == -EINVAL);
}

int main(void)
{
	test_replay();
	test_bounds();
	test_menus();
	return unit_done();
}
