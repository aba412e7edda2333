// SPDX-License-Identifier: GPL-2.0-only
/* A /proc/PID/stat line through task_parse_stat(). */
#include "fuzz.h"
#include "observe/task.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *stat = fuzz_string(data, size), comm[64], tiny[1], state;
	pid_t pgrp;

	if (!stat)
		return 0;
	if (!task_parse_stat(stat, comm, sizeof(comm), &state, &pgrp))
		FUZZ_ASSERT(strlen(comm) < sizeof(comm));
	task_parse_stat(stat, tiny, sizeof(tiny), &state, &pgrp);
	free(stat);
	return 0;
}
