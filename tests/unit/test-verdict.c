// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a check needs to reach a verdict, from its row and the options: the
 * floor of --timeout, and how far --hold and --wake-limit lengthen a
 * check's own deadline.
 */
#include "checks/check.h"
#include "unit.h"

static const struct check *row(const char *name)
{
	size_t i;

	for (i = 0; i < zd_checks.n; i++)
		if (!strcmp(zd_checks.rows[i].name, name))
			return &zd_checks.rows[i];
	fprintf(stderr, "no check %s\n", name);
	return NULL;
}

int main(void)
{
	const struct options def = { .hold_ms = ZD_HOLD_MS_DEFAULT,
				     .wake_limit_s = ZD_WAKE_LIMIT_S_DEFAULT };
	const struct options hold5s = { .hold_ms = 5000, .wake_limit_s = 5 };
	const struct options wake60 = { .hold_ms = 200, .wake_limit_s = 60 };
	const struct options short_hold = { .hold_ms = 1, .wake_limit_s = 1 };
	const struct options slow3 = { .hold_ms = ZD_HOLD_MS_DEFAULT,
				       .wake_limit_s = ZD_WAKE_LIMIT_S_DEFAULT,
				       .timeout_scale = 3 };
	const struct options slow2_hold5s = { .hold_ms = 5000,
					      .wake_limit_s = 5,
					      .timeout_scale = 2 };
	const struct check *pin = row("fsdax/vmsplice/truncate-0");
	const struct check *dax = row("fsdax/dax/statx-mapsync");
	const struct check *hold = row("devdax/aio/hold");
	const struct check *align = row("devdax/align/4k");
	char how[160];

	if (!pin || !dax || !hold || !align)
		return 1;
	/* setup 1 s + hold + wake limit + 1 s re-check */
	EXPECT(check_verdict_ms(pin, &def) == 1000 + 200 + 6000);
	EXPECT(check_verdict_ms(pin, &hold5s) == 1000 + 5000 + 6000);
	EXPECT(check_verdict_ms(pin, &wake60) == 1000 + 200 + 61000);
	EXPECT(check_verdict_ms(dax, &hold5s) == 1000);
	EXPECT(check_verdict_ms(hold, &hold5s) == 1000 + 5000);
	/* align repeats the four devdax pin checks: four holds */
	EXPECT(check_verdict_ms(align, &hold5s) == 1000 + 4 * 5000);

	check_verdict_explain(pin, &hold5s, how, sizeof(how));
	EXPECT_STR(how, "--hold 5000 ms + --wake-limit 5 s + 1 s to re-check + 1 s to set up");
	check_verdict_explain(align, &def, how, sizeof(how));
	EXPECT_STR(how, "4 x --hold 200 ms + 1 s to set up");
	check_verdict_explain(dax, &def, how, sizeof(how));
	EXPECT_STR(how, "1 s to set up");

	/* Own deadlines: as in the table with the defaults, never shorter. */
	EXPECT(check_deadline_s(pin, &def) == pin->timeout_s);
	EXPECT(check_deadline_s(pin, &short_hold) == pin->timeout_s);
	EXPECT(check_deadline_s(pin, &hold5s) == pin->timeout_s + 5);
	EXPECT(check_deadline_s(pin, &wake60) == pin->timeout_s + 55);
	EXPECT(check_deadline_s(align, &hold5s) == align->timeout_s + 20);
	EXPECT(check_deadline_s(dax, &hold5s) == dax->timeout_s);
	/* --timeout-scale: the own deadline times N, what holds add once. */
	EXPECT(check_deadline_s(dax, &slow3) == 3 * dax->timeout_s);
	EXPECT(check_deadline_s(pin, &slow2_hold5s) == 2 * pin->timeout_s + 5);
	EXPECT(check_verdict_ms(pin, &slow3) == check_verdict_ms(pin, &def));
	return unit_done();
}
