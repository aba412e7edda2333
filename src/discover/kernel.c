// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "discover/kernel.h"
#include "zdcheck.h"

static const char *const kconfig_syms[] = {
	"ZONE_DEVICE",
	"FS_DAX",
	"FS_DAX_PMD",
	"DEV_DAX",
	"DEV_DAX_PMEM",
	"DEV_DAX_KMEM",
	"LIBNVDIMM",
	"BLK_DEV_PMEM",
	"ACPI_NFIT",
	"TRANSPARENT_HUGEPAGE",
	"IO_URING",
	"AIO",
	"BLK_DEV_NULL_BLK",
	"BLK_DEV_DM",
	"DM_DELAY",
	"CONFIGFS_FS",
	"DETECT_HUNG_TASK",
	"DEBUG_VM",
	"KASAN",
	"KPROBES",
};

static struct {
	bool loaded;
	char source[128];
	char val[ARRAY_SIZE(kconfig_syms)][8];
} kc;

bool kconfig_parse_line(const char *line, const char *sym, char *val, size_t len)
{
	size_t n = strlen(sym);

	if (strncmp(line, "CONFIG_", 7) || strncmp(line + 7, sym, n) || line[7 + n] != '=')
		return false;
	snprintf(val, len, "%.*s", (int)strcspn(line + 8 + n, "\n"), line + 8 + n);
	return true;
}

static void kconfig_line(const char *line)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kconfig_syms); i++)
		kconfig_parse_line(line, kconfig_syms[i], kc.val[i], sizeof(kc.val[i]));
}

/* /proc/config.gz (IKCONFIG_PROC) first; distros ship /boot/config-RELEASE. */
static void kconfig_load(void)
{
	char line[512], boot[128];
	struct utsname u;
	gzFile gz;
	size_t i;

	if (kc.loaded)
		return;
	kc.loaded = true;
	uname(&u);
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	/* gzopen reads plain text too, so one loop serves both sources. */
	if (access("/proc/config.gz", R_OK) == 0)
		snprintf(kc.source, sizeof(kc.source), "/proc/config.gz");
	else if (access(boot, R_OK) == 0)
		snprintf(kc.source, sizeof(kc.source), "%s", boot);
	gz = kc.source[0] ? gzopen(kc.source, "rb") : NULL;
	for (i = 0; i < ARRAY_SIZE(kconfig_syms); i++)
		snprintf(kc.val[i], sizeof(kc.val[i]), gz ? "n" : "unknown");
	if (!gz) {
		kc.source[0] = '\0';
		return;
	}
	while (gzgets(gz, line, sizeof(line)))
		kconfig_line(line);
	gzclose(gz);
}

const char *kconfig_get(const char *sym)
{
	size_t i;

	kconfig_load();
	for (i = 0; i < ARRAY_SIZE(kconfig_syms); i++)
		if (!strcmp(kconfig_syms[i], sym))
			return kc.val[i];
	return "unknown";
}

json_object *kernel_describe(void)
{
	json_object *k = json_object_new_object(), *cfg = json_object_new_object();
	struct utsname u;
	size_t i;

	uname(&u);
	kconfig_load();
	json_object_object_add(k, "release", json_object_new_string(u.release));
	json_object_object_add(k, "version", json_object_new_string(u.version));
	json_object_object_add(k, "machine", json_object_new_string(u.machine));
	json_object_object_add(k, "config_source",
			       kc.source[0] ? json_object_new_string(kc.source) : NULL);
	for (i = 0; i < ARRAY_SIZE(kconfig_syms); i++)
		json_object_object_add(cfg, kconfig_syms[i], json_object_new_string(kc.val[i]));
	json_object_object_add(k, "config", cfg);
	return k;
}

bool kmod_dep_line_names(char *line, const char *name)
{
	char *colon = strchr(line, ':'), want[80];

	if (!colon)
		return false;
	*colon = '\0';
	snprintf(want, sizeof(want), "/%s.ko", name);
	return strstr(line, want) != NULL;
}

static bool modules_dep_has(const char *name)
{
	char path[256], line[1024];
	struct utsname u;
	bool found = false;
	FILE *f;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = kmod_dep_line_names(line, name);
	fclose(f);
	return found;
}

/* @name as modules.dep spells the file (dm-delay), /sys/module uses '_'. */
const char *kmod_state(const char *name, const char *sym)
{
	char path[128], *p;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	for (p = path + strlen("/sys/module/"); *p; p++)
		if (*p == '-')
			*p = '_';
	if (access(path, F_OK) == 0)
		return !strcmp(kconfig_get(sym), "y") ? "built-in" : "loaded";
	if (modules_dep_has(name))
		return "module";
	return !strcmp(kconfig_get(sym), "y") ? "built-in" : "absent";
}
