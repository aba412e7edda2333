// SPDX-License-Identifier: GPL-2.0-only
/* A device-dax fault debug line (its message) through fault_line_order(). */
#include "fuzz.h"
#include "observe/faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int order = fault_line_order((const char *)data, size);

	/* The caller shifts 4096 by it: only the orders a fault can have. */
	FUZZ_ASSERT(order == -1 || (order >= 0 && order <= 18));
	return 0;
}
