// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-data: the device-dax data check's fill and verify against its peers
 * over the same window of the same device, in one process.
 *
 *   bench-data PATH [ROUNDS [BYTES]]
 *
 * zdcheck   what devdax/data/pmem2 does: the pattern generated straight
 *           into the mapping a chunk at a time and persisted by libpmem2
 *           (map/devmem.c devmem_fill()); verified by pattern_check() on
 *           the mapping
 * memcpy    plain memcpy() of a buffer filled beforehand; memcmp()
 * pmem2     libpmem2's memcpy of that buffer (devmem_write()); memcmp()
 *
 * Each round runs the three in turn (A B C A B C ...), each on a fresh
 * mapping, so a drift of the machine hits all of them alike; the medians
 * and their ratios are printed. PATH is a device-dax device or a file
 * (made BYTES long), BYTES a multiple of the device's alignment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map/devmem.h"
#include "map/pattern.h"
#include "zdcheck.h"

#define CHUNK (4UL << 20) /* the data check's */
#define MAX_ROUNDS 101

struct engine {
	const char *name;
	void (*fill)(struct devmem *m, size_t len, const unsigned char *src);
	size_t (*verify)(const struct devmem *m, size_t len, const unsigned char *src);
	long long fill_us[MAX_ROUNDS], verify_us[MAX_ROUNDS];
};

static const uint64_t seed = 0x5eedda7a;

static void zd_fill(struct devmem *m, size_t len, const unsigned char *src)
{
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		devmem_fill(m, off, n, seed);
	}
}

static size_t zd_verify(const struct devmem *m, size_t len, const unsigned char *src)
{
	size_t off, n, bad;

	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		bad = pattern_check(m->addr + off, n, seed, off);
		if (bad != n)
			return off + bad;
	}
	return len;
}

static void memcpy_fill(struct devmem *m, size_t len, const unsigned char *src)
{
	memcpy(m->addr, src, len);
}

static void pmem2_fill(struct devmem *m, size_t len, const unsigned char *src)
{
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		devmem_write(m, off, src + off, n);
	}
}

static size_t memcmp_verify(const struct devmem *m, size_t len, const unsigned char *src)
{
	return memcmp(m->addr, src, len) ? 0 : len;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long median(const long long *v, unsigned int n)
{
	long long s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_ll);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double mbps(size_t len, long long us)
{
	return us > 0 ? (double)len / (double)us : 0;
}

/* A file it made (*@made) goes again at the end; a user's file or device stays. */
static int open_target(const char *path, size_t len, bool *pmem2, bool *made)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	*made = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return -1;
	*pmem2 = HAVE_LIBPMEM2;
	if (S_ISREG(st.st_mode) && (size_t)st.st_size < len && ftruncate(fd, (off_t)len)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct engine engines[] = {
		{ .name = "zdcheck", .fill = zd_fill, .verify = zd_verify },
		{ .name = "memcpy", .fill = memcpy_fill, .verify = memcmp_verify },
		{ .name = "pmem2", .fill = pmem2_fill, .verify = memcmp_verify },
	};
	unsigned int rounds = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 5, i, e;
	size_t len = argc > 3 ? strtoull(argv[3], NULL, 0) : 64UL << 20, bad;
	unsigned char *src;
	struct devmem m;
	char why[256];
	bool pmem2, made;
	long long t0, med[3][2];
	int fd, rc = 1;

	if (argc < 2 || !rounds || rounds > MAX_ROUNDS || !len || len % 8) {
		fprintf(stderr, "usage: bench-data PATH [ROUNDS (1-%d) [BYTES]]\n", MAX_ROUNDS);
		return 2;
	}
	src = malloc(len);
	fd = open_target(argv[1], len, &pmem2, &made);
	if (!src || fd < 0) {
		fprintf(stderr, "bench-data: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	pattern_fill(src, len, seed, 0);
	for (i = 0; i < rounds; i++) {
		for (e = 0; e < ARRAY_SIZE(engines); e++) {
			struct engine *en = &engines[e];

			if (devmem_map(&m, fd, 0, len, true, pmem2, why, sizeof(why))) {
				fprintf(stderr, "bench-data: %s: %s\n", argv[1], why);
				goto out;
			}
			/* Another engine's bytes are there: each must write them all. */
			t0 = now_us();
			en->fill(&m, len, src);
			en->fill_us[i] = now_us() - t0;
			t0 = now_us();
			bad = en->verify(&m, len, src);
			en->verify_us[i] = now_us() - t0;
			devmem_unmap(&m);
			if (bad != len) {
				fprintf(stderr, "bench-data: %s read back wrong (byte %zu)\n",
					en->name, bad);
				goto out;
			}
		}
	}
	printf("bench-data %s: %zu bytes, %u rounds of zdcheck memcpy pmem2, medians%s\n",
	       argv[1], len, rounds, pmem2 ? "" : " (no libpmem2: pmem2 is memcpy+msync)");
	printf("%-8s %10s %12s\n", "engine", "fill MB/s", "verify MB/s");
	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		med[e][0] = median(engines[e].fill_us, rounds);
		med[e][1] = median(engines[e].verify_us, rounds);
		printf("%-8s %10.0f %12.0f\n", engines[e].name, mbps(len, med[e][0]),
		       mbps(len, med[e][1]));
	}
	for (e = 1; e < ARRAY_SIZE(engines); e++)
		printf("zdcheck/%s: fill %.2fx, verify %.2fx, both %.2fx\n", engines[e].name,
		       (double)med[e][0] / (double)med[0][0],
		       (double)med[e][1] / (double)med[0][1],
		       (double)(med[e][0] + med[e][1]) / (double)(med[0][0] + med[0][1]));
	rc = 0;
out:
	close(fd);
	if (made)
		unlink(argv[1]);
	free(src);
	return rc;
}
