// SPDX-License-Identifier: GPL-2.0-only
/* Prints what discover/probe.c collected, for people (text) or tools (json). */
#include <stdbool.h>
#include <string.h>

#include "report/report.h"

static const char *get(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return "-";
	return json_object_get_string(v);
}

static json_object *sub(json_object *o, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/*
 * "provider nfit", "provider cxl region0 (mem0 mem1)": the name only where
 * the kind does not already say it (the CXL region, the hmem device, an
 * unknown bus's own provider string), then a CXL region's memory devices.
 */
static const char *provider_words(json_object *o, char *buf, size_t len)
{
	json_object *pv = sub(o, "provider"), *mds = sub(pv, "memdevs");
	const char *kind = get(pv, "kind"), *name = get(pv, "name");
	bool named = !strcmp(kind, "cxl") || !strcmp(kind, "hmem") || !strcmp(kind, "other");
	size_t i, n = mds ? json_object_array_length(mds) : 0, used;

	if (named && strcmp(name, "-"))
		snprintf(buf, len, "provider %s %s", kind, name);
	else
		snprintf(buf, len, "provider %s", kind);
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s%s", i ? " " : " (",
			 json_object_get_string(json_object_array_get_idx(mds, i)),
			 i + 1 == n ? ")" : "");
	}
	return buf;
}

static void print_devices(FILE *out, json_object *devs)
{
	char pv[256];
	size_t i, n = json_object_array_length(devs);

	fprintf(out, "DAX devices:%s\n", n ? "" : " none");
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);

		fprintf(out, "  /dev/%s  region%s  size %s  align %s  mode %s  %s\n",
			get(d, "name"), get(d, "region"), get(d, "size"), get(d, "align"),
			get(d, "mode"), provider_words(d, pv, sizeof(pv)));
	}
}

static void print_regions(FILE *out, json_object *regions)
{
	char pv[256];
	size_t i, j, n = json_object_array_length(regions);

	fprintf(out, "NVDIMM regions:%s\n", n ? "" : " none");
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(regions, i),
			    *nss = sub(r, "namespaces");

		fprintf(out, "  %s  %s  size %s  %s\n", get(r, "name"), get(r, "type"),
			get(r, "size"), provider_words(r, pv, sizeof(pv)));
		for (j = 0; nss && j < json_object_array_length(nss); j++) {
			json_object *ns = json_object_array_get_idx(nss, j);

			fprintf(out, "    %s  mode %s  size %s  blockdev %s%s\n",
				get(ns, "name"), get(ns, "mode"), get(ns, "size"),
				get(ns, "blockdev"),
				json_object_get_boolean(sub(ns, "enabled")) ? "" :
									      "  (disabled)");
		}
	}
}

static void print_mounts(FILE *out, json_object *mounts)
{
	char pv[256];
	size_t i, n = json_object_array_length(mounts);

	fprintf(out, "DAX mounts:%s\n", n ? "" : " none");
	for (i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(mounts, i);

		fprintf(out, "  %s  %s on %s  dax=%s  %s%s\n", get(m, "mountpoint"),
			get(m, "fstype"), get(m, "source"), get(m, "dax"),
			provider_words(m, pv, sizeof(pv)),
			json_object_get_boolean(sub(m, "read_only")) ? "  (read-only)" : "");
	}
}

static void print_object(FILE *out, const char *title, json_object *o)
{
	fprintf(out, "%s:\n", title);
	json_object_object_foreach(o, key, val)
		fprintf(out, "  %-16s %s\n", key, val ? json_object_get_string(val) : "-");
}

void report_probe(FILE *out, json_object *facts, enum report_format fmt)
{
	json_object *k = sub(facts, "kernel"), *devs = sub(facts, "dax_devices");
	json_object *mounts = sub(facts, "dax_mounts");
	size_t ndev = json_object_array_length(devs), nmnt = json_object_array_length(mounts);

	if (fmt == FORMAT_JSON) {
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(facts,
						       JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		return;
	}
	fprintf(out, "zdcheck %s (%s)\n", get(sub(facts, "zdcheck"), "version"),
		get(sub(facts, "zdcheck"), "features"));
	fprintf(out, "kernel: %s %s (config from %s)\n", get(k, "release"), get(k, "machine"),
		get(k, "config_source"));
	print_object(out, "kernel config", sub(k, "config"));
	print_devices(out, devs);
	print_regions(out, sub(facts, "nvdimm_regions"));
	print_mounts(out, mounts);
	print_object(out, "features", sub(facts, "features"));
	if (!ndev && !nmnt)
		fprintf(out,
			"verdict: no DAX device, no DAX mount: nothing for zdcheck to test here\n");
	else
		fprintf(out, "verdict: %zu DAX device%s, %zu DAX mount%s\n", ndev,
			ndev == 1 ? "" : "s", nmnt, nmnt == 1 ? "" : "s");
}
