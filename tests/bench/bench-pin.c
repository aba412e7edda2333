// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-pin: zdcheck's pin engine (pin/stream.c), O_DIRECT reads from a
 * block device into a DAX mapping kept QD deep, for SECONDS; its peer is
 * fio doing the same (tests/bench/guest: --iomem=mmapshared on the same
 * DAX mount, same device, block size and queue depth).
 *
 *   bench-pin aio|uring DEVICE FILE BS QD SECONDS
 *
 * FILE, on a DAX mount, is made QD * BS long and mapped shared; each read
 * lands in its own slot of it. Prints one line: route, reads, seconds,
 * reads per second, and whether FILE's mapping is DAX (statx).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pin/stream.h"
#include "zdcheck.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

static int die(const char *what, int err)
{
	fprintf(stderr, "bench-pin: %s: %s\n", what, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	enum pin_route route;
	struct pin_stream s;
	unsigned long long size = 0;
	size_t bs, len;
	unsigned int qd;
	double secs;
	struct statx stx;
	unsigned char *buf;
	long long t0, t;
	int src, fd, ret;

	if (argc != 7 || (strcmp(argv[1], "aio") && strcmp(argv[1], "uring"))) {
		fprintf(stderr, "usage: bench-pin aio|uring DEVICE FILE BS QD SECONDS\n");
		return 2;
	}
	route = strcmp(argv[1], "aio") ? PIN_ROUTE_URING : PIN_ROUTE_AIO;
	bs = strtoul(argv[4], NULL, 0);
	qd = (unsigned int)strtoul(argv[5], NULL, 0);
	secs = strtod(argv[6], NULL);
	if (!bs || bs % 512 || !qd || qd > 4096 || secs <= 0) {
		fprintf(stderr, "bench-pin: BS a multiple of 512, QD 1-4096, SECONDS > 0\n");
		return 2;
	}
	src = open(argv[2], O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (src < 0 || ioctl(src, BLKGETSIZE64, &size))
		return die(argv[2], errno);
	len = qd * bs;
	fd = open(argv[3], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)len))
		return die(argv[3], errno);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED)
		return die("mmap", errno);
	memset(buf, 0x5a, len); /* the pages exist before the first read */
	if (statx(fd, "", AT_EMPTY_PATH, 0, &stx))
		stx.stx_attributes = stx.stx_attributes_mask = 0;
	ret = pin_stream_open(&s, route, src, (off_t)size, buf, bs, qd);
	if (ret)
		return die("pin_stream_open", -ret);
	t0 = now_us();
	ret = pin_stream_run(&s, t0 + (long long)(secs * 1e6));
	t = now_us() - t0;
	pin_stream_close(&s);
	if (ret)
		return die("a read", -ret);
	printf("%s bs %zu qd %u: %llu reads in %.2f s, %.0f reads/s, %s\n",
	       pin_route_name(route), bs, qd, s.done, t / 1e6, s.done * 1e6 / t,
	       stx.stx_attributes & STATX_ATTR_DAX ? "DAX mapping" : "NOT a DAX mapping");
	munmap(buf, len);
	close(fd);
	unlink(argv[3]);
	return 0;
}
