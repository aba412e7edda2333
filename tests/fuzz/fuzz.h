/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_FUZZ_H
#define ZD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Called by libFuzzer, or by replay.c where there is no libFuzzer, per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as the C string a parser of text files is handed (getline(),
 * fgets(), a read() into a buffer): a NUL-terminated copy, exactly as long,
 * so that AddressSanitizer sees a read past the end. NULL when out of memory.
 */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* A broken invariant is a crash, so that libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond)        \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#endif
