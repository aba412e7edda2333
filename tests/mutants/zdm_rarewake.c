// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mutant "rare lost wake-up": zdm_lostwake, but only every twentieth
 * wake-up of an idle fs-dax page is lost. A race that shows now and then,
 * as kernel races do: a single run of the checks, which meets a handful of
 * wake-ups, may pass; zdcheck stress, which meets dozens a minute, should
 * not.
 */
#define ZDM_EVERY 20
#define ZDM_WHAT "one wake-up of an idle fs-dax page in 20 is lost"
#include "zdm_lostwake.c"
