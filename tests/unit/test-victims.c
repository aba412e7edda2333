// SPDX-License-Identifier: GPL-2.0-only
/*
 * The corruption probe's comparison: victim files are verified byte by
 * byte and every corrupted run is reported with its offsets and words.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "map/pattern.h"
#include "observe/victims.h"
#include "unit.h"

static void poke(const char *path, off_t off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);

	EXPECT(fd >= 0 && pwrite(fd, buf, len, off) == (ssize_t)len);
	close(fd);
}

int main(void)
{
	char dir[] = "/tmp/zdcheck-victims.XXXXXX";
	struct result *r = calloc(1, sizeof(*r));
	unsigned char page[4096], buf[64];
	struct victims vs;
	int i;

	EXPECT(mkdtemp(dir) != NULL);
	/* Physical address 0 is never a file block: every victim is created. */
	EXPECT(victims_create(&vs, dir, 0, 4096, 65536, 3 * 65536, 7, 0) == 0);
	EXPECT(vs.n == 3 && vs.hit == -1 && vs.bytes == 3 * 65536);
	/* Only the victim that gets the pinned block is written; here, all are. */
	for (i = 0; i < vs.n; i++) {
		unsigned char *data = malloc(vs.v[i].len);

		pattern_fill(data, vs.v[i].len, vs.v[i].seed, 0);
		poke(vs.v[i].path, 0, data, vs.v[i].len);
		vs.v[i].written = true;
		free(data);
	}
	EXPECT(victims_verify(&vs, r) == 0);
	EXPECT(r->evidence_len == 0);

	/* A stale DMA landing in victim-1: 4 KiB of another file's data. */
	pattern_fill(page, sizeof(page), 999, 0);
	poke(vs.v[1].path, 8192, page, sizeof(page));
	/* One flipped byte in victim-2 at an odd offset. */
	memset(buf, 0, sizeof(buf));
	poke(vs.v[2].path, 12345, buf, 1);
	EXPECT(victims_verify(&vs, r) == 2);
	EXPECT(strstr(r->evidence, "victim-1: bytes 8192-12287 corrupted"));
	EXPECT(strstr(r->evidence, "victim-2: bytes 12345-12351 corrupted; at 12344"));

	/* Whose data a stale reader saw: only the victim that got the block. */
	vs.hit = 0;
	vs.hit_off = 4096;
	pattern_fill(page, sizeof(page), vs.v[0].seed, 4096);
	EXPECT(victims_owner(&vs, page, sizeof(page)) == 0);
	pattern_fill(page, sizeof(page), vs.v[1].seed, 4096);
	EXPECT(victims_owner(&vs, page, sizeof(page)) == -1);

	victims_remove(&vs);
	EXPECT(rmdir(dir) == 0);
	free(r);
	return unit_done();
}
