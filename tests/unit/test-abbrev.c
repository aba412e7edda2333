// SPDX-License-Identifier: GPL-2.0-only
/* zd_abbrev(): long user strings shortened for one-line messages, never mid-character. */
#include "unit.h"
#include "zdcheck.h"

int main(void)
{
	char s[5001], buf[ZD_ABBREV], expect[ZD_ABBREV];
	size_t i;

	EXPECT_STR(zd_abbrev("", buf, sizeof(buf)), "");
	EXPECT_STR(zd_abbrev("/mnt/pmem", buf, sizeof(buf)), "/mnt/pmem");

	/* 123 bytes fit as they are; 124 do not. */
	memset(s, 'a', 123);
	s[123] = '\0';
	EXPECT_STR(zd_abbrev(s, buf, sizeof(buf)), s);
	for (i = 0; i < sizeof(s) - 1; i++)
		s[i] = i < 100 ? 'h' : 't';
	s[sizeof(s) - 1] = '\0';
	snprintf(expect, sizeof(expect), "%.60s...%.60s", s, s + sizeof(s) - 61);
	EXPECT_STR(zd_abbrev(s, buf, sizeof(buf)), expect);
	EXPECT(strlen(buf) == 123);

	/* "é" (c3 a9) across either cut is kept whole or left out whole. */
	memset(s, 'x', 200);
	s[200] = '\0';
	s[59] = '\xc3';
	s[60] = '\xa9';
	s[139] = '\xc3';
	s[140] = '\xa9';
	zd_abbrev(s, buf, sizeof(buf));
	EXPECT(!strstr(buf, "\xc3..."));
	EXPECT(!strstr(buf, "...\xa9"));
	EXPECT(strstr(buf, "x...x") != NULL);
	return unit_done();
}
