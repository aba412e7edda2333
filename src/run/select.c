// SPDX-License-Identifier: GPL-2.0-only
#include <fnmatch.h>
#include <stddef.h>

#include "run/select.h"

static bool any_match(const char **globs, const char *name)
{
	for (; globs && *globs; globs++)
		if (!fnmatch(*globs, name, 0))
			return true;
	return false;
}

bool select_wanted(const struct options *o, const char *name)
{
	if (o->include && o->include[0] && !any_match(o->include, name))
		return false;
	return !any_match(o->exclude, name);
}

static const char *first_unmatched(const char **globs, const struct check_table *t)
{
	size_t i;

	for (; globs && *globs; globs++) {
		for (i = 0; i < t->n; i++)
			if (!fnmatch(*globs, t->rows[i].name, 0))
				break;
		if (i == t->n)
			return *globs;
	}
	return NULL;
}

/* A typo in -t would otherwise silently run nothing and exit 77. */
const char *select_unmatched(const struct options *o, const struct check_table *t)
{
	const char *g = first_unmatched(o->include, t);

	return g ? g : first_unmatched(o->exclude, t);
}

size_t select_count(const struct options *o, const struct check_table *t, unsigned int kinds)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += (t->rows[i].target & kinds) && select_wanted(o, t->rows[i].name);
	return n;
}

unsigned int select_needs(const struct options *o, const struct check_table *t,
			  enum target_kind kind)
{
	unsigned int needs = 0;
	size_t i;

	for (i = 0; i < t->n; i++)
		if ((t->rows[i].target & kind) && select_wanted(o, t->rows[i].name))
			needs |= t->rows[i].needs | t->rows[i].uses;
	return needs;
}
