// SPDX-License-Identifier: GPL-2.0-only
/*
 * strtoull() would take " -1" as 18446744073709551615 and "+64" as 64: it
 * skips spaces and accepts a sign. The values here are digits and nothing
 * else, read by hand.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/parse.h"

#define SIZE_MAX_BYTES (1ULL << 50)

/* Reads the digits at @s into @v; returns where they end, or NULL on none or overflow. */
static const char *digits(const char *s, unsigned long long *v)
{
	const char *p = s;

	*v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*v > (ULLONG_MAX - (unsigned long long)(*p - '0')) / 10)
			return NULL;
		*v = *v * 10 + (unsigned long long)(*p - '0');
	}
	return p == s ? NULL : p;
}

int cli_parse_uint(const char *opt, const char *s, unsigned long long min,
		   unsigned long long max, unsigned long long *out, char *why, size_t len)
{
	char shown[ZD_ABBREV];
	unsigned long long v;
	const char *end = digits(s, &v);

	if (!end || *end || v < min || v > max) {
		snprintf(why, len, "invalid %s '%s': expected a number from %llu to %llu", opt,
			 zd_abbrev(s, shown, sizeof(shown)), min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_parse_size(const char *opt, const char *s, unsigned long long *out, char *why,
		   size_t len)
{
	char shown[ZD_ABBREV];
	unsigned long long v = 0;
	const char *end = digits(s, &v);
	int shift = 0;

	if (end && (*end == 'K' || *end == 'k'))
		shift = 10;
	else if (end && (*end == 'M' || *end == 'm'))
		shift = 20;
	else if (end && (*end == 'G' || *end == 'g'))
		shift = 30;
	if (end && shift)
		end++;
	if (!end || *end || !v || v > SIZE_MAX_BYTES >> shift) {
		snprintf(why, len, "invalid %s '%s': expected bytes, with K, M or G", opt,
			 zd_abbrev(s, shown, sizeof(shown)));
		return -1;
	}
	*out = v << shift;
	return 0;
}

int cli_parse_format(const char *opt, const char *s, enum report_format *out, char *why,
		     size_t len)
{
	static const char *const names[] = {
		[FORMAT_TEXT] = "text",
		[FORMAT_JSON] = "json",
		[FORMAT_TAP] = "tap",
		[FORMAT_KTAP] = "ktap",
	};
	char shown[ZD_ABBREV];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	snprintf(why, len, "invalid %s '%s': expected text, json, tap or ktap", opt,
		 zd_abbrev(s, shown, sizeof(shown)));
	return -1;
}

int cli_parse_path(const char *what, const char *s, char *why, size_t len)
{
	char shown[ZD_ABBREV];
	size_t n = strlen(s);

	if (!n) {
		snprintf(why, len, "%s: empty path", what);
		return -1;
	}
	if (n >= PATH_MAX) {
		/* strerror(ENAMETOOLONG), without the locale */
		snprintf(why, len, "%s: %s: File name too long (%zu bytes, PATH_MAX is %d)",
			 what, zd_abbrev(s, shown, sizeof(shown)), n, PATH_MAX);
		return -1;
	}
	return 0;
}
