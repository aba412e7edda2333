/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_CHECKS_DEVDAX_H
#define ZD_CHECKS_DEVDAX_H

#include <daxctl/libdaxctl.h>

#include "checks/check.h"

/* Opens the device and maps its first device page; on failure fills @r. */
unsigned char *devdax_map_head(const struct target *t, struct result *r, int *fdp);
void devdax_unmap_head(const struct target *t, unsigned char *map, int fd);
struct daxctl_dev *devdax_find(struct daxctl_ctx *ctx, const char *name);
int devdax_reopen(const char *path);

#endif
