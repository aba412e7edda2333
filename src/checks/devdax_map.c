// SPDX-License-Identifier: GPL-2.0-only
/*
 * devdax/map/alignment: device-dax maps only whole device pages (check_vma()
 * refuses unaligned VMAs and private mappings), and serves every fault at
 * exactly its alignment: a smaller fault gets SIGBUS, a larger one falls
 * back (__dev_dax_{pte,pmd,pud}_fault()). Where the kernel log can show the
 * size a fault was served at, it must be the alignment. And the page frames
 * behind the mapping must be the device's own, from its first: where the
 * process may read them (/proc/self/pagemap, CAP_SYS_ADMIN). This check
 * maps read-only and never stores, so it is safe on a device that holds
 * data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks/check.h"
#include "map/pagemap.h"
#include "observe/faults.h"

#define PAGE 4096UL
#define PMD (2UL << 20)

/* The frames of the mapping @p of the device's first @t->align bytes. */
static void judge_frames(struct result *r, const struct target *t, const void *p)
{
	size_t n = t->align / PAGE;
	unsigned long long first = t->phys / PAGE;
	struct pfn_seen s;
	char text[160];
	uint64_t *e;
	int ret;

	if (!t->phys) {
		result_evidence(r, "frames not compared: %s's physical range is unknown",
				t->devname);
		return;
	}
	/* walk_page_range() splits a PUD-mapped range to walk its PMDs. */
	if (t->align > PMD) {
		result_evidence(r,
				"frames not compared: pagemap would split the %lu-byte mapping "
				"to read them",
				t->align);
		return;
	}
	e = calloc(n, sizeof(*e));
	ret = e ? pagemap_read(p, n, e) : -ENOMEM;
	if (ret) {
		if (!result_exhausted(r, -ret, "cannot read the mapping's page frames"))
			result_evidence(r, "frames not compared: /proc/self/pagemap: %s",
					strerror(-ret));
		free(e);
		return;
	}
	pfn_judge(e, n, t->phys, t->phys_len, PAGE, &s);
	free(e);
	pfn_seen_describe(&s, text, sizeof(text));
	result_evidence(r, "%s; %s's memory starts at 0x%llx", text, t->devname, t->phys);
	if (s.verdict == PFN_OUTSIDE)
		result_fail(r,
			    "page %zu of the mapping is frame 0x%llx, outside %s's memory "
			    "[0x%llx-0x%llx)",
			    s.out_page, s.out_pfn, t->devname, t->phys, t->phys + t->phys_len);
	else if (s.verdict == PFN_INSIDE && (s.lo != first || s.hi != first + n - 1))
		result_fail(r,
			    "offset 0 of %s is mapped to frames 0x%llx-0x%llx, not to its "
			    "first %zu from 0x%llx",
			    t->devname, s.lo, s.hi, n, first);
}

/* Returns 0 if the mapping succeeded (and was unmapped), else errno. */
static int try_map(int fd, size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ, flags, fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

void check_devdax_map(const struct check *c, struct check_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct result *r = ctx->res;
	volatile unsigned char *p;
	struct fault_watch fw;
	unsigned char sink;
	long fault;
	int fd, err;

	fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!result_exhausted(r, errno, "cannot open %s", t->path))
			result_error(r, "open %s: %s", t->path, strerror(errno));
		return;
	}
	result_value(r, "align", t->align);

	result_step(r, "mmap(%lu, MAP_SHARED)", t->align);
	p = mmap(NULL, t->align, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		if (!result_exhausted(r, errno, "cannot map %lu bytes", t->align))
			result_fail(r, "aligned MAP_SHARED mapping of %lu bytes: %s", t->align,
				    strerror(errno));
		goto out;
	}
	if ((unsigned long)p & (t->align - 1))
		result_fail(r, "mapping at %p is not %lu-aligned", (void *)p, t->align);
	result_step(r, "read first and last byte of the mapping");
	fault_watch_start(&fw);
	sink = p[0];
	fault = fault_watch_stop(&fw, t->devname);
	sink ^= p[t->align - 1];
	(void)sink;
	if (fault) {
		result_value(r, "fault_size", fault);
		if (fault != (long)t->align)
			result_fail(r,
				    "the first read was served by a %ld-byte fault on a device "
				    "aligned to %lu",
				    fault, t->align);
	} else {
		result_evidence(r, "fault size %s", fw.why);
	}
	judge_frames(r, t, (const void *)p);
	munmap((void *)p, t->align);

	/*
	 * The address space is checked before the driver's check_vma(): out of
	 * it, a refusal cannot be told from a mapping that would have worked.
	 */
	result_step(r, "mmap(MAP_PRIVATE)");
	err = try_map(fd, t->align, MAP_PRIVATE);
	if (result_exhausted(r, err, "cannot try a MAP_PRIVATE mapping"))
		goto out;
	if (err != EINVAL)
		result_fail(r, "MAP_PRIVATE mapping: %s, expected EINVAL",
			    err ? strerror(err) : "succeeded");

	if (t->align > (unsigned long)sysconf(_SC_PAGESIZE)) {
		result_step(r, "mmap(one base page, MAP_SHARED)");
		err = try_map(fd, sysconf(_SC_PAGESIZE), MAP_SHARED);
		if (result_exhausted(r, err, "cannot try an unaligned mapping"))
			goto out;
		if (err != EINVAL)
			result_fail(r,
				    "mapping of one base page with %lu alignment: %s, "
				    "expected EINVAL",
				    t->align, err ? strerror(err) : "succeeded");
	} else {
		result_evidence(r,
				"alignment equals the base page: no unaligned length to try");
	}
	result_pass(r);
out:
	close(fd);
}
