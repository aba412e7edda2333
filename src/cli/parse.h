/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_CLI_PARSE_H
#define ZD_CLI_PARSE_H

#include <stddef.h>

#include "zdcheck.h"

/*
 * Option values: a string in, a value or a one-line message in @why out.
 * Pure (no globals, no errno, no locale), so they can be unit-tested and
 * fuzzed. A number starts with a digit: no space, no sign, no "0x". @opt is
 * the option's name as the message should say it ("--timeout").
 * Each returns 0, or -1 with @why set.
 */
int cli_parse_uint(const char *opt, const char *s, unsigned long long min,
		   unsigned long long max, unsigned long long *out, char *why, size_t len);
/* "64M", "2G", "4096": a byte count from 1 to 2^50 with an optional K, M or G. */
int cli_parse_size(const char *opt, const char *s, unsigned long long *out, char *why,
		   size_t len);
/* "text", "json" or "tap". */
int cli_parse_format(const char *opt, const char *s, enum report_format *out, char *why,
		     size_t len);

/*
 * A path the user gave (@what names it: "fsdax", "--pin-device"): not
 * empty, and shorter than PATH_MAX, else no system call could take it.
 */
int cli_parse_path(const char *what, const char *s, char *why, size_t len);

#endif
