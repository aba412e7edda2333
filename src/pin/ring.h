/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PIN_RING_H
#define ZD_PIN_RING_H

#include "pin/pin.h"

struct io_uring;

/*
 * A ring of @entries for the io_uring pins of @p, in *@ringp (free with
 * io_uring_queue_exit() and free()). -errno when io_uring refuses, with
 * what could not be made named (pin_no_resource()) when zdcheck's own
 * resources ran out. Built with liburing only.
 */
int pin_ring_new(struct pin *p, unsigned int entries, struct io_uring **ringp);

#endif
