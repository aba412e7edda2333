// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DAX proof's decision table: statx, MAP_SYNC's errno, the page frame
 * witness and the region's bus. A refused MAP_SYNC is forgiven only with
 * the frames inside the region and a bus that refuses it by design; a
 * MAP_SYNC such a bus maps is DAX, with its own verdict for the check.
 */
#include <errno.h>

#include "map/dax.h"
#include "unit.h"

static struct dax_proof proof(bool knows, bool dax, int err, bool inside, bool async)
{
	struct dax_proof p;

	memset(&p, 0, sizeof(p));
	p.statx_knows = knows;
	p.statx_dax = dax;
	p.map_sync_err = err;
	p.frames_in_region = inside;
	p.region_async = async;
	return p;
}

static void test_table(void)
{
	static const struct {
		bool knows, dax;
		int err;
		bool inside, async;
		enum dax_verdict want;
	} rows[] = {
		/* NFIT, e820, CXL: MAP_SYNC maps, the frames are not asked. */
		{ true, true, 0, false, false, DAX_SYNC },
		{ true, true, 0, true, false, DAX_SYNC },
		/* MAP_SYNC mapped where the bus must refuse it: DAX, and a bug. */
		{ true, true, 0, true, true, DAX_ASYNC_MAPS_SYNC },
		{ true, true, 0, false, true, DAX_ASYNC_MAPS_SYNC },
		/* virtio-pmem: refused by design, the frames decide. */
		{ true, true, EOPNOTSUPP, true, true, DAX_ASYNC },
		{ true, true, EOPNOTSUPP, false, true, DAX_NOT },
		/* A synchronous bus refusing MAP_SYNC is not DAX, frames or not. */
		{ true, true, EOPNOTSUPP, true, false, DAX_NOT },
		{ true, true, EOPNOTSUPP, false, false, DAX_NOT },
		/* Any other errno is not what daxdev_mapping_supported() returns. */
		{ true, true, EINVAL, true, true, DAX_NOT },
		{ true, true, ENOMEM, true, true, DAX_NOT },
		/* statx first: no flag, or a kernel that cannot say. */
		{ true, false, 0, true, true, DAX_NOT },
		{ true, false, EOPNOTSUPP, true, true, DAX_NOT },
		{ false, false, 0, true, true, DAX_NOT },
		{ false, true, EOPNOTSUPP, true, true, DAX_NOT },
	};
	struct dax_proof p;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		p = proof(rows[i].knows, rows[i].dax, rows[i].err, rows[i].inside,
			  rows[i].async);
		if (dax_judge(&p) != rows[i].want) {
			fprintf(stderr, "row %zu: verdict %d, expected %d\n", i, dax_judge(&p),
				rows[i].want);
			unit_failures++;
		}
		EXPECT(dax_proven(&p) == (rows[i].want != DAX_NOT));
	}
}

static void test_describe(void)
{
	struct dax_proof p = proof(true, true, EOPNOTSUPP, true, true);
	char text[700];

	dax_proof_describe(&p, text, sizeof(text));
	EXPECT_STR(text, "statx reports STATX_ATTR_DAX, MAP_SYNC Operation not supported");
	snprintf(p.witness, sizeof(p.witness), "page frames inside virtio-pmem region0");
	dax_proof_describe(&p, text, sizeof(text));
	EXPECT_STR(text, "statx reports STATX_ATTR_DAX, MAP_SYNC Operation not supported; "
			 "page frames inside virtio-pmem region0");
	p = proof(true, true, 0, false, false);
	dax_proof_describe(&p, text, sizeof(text));
	EXPECT_STR(text, "statx reports STATX_ATTR_DAX, MAP_SYNC mapped");
}

int main(void)
{
	test_table();
	test_describe();
	return unit_done();
}
