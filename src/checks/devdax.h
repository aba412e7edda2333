/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_CHECKS_DEVDAX_H
#define ZD_CHECKS_DEVDAX_H

#include <daxctl/libdaxctl.h>

#include "checks/check.h"
#include "discover/daxdev.h"

/* Opens the device and maps its first device page; on failure fills @r. */
unsigned char *devdax_map_head(const struct target *t, struct result *r, int *fdp);
void devdax_unmap_head(const struct target *t, unsigned char *map, int fd);
int devdax_reopen(const char *path);

#endif
