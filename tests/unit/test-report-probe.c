// SPDX-License-Identifier: GPL-2.0-only
/* zdcheck probe's text: each device, region and mount with its provider's words. */
#include <stdlib.h>

#include "report/report.h"
#include "unit.h"

/* Facts in the shape discover/probe.c builds them, cut to what the lines print. */
static const char facts_json[] =
	"{\"zdcheck\": {\"version\": \"0.1.0\", \"features\": \"+CXL\"},"
	" \"kernel\": {\"release\": \"7.0\", \"machine\": \"x86_64\", \"config\": {}},"
	" \"dax_devices\": ["
	"  {\"name\": \"dax0.0\", \"region\": 0, \"size\": 1, \"align\": 2, \"mode\": \"devdax\","
	"   \"provider\": {\"kind\": \"cxl\", \"name\": \"region0\", \"memdevs\": [\"mem0\", \"mem1\"]}},"
	"  {\"name\": \"dax1.0\", \"region\": 1, \"size\": 1, \"align\": 2, \"mode\": \"devdax\","
	"   \"provider\": {\"kind\": \"nfit\", \"name\": \"ACPI.NFIT\", \"memdevs\": []}}],"
	" \"nvdimm_regions\": ["
	"  {\"name\": \"region0\", \"type\": \"pmem\", \"size\": 1, \"namespaces\": [],"
	"   \"provider\": {\"kind\": \"cxl\", \"name\": \"region0\", \"memdevs\": []}},"
	"  {\"name\": \"region1\", \"type\": \"pmem\", \"size\": 1, \"namespaces\": [],"
	"   \"provider\": {\"kind\": \"cxl\", \"name\": null, \"memdevs\": []}}],"
	" \"dax_mounts\": ["
	"  {\"mountpoint\": \"/mnt\", \"fstype\": \"xfs\", \"source\": \"/dev/pmem0\","
	"   \"dax\": \"always\", \"read_only\": false,"
	"   \"provider\": {\"kind\": \"cxl\", \"name\": \"region0\", \"memdevs\": [\"mem0\"]}}],"
	" \"features\": {}}";

static bool has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

int main(void)
{
	json_object *facts = json_tokener_parse(facts_json);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	EXPECT(facts != NULL && out != NULL);
	if (!facts || !out)
		return unit_done();
	report_probe(out, facts, FORMAT_TEXT);
	fclose(out);
	EXPECT(has_line(text, "  /dev/dax0.0  region0  size 1  align 2  mode devdax  "
			      "provider cxl region0 (mem0 mem1)"));
	EXPECT(has_line(text, "  /dev/dax1.0  region1  size 1  align 2  mode devdax  "
			      "provider nfit"));
	EXPECT(has_line(text, "  region0  pmem  size 1  provider cxl region0"));
	EXPECT(has_line(text, "  region1  pmem  size 1  provider cxl"));
	EXPECT(has_line(text,
			"  /mnt  xfs on /dev/pmem0  dax=always  provider cxl region0 (mem0)"));
	if (unit_failures)
		fputs(text, stderr);
	free(text);
	json_object_put(facts);
	return unit_done();
}
