/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_PIN_STREAM_H
#define ZD_PIN_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Pins in a stream: O_DIRECT reads from a block device into a DAX mapping,
 * kept @qd deep, read after read, each into its own @bs slot of @buf, the
 * way an application doing I/O into persistent memory pins it all the
 * time. Each read pins its slot's pages for as long as the device takes
 * (pin/dio.c says how), through libaio or io_uring as the single pins do.
 */
enum pin_route { PIN_ROUTE_AIO, PIN_ROUTE_URING };

struct pin_stream {
	enum pin_route route;
	int src_fd; /* opened O_DIRECT */
	off_t src_len; /* reads go round [0, src_len) */
	off_t next;
	unsigned char *buf; /* qd * bs bytes, inside the DAX mapping */
	size_t bs;
	unsigned int qd;
	unsigned long long done; /* reads completed, all runs */
	void *priv; /* the aio context or the ring, and the slots */
};

/* Returns 0, or -errno: the route is not built in, or its setup was refused. */
int pin_stream_open(struct pin_stream *s, enum pin_route route, int src_fd, off_t src_len,
		    unsigned char *buf, size_t bs, unsigned int qd);
/*
 * Keeps @qd reads in flight until @until_us (now_us()) has passed, then
 * waits for the last of them; returns 0, or -errno of the first read that
 * failed or came back short (the rest are still waited for).
 */
int pin_stream_run(struct pin_stream *s, long long until_us);
void pin_stream_close(struct pin_stream *s);
const char *pin_route_name(enum pin_route route);

#endif
