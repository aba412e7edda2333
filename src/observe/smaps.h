/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_SMAPS_H
#define ZD_SMAPS_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The value in kB of @field ("FilePmdMapped") for the mapping that contains
 * @addr, or -1 when the kernel does not report it. DAX mappings are not
 * accounted there on every kernel, so this is evidence, never a verdict.
 */
long smaps_field_kb(const void *addr, const char *field);
/* The same, read from @f, an smaps file, for the mapping that contains @addr. */
long smaps_parse_kb(FILE *f, unsigned long addr, const char *field);

#endif
