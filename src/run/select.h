/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_SELECT_H
#define ZD_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/check.h"

/* -t globs choose (all when none), -x globs then remove. '*' crosses '/'. */
bool select_wanted(const struct options *o, const char *name);
/*
 * The needs (enum need) of every check selected for a @kind target, and what
 * they use when it is there, OR-ed: what the target should set up.
 */
unsigned int select_needs(const struct options *o, const struct check_table *t,
			  enum target_kind kind);
/* How many checks for a target of one of @kinds (enum target_kind) are selected. */
size_t select_count(const struct options *o, const struct check_table *t, unsigned int kinds);
/* Returns the first -t/-x glob that matches no check at all, or NULL. */
const char *select_unmatched(const struct options *o, const struct check_table *t);

#endif
