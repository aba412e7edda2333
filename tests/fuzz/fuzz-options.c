// SPDX-License-Identifier: GPL-2.0-only
/*
 * Option values as a user types them: numbers, sizes, formats and paths
 * through src/cli/parse.c, and -t globs over the whole check table.
 */
#include "cli/parse.h"
#include "fuzz.h"
#include "run/select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *globs[2] = { NULL, NULL };
	struct options o = { .include = globs };
	unsigned long long v;
	enum report_format f;
	char *s = fuzz_string(data, size), why[1024];

	if (!s)
		return 0;
	/* Accepted only as digits, within the bounds asked for. */
	if (!cli_parse_uint("--timeout", s, 1, 86400, &v, why, sizeof(why)))
		FUZZ_ASSERT(v >= 1 && v <= 86400 && s[0] >= '0' && s[0] <= '9');
	cli_parse_uint("--seed", s, 0, ~0ULL, &v, why, sizeof(why));
	if (!cli_parse_size("--size", s, &v, why, sizeof(why)))
		FUZZ_ASSERT(v && v <= 1ULL << 50 && s[0] >= '0' && s[0] <= '9');
	cli_parse_format("--format", s, &f, why, sizeof(why));
	cli_parse_path("fsdax", s, why, sizeof(why));
	globs[0] = s;
	select_count(&o, &zd_checks, TARGET_FSDAX | TARGET_DEVDAX);
	select_unmatched(&o, &zd_checks);
	free(s);
	return 0;
}
