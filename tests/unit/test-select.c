// SPDX-License-Identifier: GPL-2.0-only
/* -t/-x selection: globs cross '/', excludes win, typos are reported. */
#include "run/select.h"
#include "unit.h"

static const struct check rows[] = {
	{ .name = "fsdax/vmsplice/punch-hole" },
	{ .name = "fsdax/vmsplice/truncate" },
	{ .name = "fsdax/aio/truncate" },
	{ .name = "devdax/map/alignment" },
};
static const struct check_table table = { rows, 4 };

int main(void)
{
	const char *inc[] = { "fsdax/*", NULL }, *exc[] = { "*/truncate", NULL };
	const char *typo[] = { "fsdax/vmsplise/*", NULL },
		   *exact[] = { "devdax/map/alignment", NULL };
	struct options o = { 0 };

	EXPECT(select_wanted(&o, "anything"));
	EXPECT(select_unmatched(&o, &table) == NULL);

	o.include = inc;
	EXPECT(select_wanted(&o, "fsdax/vmsplice/punch-hole"));
	EXPECT(select_wanted(&o, "fsdax/aio/truncate"));
	EXPECT(!select_wanted(&o, "devdax/map/alignment"));

	o.exclude = exc;
	EXPECT(select_wanted(&o, "fsdax/vmsplice/punch-hole"));
	EXPECT(!select_wanted(&o, "fsdax/vmsplice/truncate"));
	EXPECT(!select_wanted(&o, "fsdax/aio/truncate"));
	EXPECT(select_unmatched(&o, &table) == NULL);

	o.include = exact;
	o.exclude = NULL;
	EXPECT(select_wanted(&o, "devdax/map/alignment"));
	EXPECT(!select_wanted(&o, "fsdax/aio/truncate"));

	o.include = NULL;
	o.exclude = typo;
	EXPECT_STR(select_unmatched(&o, &table), "fsdax/vmsplise/*");
	o.include = typo;
	o.exclude = NULL;
	EXPECT_STR(select_unmatched(&o, &table), "fsdax/vmsplise/*");
	return unit_done();
}
