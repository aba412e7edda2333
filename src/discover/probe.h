/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PROBE_H
#define ZD_PROBE_H

#include <json-c/json.h>

/* Everything "zdcheck probe" reports, as one JSON object to print. */
json_object *probe_collect(void);

#endif
