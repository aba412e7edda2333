/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ZD_CHECK_H
#define ZD_CHECK_H

#include "discover/target.h"
#include "mutate/mutate.h"
#include "mutate/mutator.h"
#include "pin/pin.h"
#include "report/result.h"
#include "zdcheck.h"

/*
 * What a check needs from the machine. The runner probes each need and turns
 * an unmet one into SKIP with the probe's reason; check code never does.
 */
enum need {
	NEED_ROOT = 1 << 0,
	NEED_IO_URING = 1 << 1,
	NEED_LIBAIO = 1 << 2,
	NEED_LIBPMEM2 = 1 << 3,
	NEED_SLOW_BDEV = 1 << 4, /* a slow non-DAX block device for O_DIRECT pins */
	NEED_DESTRUCTIVE = 1 << 5, /* --destructive: it disables or rewrites the device */
	NEED_PAGEMAP_PFN = 1 << 6, /* /proc/self/pagemap shows page frame numbers */
};
#define NEED_ALL                                                                    \
	(NEED_ROOT | NEED_IO_URING | NEED_LIBAIO | NEED_LIBPMEM2 | NEED_SLOW_BDEV | \
	 NEED_DESTRUCTIVE | NEED_PAGEMAP_PFN)

struct check_ctx {
	const struct options *opt;
	const struct target *target;
	struct result *res;
	const char *dir; /* fs-dax: this check's own directory in the work dir */
	bool alone; /* no other check runs while this one does */
};

enum check_flags {
	CHECK_PMD = 1 << 0, /* pin inside a 2M extent mapped at a 2M-aligned address */
	CHECK_ALIGN_1G = 1 << 1, /* devdax/align: 1G instead of 4K */
	/*
	 * Runs with no other check beside it (-j): it changes or shares what
	 * others use (the device-dax window, the device itself). A check whose
	 * kernel frees a pinned block says so instead (result->crowded).
	 */
	CHECK_ALONE = 1 << 2,
};

/*
 * One row of the check table. Everything "zdcheck list" shows is data here;
 * run() receives its own row, so one function can serve many rows that
 * differ only in pin or mutation.
 */
struct check {
	const char *name; /* stable: target/pin/mutation */
	const char *summary;
	enum target_kind target;
	unsigned int needs; /* enum need */
	unsigned int uses; /* enum need: set up if possible, not required */
	const struct pin_ops *pin; /* NULL: no pin */
	const struct mutation *mutation; /* NULL: no layout change */
	unsigned int flags; /* enum check_flags */
	const char *expect;
	unsigned int timeout_s;
	const char *guards; /* kernel commit or behaviour this check protects */
	void (*run)(const struct check *c, struct check_ctx *ctx);
};

struct check_table {
	const struct check *rows;
	size_t n;
};

extern const struct check_table zd_checks;

const char *need_name(enum need need);

/*
 * Points @p at @addr and the target's slow device and takes it; on failure
 * records why in @r (-ETIME, too slow to tell, as inconclusive; zdcheck's
 * own resources running out as an error naming them) and returns -errno.
 */
int check_pin_take(struct pin *p, unsigned char *addr, const struct target *t,
		   struct result *r);

/*
 * Whether a PMD fault can map the 2 MiB block at file offset @off (2 MiB-
 * aligned) of @fd through the mapping of it at @addr: 1; 0 with the reason
 * in @why; -errno when FIEMAP cannot tell.
 */
int pmd_possible(int fd, off_t off, const void *addr, char *why, size_t len);

enum pmd_action {
	PMD_KEEP, /* the pin sat in a PMD mapping: the check's verdict stands */
	PMD_SKIP, /* nothing shows a PMD mapping: a pass proves nothing */
	PMD_FAIL, /* the PMD fault fell back where a PMD was possible */
};
struct dax_watch;
/*
 * What a -pmd check's verdict must become, from what the kernel reported
 * of its pinned page (@w, stopped) and whether a PMD was possible there
 * (@possible: pmd_possible()'s answer); the reason goes into @why.
 */
enum pmd_action pmd_judge(const struct dax_watch *w, int possible, char *why, size_t len);
/* Ends @w (observe/dax_watch.h); at -v its events go into @r's evidence. */
void check_fault_stop(struct dax_watch *w, struct result *r);
/*
 * Records the fault size of the pinned page (the value fault_size) with
 * its source, and for a -pmd check (@pmd) applies pmd_judge(): a FAIL
 * stays a FAIL, an ERROR an ERROR, and only a PASS can become a SKIP.
 */
void check_fault_report(const struct dax_watch *w, bool pmd, int possible, struct result *r);

/* The rows the devdax/align checks run again on the reconfigured device. */
bool check_repeated_at_align(const struct check *row);

/* The re-check after the wake limit (mutate/mutator.h), in a check's verdict time. */
#define CHECK_RECHECK_S MUTATOR_RECHECK_S
/* What a check may take around its pins: files, mappings, threads. */
#define CHECK_SETUP_MS 1000
/*
 * How long @c can take to reach a verdict with the pin hold and wake limit
 * of @o, in ms: setup, each pin it holds, and for a layout change the wake
 * limit and the re-check. A --timeout below it can only end in "stuck".
 */
unsigned long long check_verdict_ms(const struct check *c, const struct options *o);
/* Why, as "--hold 200 ms + ...", for a message. */
void check_verdict_explain(const struct check *c, const struct options *o, char *buf,
			   size_t len);
/*
 * @c's deadline without --timeout: its own, lengthened by what --hold and
 * --wake-limit add to its verdict over their defaults.
 */
unsigned int check_deadline_s(const struct check *c, const struct options *o);

void check_fsdax_dax(const struct check *c, struct check_ctx *ctx);
void check_fsdax_pfn(const struct check *c, struct check_ctx *ctx);
void check_fsdax_refault(const struct check *c, struct check_ctx *ctx);
void check_fsdax_cow(const struct check *c, struct check_ctx *ctx);
void check_devdax_map(const struct check *c, struct check_ctx *ctx);
void check_fsdax_pin(const struct check *c, struct check_ctx *ctx);
void check_fsdax_register(const struct check *c, struct check_ctx *ctx);
void check_devdax_data(const struct check *c, struct check_ctx *ctx);
void check_devdax_pin(const struct check *c, struct check_ctx *ctx);
void check_devdax_register(const struct check *c, struct check_ctx *ctx);
void check_devdax_teardown(const struct check *c, struct check_ctx *ctx);
void check_devdax_align(const struct check *c, struct check_ctx *ctx);

#endif
