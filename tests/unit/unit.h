/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_UNIT_H
#define ZD_UNIT_H

#include <stdio.h>
#include <string.h>

/* EXPECT records a failure and goes on; the test exits 1 if any failed. */
extern int unit_failures;

#define EXPECT(cond)                                                                        \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
			unit_failures++;                                                    \
		}                                                                           \
	} while (0)

#define EXPECT_STR(a, b)                                                                    \
	do {                                                                                \
		const char *a_ = (a), *b_ = (b);                                            \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                         \
			fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, \
				__LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");      \
			unit_failures++;                                                    \
		}                                                                           \
	} while (0)

int unit_done(void);

#endif
