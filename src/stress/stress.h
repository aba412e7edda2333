/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_STRESS_H
#define ZD_STRESS_H

#include "checks/check.h"

/*
 * zdcheck stress: workers drawing operations from the plan (stress/plan.h)
 * run them on a set of files through the checks' own pins, mutator and
 * verification, against the model of what the files must hold
 * (stress/model.h), until the duration is over or an invariant breaks.
 * The run is one row for the runner, so that it gets what a check gets: a
 * child of its own with a deadline, the kernel log attributed to it, its
 * directory removed under a deadline, and the report's formats.
 */
extern const struct check_table zd_stress;

/* The run's files, each this long at first: two PMD extents. */
#define STRESS_FILE_LEN (4ULL << 20)
/* How long a file can grow by inserts. */
#define STRESS_FILE_CAP (2 * STRESS_FILE_LEN)
/* The last operations of each worker the replay log shows. */
#define STRESS_RING 8

/*
 * The slow devices the workers' O_DIRECT pins read from, one per worker
 * (slowdev_lanes()), so that the read a pin sees in flight is its own;
 * NULL: the target's own device, one O_DIRECT pin at a time.
 */
void stress_use_lanes(const struct slowdev *lanes, unsigned int n);

/* An -x glob that names no pin route and no change, or NULL. */
const char *stress_unmatched(const struct options *o);

/* How long a stress run may take at most with @o: the deadline of its row. */
unsigned int stress_deadline_s(const struct options *o);

void check_stress_fsdax(const struct check *c, struct check_ctx *ctx);
void check_stress_devdax(const struct check *c, struct check_ctx *ctx);

#endif
