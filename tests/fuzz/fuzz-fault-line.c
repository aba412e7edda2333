// SPDX-License-Identifier: GPL-2.0-only
/* A device-dax fault debug line (its message) through fault_line_order(). */
#include "fuzz.h"
#include "observe/faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fault_line_order((const char *)data, size);
	return 0;
}
