/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_NEEDS_H
#define ZD_NEEDS_H

#include <stddef.h>

#include "discover/target.h"
#include "zdcheck.h"

/*
 * Probes each need in @needs (enum need) once per process and returns NULL
 * when all are met, else the reason for the first unmet one, e.g.
 * "io_uring unavailable: io_uring_setup: Operation not permitted". When
 * that probe could not tell because zdcheck's own resources ran out
 * (ENOMEM, EMFILE, ...), *@exhausted (if not NULL) is set: an error, not a
 * skip.
 */
const char *needs_unmet(unsigned int needs, const struct target *t, bool *exhausted);
/* Replaces the probe of @need by a fixed answer (NULL: met). For tests. */
void needs_force(unsigned int need, const char *why);

#endif
