// SPDX-License-Identifier: GPL-2.0-only
/*
 * --format ktap against the rules of the kernel's KTAP spec
 * (Documentation/dev-tools/ktap.rst, version 1): a checker of those rules
 * is first shown to accept the structures of the spec's own examples
 * (flat, nested, a SKIP, diagnostic lines) and to refuse what the spec
 * forbids, then holds zdcheck's report of a pass, a failure, a skip, an
 * error and an interrupted run to them.
 */
#include <stdlib.h>

#include "report/report.h"
#include "unit.h"

struct ktap {
	char **line;
	size_t n, at;
	unsigned int unknown; /* lines of none of the four kinds (allowed, counted) */
	unsigned int cases, skips, fails, errors; /* result lines, every level */
	char why[160];
};

static bool bad(struct ktap *k, const char *what)
{
	snprintf(k->why, sizeof(k->why), "line %zu: %s", k->at + 1, what);
	return false;
}

/* "ok N desc # DIRECTIVE data" at the start of @s; false if not a result line. */
static bool result_line(struct ktap *k, const char *s, unsigned int want)
{
	bool ok = !strncmp(s, "ok ", 3), notok = !strncmp(s, "not ok ", 7);
	const char *p = s + (ok ? 3 : 7), *hash;
	char *end;
	unsigned long n;

	if (!ok && !notok)
		return false;
	n = strtoul(p, &end, 10);
	if (end == p || n != want)
		return bad(k, "result number out of order");
	hash = strchr(end, '#');
	k->cases++;
	if (!hash)
		return ok ? true : (k->fails++, true);
	if (hash[-1] != ' ')
		return bad(k, "'#' inside the description");
	if (!strncmp(hash, "# SKIP", 6))
		k->skips++;
	else if (!strncmp(hash, "# ERROR", 7) || !strncmp(hash, "# TIMEOUT", 9)) {
		if (ok)
			return bad(k, "ERROR or TIMEOUT on an ok line");
		k->errors++;
	} else if (notok)
		k->fails++;
	return true;
}

/* One test's results at @indent spaces, from its version line on. */
static bool level(struct ktap *k, size_t indent)
{
	unsigned int want = 1, plan = 0;
	const char *s;

	s = k->line[k->at] + indent;
	if (strcmp(s, "KTAP version 1"))
		return bad(k, "no version line");
	k->at++;
	if (k->at < k->n && !strncmp(k->line[k->at] + indent, "1..", 3) &&
	    strspn(k->line[k->at], " ") == indent) {
		plan = (unsigned int)atoi(k->line[k->at] + indent + 3);
		k->at++;
	}
	while (k->at < k->n) {
		const char *l = k->line[k->at];
		size_t lead = strspn(l, " ");

		s = l + lead;
		if (lead == indent + 2 && !strcmp(s, "KTAP version 1")) {
			if (!level(k, indent + 2))
				return false;
			continue;
		}
		if (lead < indent)
			break; /* the parent's next line */
		if (lead == indent && result_line(k, s, want)) {
			want++;
			k->at++;
			continue;
		}
		if (k->why[0])
			return false;
		if (*s != '#')
			k->unknown++;
		k->at++;
	}
	if (plan && want - 1 != plan)
		return bad(k, "plan not met");
	return true;
}

/* Splits @text (in place) into lines and checks them. */
static bool check_text(struct ktap *k, char *text)
{
	char *save = NULL, *l;

	memset(k, 0, sizeof(*k));
	k->line = calloc(256, sizeof(*k->line));
	for (l = strtok_r(text, "\n", &save); l && k->n < 256; l = strtok_r(NULL, "\n", &save))
		k->line[k->n++] = l;
	return k->n && level(k, 0) && k->at == k->n;
}

static bool check_doc(struct ktap *k, const char *doc)
{
	char *copy = strdup(doc);
	bool ok = check_text(k, copy);

	free(k->line);
	free(copy);
	return ok;
}

/* The spec's examples, as structures: other names, the same shapes. */
static void test_checker(void)
{
	struct ktap k;

	EXPECT(check_doc(&k, "KTAP version 1\n1..2\nok 1 first\nnot ok 2 second\n"));
	EXPECT(k.cases == 2 && k.fails == 1);
	EXPECT(check_doc(&k, "KTAP version 1\n1..3\nok 1 a # SKIP a dependency is missing\n"
			     "not ok 2 b # TIMEOUT 30 seconds\nok 3 c # rcode=0\n"));
	EXPECT(k.skips == 1 && k.errors == 1 && k.fails == 0);
	/* Nested two deep, a diagnostic line before the result it explains. */
	EXPECT(check_doc(&k, "KTAP version 1\n1..2\n"
			     "  KTAP version 1\n  1..2\n"
			     "    KTAP version 1\n    1..2\n    not ok 1 x\n    ok 2 y\n"
			     "  not ok 1 z\n  ok 2 w # SKIP\n"
			     "# outer one failed\nnot ok 1 outer\nok 2 other\n"));
	EXPECT(k.cases == 6 && k.unknown == 0);
	/* A console line between results is an unknown line: allowed, counted. */
	EXPECT(check_doc(&k, "KTAP version 1\n1..1\n[ 1.0] random: crng init done\nok 1 a\n"));
	EXPECT(k.unknown == 1);
	/* What the spec forbids. */
	EXPECT(!check_doc(&k, "TAP version 13\n1..1\nok 1 a\n"));
	EXPECT(!check_doc(&k, "KTAP version 1\n1..2\nok 1 a\nok 3 b\n"));
	EXPECT(!check_doc(&k, "KTAP version 1\n1..3\nok 1 a\nok 2 b\n"));
	EXPECT(!check_doc(&k, "KTAP version 1\n1..1\nok 1 a#b\n"));
	EXPECT(!check_doc(&k, "KTAP version 1\n1..1\nok 1 a # ERROR no\n"));
}

static const struct check rows[] = {
	{ .name = "fsdax/dax/statx-mapsync", .target = TARGET_FSDAX },
	{ .name = "fsdax/aio/truncate-mid", .target = TARGET_FSDAX },
	{ .name = "fsdax/dax/pmd-cow-write", .target = TARGET_FSDAX },
	{ .name = "fsdax/uring/punch-hole", .target = TARGET_FSDAX },
	{ .name = "fsdax/pread/punch-hole", .target = TARGET_FSDAX },
};

/* Renders @n results of @rr, of @nselected, into a string (free it). */
static char *render(struct run_result *rr, size_t n, size_t nselected, int verbose)
{
	static struct options o = { .format = FORMAT_KTAP };
	struct target t = { .kind = TARGET_FSDAX };
	struct run run = { .opt = &o, .target = &t, .results = rr, .nresults = n };
	struct report rp;
	char *text = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&text, &len);

	o.verbose = verbose;
	run.nselected = nselected;
	report_init(&rp, out, &run);
	report_on_begin(&rp, &run);
	for (i = 0; i < n; i++)
		report_on_result(&rp, &run, &rr[i]);
	report_end(&rp);
	fclose(out);
	return text;
}

static void test_report(void)
{
	struct run_result rr[5] = {
		{ .check = &rows[0] }, { .check = &rows[1] }, { .check = &rows[2] },
		{ .check = &rows[3] }, { .check = &rows[4] },
	};
	struct ktap k;
	char *text;

	result_pass(&rr[0].res);
	result_value(&rr[0].res, "store_us", 1712207);
	result_evidence(&rr[0].res, "MAP_SYNC # taken");
	result_fail(&rr[1].res,
		    "ftruncate(mid) returned 12 us after it started, while the page "
		    "was pinned");
	result_value(&rr[1].res, "blocked_us", 12);
	result_evidence(&rr[1].res, "pinned page: file offset 3145728, physical 0x8d00000");
	result_klog(&rr[1].res, "[ 1.000000] WARNING: CPU: 0 PID: 1 at fs/dax.c:1", 1);
	result_skip(&rr[2].res,
		    "no PMD mapping possible: extent at block 7, not 2 MiB aligned");
	result_error(&rr[3].res, "the aio read from null_blk failed: Input/output error");

	/* All five run; the pass shows its evidence only at -v. */
	text = render(rr, 5, 5, 0);
	EXPECT(check_doc(&k, text));
	EXPECT(k.cases == 5 && k.unknown == 0);
	EXPECT(k.fails == 1 && k.skips == 1 && k.errors == 2);
	EXPECT(strstr(text, "ok 1 fsdax/dax/statx-mapsync # store_us=1712207\n"));
	EXPECT(!strstr(text, "MAP_SYNC # taken"));
	EXPECT(strstr(text, "# pinned page: file offset 3145728, physical 0x8d00000\n"
			    "# [ 1.000000] WARNING: CPU: 0 PID: 1 at fs/dax.c:1\n"
			    "# ftruncate(mid) returned 12 us after it started, while the page "
			    "was pinned\n# blocked_us=12\nnot ok 2 fsdax/aio/truncate-mid\n"));
	EXPECT(strstr(text, "ok 3 fsdax/dax/pmd-cow-write # SKIP no PMD mapping possible"));
	EXPECT(strstr(text, "not ok 4 fsdax/uring/punch-hole # ERROR the aio read"));
	/* STATUS_NONE: the check gave no verdict, an error as the text report says. */
	EXPECT(strstr(text, "not ok 5 fsdax/pread/punch-hole # ERROR"));
	free(text);

	text = render(rr, 1, 1, 1);
	EXPECT(strstr(text, "# MAP_SYNC # taken\nok 1 fsdax/dax/statx-mapsync"));
	free(text);

	/* Interrupted after two of five: the plan is still met. */
	text = render(rr, 2, 5, 0);
	EXPECT(check_doc(&k, text));
	EXPECT(k.cases == 5 && k.errors == 3);
	EXPECT(strstr(text, "not ok 5 # ERROR interrupted before it ran\n"));
	free(text);
}

int main(void)
{
	test_checker();
	test_report();
	return unit_done();
}
