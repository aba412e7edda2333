/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PATTERN_H
#define ZD_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Data patterns are a pure function of (seed, byte offset), so a verifier
 * can say which offset is wrong and, given the other seeds in play, whose
 * data landed there. @off and @len are multiples of 8.
 */
void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t off);
/* Returns the first wrong byte's offset relative to @buf, or @len. */
size_t pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t off);
uint64_t pattern_word(uint64_t seed, uint64_t off);

#endif
