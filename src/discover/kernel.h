/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_KERNEL_H
#define ZD_KERNEL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The running kernel as every report records it: release, version and the
 * configuration symbols that decide what zdcheck can test. Values are "y",
 * "m", "n", or "unknown" when no configuration file could be read.
 */
json_object *kernel_describe(void);

/* Looks one symbol up (without CONFIG_) in the cached configuration. */
const char *kconfig_get(const char *sym);

/* "loaded", "module" (in modules.dep), "built-in" or "absent". */
const char *kmod_state(const char *name, const char *sym);

/*
 * One line of a kernel configuration: whether it sets CONFIG_@sym, and then
 * its value ("y", "m", "0x1000") in @val.
 */
bool kconfig_parse_line(const char *line, const char *sym, char *val, size_t len);
/*
 * Whether one modules.dep line ("kernel/drivers/md/dm-delay.ko.xz: ...") is
 * module @name's; cuts @line at its colon.
 */
bool kmod_dep_line_names(char *line, const char *name);

#endif
