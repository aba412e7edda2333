// SPDX-License-Identifier: GPL-2.0-only
/*
 * The option value parsers: digits and nothing else (no space, no sign),
 * the range, the K/M/G suffix, the formats, and a message that keeps its
 * reason however long the value.
 */
#include <limits.h>

#include "cli/parse.h"
#include "unit.h"

static char why[1024];

static int uint_of(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *v)
{
	why[0] = '\0';
	return cli_parse_uint("--n", s, min, max, v, why, sizeof(why));
}

static int size_of(const char *s, unsigned long long *v)
{
	why[0] = '\0';
	return cli_parse_size("--size", s, v, why, sizeof(why));
}

int main(void)
{
	char long_value[5001];
	enum report_format f;
	unsigned long long v;

	EXPECT(uint_of("0", 0, 10, &v) == 0 && v == 0);
	EXPECT(uint_of("10", 0, 10, &v) == 0 && v == 10);
	EXPECT(uint_of("007", 0, 10, &v) == 0 && v == 7);
	EXPECT(uint_of("18446744073709551615", 0, ULLONG_MAX, &v) == 0 && v == ULLONG_MAX);
	EXPECT(uint_of("18446744073709551616", 0, ULLONG_MAX, &v) == -1);
	EXPECT(uint_of("99999999999999999999999", 0, ULLONG_MAX, &v) == -1);
	EXPECT(uint_of("11", 0, 10, &v) == -1);
	EXPECT(uint_of("0", 1, 10, &v) == -1);
	EXPECT_STR(why, "invalid --n '0': expected a number from 1 to 10");
	EXPECT(uint_of("", 0, 10, &v) == -1);
	EXPECT(uint_of(" 1", 0, 10, &v) == -1);
	EXPECT(uint_of(" -1", 0, ULLONG_MAX, &v) == -1);
	EXPECT_STR(why, "invalid --n ' -1': expected a number from 0 to 18446744073709551615");
	EXPECT(uint_of("-1", 0, ULLONG_MAX, &v) == -1);
	EXPECT(uint_of("+1", 0, 10, &v) == -1);
	EXPECT(uint_of("1 ", 0, 10, &v) == -1);
	EXPECT(uint_of("0x1", 0, 10, &v) == -1);
	EXPECT(uint_of("1e3", 0, 10000, &v) == -1);

	EXPECT(size_of("4096", &v) == 0 && v == 4096);
	EXPECT(size_of("64M", &v) == 0 && v == 64ULL << 20);
	EXPECT(size_of("64m", &v) == 0 && v == 64ULL << 20);
	EXPECT(size_of("2G", &v) == 0 && v == 2ULL << 30);
	EXPECT(size_of("1k", &v) == 0 && v == 1024);
	EXPECT(size_of("1048576G", &v) == 0 && v == 1ULL << 50);
	EXPECT(size_of("1048577G", &v) == -1);
	EXPECT(size_of("0", &v) == -1);
	EXPECT(size_of("0M", &v) == -1);
	EXPECT(size_of("M", &v) == -1);
	EXPECT(size_of("", &v) == -1);
	EXPECT(size_of(" 64M", &v) == -1);
	EXPECT_STR(why, "invalid --size ' 64M': expected bytes, with K, M or G");
	EXPECT(size_of("+64M", &v) == -1);
	EXPECT(size_of("-64M", &v) == -1);
	EXPECT(size_of("64MB", &v) == -1);
	EXPECT(size_of("64Q", &v) == -1);
	EXPECT(size_of("99999999999999999999999", &v) == -1);

	EXPECT(cli_parse_format("--format", "json", &f, why, sizeof(why)) == 0 &&
	       f == FORMAT_JSON);
	EXPECT(cli_parse_format("--format", "tap", &f, why, sizeof(why)) == 0 &&
	       f == FORMAT_TAP);
	EXPECT(cli_parse_format("--format", "ktap", &f, why, sizeof(why)) == 0 &&
	       f == FORMAT_KTAP);
	EXPECT(cli_parse_format("--format", "text", &f, why, sizeof(why)) == 0 &&
	       f == FORMAT_TEXT);
	EXPECT(cli_parse_format("--format", "JSON", &f, why, sizeof(why)) == -1);
	EXPECT(cli_parse_format("--format", "", &f, why, sizeof(why)) == -1);
	EXPECT_STR(why, "invalid --format '': expected text, json, tap or ktap");

	/* Paths: not empty, shorter than PATH_MAX. */
	EXPECT(cli_parse_path("fsdax", "/mnt/pmem", why, sizeof(why)) == 0);
	EXPECT(cli_parse_path("fsdax", "", why, sizeof(why)) == -1);
	EXPECT_STR(why, "fsdax: empty path");

	/* A 5000-byte value is shown abbreviated; the reason survives. */
	memset(long_value, '7', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	EXPECT(uint_of(long_value, 0, 10, &v) == -1);
	EXPECT(strstr(why, "7...7") && strstr(why, ": expected a number from 0 to 10"));
	EXPECT(strlen(why) < 200);
	EXPECT(cli_parse_path("--restore", long_value, why, sizeof(why)) == -1);
	EXPECT(strstr(why, "--restore: 777") && strstr(why, "7...7") &&
	       strstr(why, "7: File name too long (5000 bytes, PATH_MAX is 4096)"));
	long_value[PATH_MAX - 1] = '\0';
	EXPECT(cli_parse_path("--restore", long_value, why, sizeof(why)) == 0);
	return unit_done();
}
