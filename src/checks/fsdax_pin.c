// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsdax/PIN[-pmd]/CHANGE: pin one page of a DAX file, change the file's
 * layout from another thread, and prove the three things break-layouts
 * promises: the change waits while the page is pinned, it ends promptly
 * once the pin is let go, and the pinned page never sees another file's
 * data. If the change returns while the page is still pinned, the pin is
 * kept a little longer and new files are allocated until one is given the
 * pinned block: what the stale pin then reads or writes is the evidence.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/check.h"
#include "map/dax.h"
#include "map/pattern.h"
#include "observe/dax_watch.h"
#include "observe/smaps.h"
#include "observe/task.h"
#include "observe/victims.h"
#include "observe/wait.h"

/* How long a change must already be blocked when the holder looks. */
#define LOOK_MARGIN_US 20000
#define FILE_LEN (6UL << 20) /* three 2M extents: the middle one is pinned */
#define EXTENT (2UL << 20)
#define PIN_OFF (3UL << 20) /* inside the middle extent, not its head page */
#define PAGE 4096UL
#define VICTIM_UNIT (4UL << 20)
#define VICTIM_CAP (256UL << 20)

/* Creates @path with FILE_LEN bytes of pattern @seed; on failure fills @r. */
static int make_file(const char *path, uint64_t seed, int *fdp, struct result *r)
{
	unsigned char *buf;
	int fd, ret = 0;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (!result_exhausted(r, errno, "cannot open %s", path))
			result_error(r, "create %s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(FILE_LEN);
	if (!buf) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM, "cannot allocate the file's %lu MiB",
				   FILE_LEN >> 20);
		ret = -1;
	} else if (fallocate(fd, 0, 0, FILE_LEN)) {
		result_error(r, "create %s: fallocate: %s", path, strerror(errno));
		ret = -1;
	}
	if (!ret) {
		pattern_fill(buf, FILE_LEN, seed, 0);
		if (pwrite(fd, buf, FILE_LEN, 0) != (ssize_t)FILE_LEN) {
			result_error(r, "create %s: write: %s", path,
				     strerror(errno ? errno : EIO));
			ret = -1;
		}
	}
	free(buf);
	if (ret) {
		close(fd);
		unlink(path);
		return ret;
	}
	*fdp = fd;
	return 0;
}

static void judge_data(struct result *r, const struct pin *p, const struct victims *vs,
		       uint64_t seed, bool waited)
{
	int owner, bad;

	/* A delayed read writes: whatever it wrote outside our file is corruption. */
	if (!p->ops->extendable) {
		bad = vs->n ? victims_verify(vs, r) : 0;
		if (bad < 0) {
			result_no_resource(r, -bad, ZD_LIM_MEM, "cannot read the victims back");
			return;
		}
		result_value(r, "victims_corrupted", bad);
		/*
		 * Clean, but the victim that got the block was written after
		 * the read could land: its pattern covers what the read did.
		 */
		if (!bad && vs->hit >= 0 && vs->covered_us > p->release_at_us) {
			result_inconclusive(
				r,
				"a victim got the pinned block but was written %lld ms "
				"after the delayed read could land: nothing proven",
				(vs->covered_us - p->release_at_us) / 1000);
			return;
		}
		if (bad)
			result_fail(r,
				    "the delayed O_DIRECT read landed in another file: %d "
				    "corrupted run%s in the victim files",
				    bad, bad == 1 ? "" : "s");
		if (bad && p->dev && !p->dev->user && vs->hit >= 0 &&
		    victims_holds(vs, vs->hit, vs->hit_off, p->len, p->dev->data_seed, 0))
			result_evidence(r, "%s bytes %lld-%lld now hold the slow device's data",
					strrchr(vs->v[vs->hit].path, '/') + 1,
					(long long)vs->hit_off,
					(long long)(vs->hit_off + p->len - 1));
		return;
	}

	if (!p->back || p->back_len != p->len) {
		result_error(r, "the pipe gave back %zu of %zu bytes: %s", p->back_len, p->len,
			     strerror(-p->err));
		return;
	}
	if (pattern_check(p->back, p->len, seed, PIN_OFF) == p->len) {
		result_value(r, "pin_data_intact", 1);
		return;
	}
	result_value(r, "pin_data_intact", 0);
	owner = victims_owner(vs, p->back, p->len);
	if (owner >= 0)
		result_fail(r,
			    "the stale pin read another file's data: the pinned block went to "
			    "%s at offset %lld while still pinned",
			    strrchr(vs->v[owner].path, '/') + 1, (long long)vs->hit_off);
	else
		result_fail(r,
			    "the pinned page changed while pinned (%s): first wrong byte %zu",
			    waited ? "although the change waited" : "the change did not wait",
			    pattern_check(p->back, p->len, seed, PIN_OFF));
}

void check_fsdax_pin(const struct check *c, struct check_ctx *ctx)
{
	const struct options *o = ctx->opt;
	const struct target *t = ctx->target;
	const struct mutation *m = c->mutation;
	struct result *r = ctx->res;
	bool pmd = c->flags & CHECK_PMD, dax = t->dax, waited, early = false;
	char path[sizeof(t->workdir) + 16], src[sizeof(t->workdir) + 16];
	char why[sizeof(r->reason)];
	struct mutator mu = { .done_fd = -1 };
	struct at_release at = { .mu = &mu };
	struct pin p = { .ops = c->pin, .len = PAGE, .hold_ms = o->hold_ms };
	struct layout l = { .fd = -1, .clone_src = -1 };
	unsigned long long phys = 0;
	struct victims vs = { .hit = -1 };
	struct wait_timeline tl;
	bool stuck = false, watching = false, returned, crowded;
	struct dax_watch fw;
	struct stat st;
	int ret, err, possible = -1;
	long kb;

	snprintf(path, sizeof(path), "%s/pinned", ctx->dir);
	snprintf(src, sizeof(src), "%s/clone-src", ctx->dir);
	result_step(r, "create a %lu MiB file", FILE_LEN >> 20);
	if (make_file(path, o->seed, &l.fd, r))
		return;
	if (m == &mut_clone_range && make_file(src, o->seed ^ 0xc10e, &l.clone_src, r))
		goto out;

	result_step(r, "map the file");
	/*
	 * MAP_SYNC only makes write faults persist metadata first; pins and
	 * layout changes meet the same pages without it, so a region that
	 * refuses it by design is mapped plain MAP_SHARED.
	 */
	l.map = dax_map_at(l.fd, FILE_LEN, EXTENT, pmd ? 0 : PAGE, t->map_sync, &err);
	if (!l.map) {
		if (!result_exhausted(r, err, "cannot map the %lu MiB file", FILE_LEN >> 20))
			result_fail(r, "%s mapping of a DAX file failed: %s",
				    t->map_sync ? "MAP_SYNC" : "shared", strerror(err));
		goto out;
	}
	l.path = path;
	l.map_len = FILE_LEN;
	if (fstat(l.fd, &st)) {
		result_error(r, "fstat: %s", strerror(errno));
		goto out;
	}
	/*
	 * How the pinned page gets mapped, from the kernel's word: every
	 * fault from here until the pin is taken (the pin's own, too).
	 */
	watching = dax;
	if (watching)
		dax_watch_start(&fw, &st, l.map + PIN_OFF);
	/* Fault every page in; the pin itself then needs no fault. */
	pattern_fill(l.map, FILE_LEN, o->seed, 0);
	kb = smaps_field_kb(l.map + PIN_OFF, "FilePmdMapped");
	l.size = st.st_size;
	l.blocks = st.st_blocks;
	l.pin_off = PIN_OFF;
	l.pin_len = PAGE;
	layout_aim(&l, m, pmd ? EXTENT : PAGE, EXTENT);
	if (fiemap_phys(l.fd, PIN_OFF, &phys) == 0)
		result_evidence(r, "pinned page: file offset %lu, physical 0x%llx", PIN_OFF,
				phys);
	/* A PMD fault needs the extent's blocks 2M-aligned like its offset. */
	if (pmd)
		possible = pmd_possible(l.fd, EXTENT, l.map + EXTENT, why, sizeof(why));
	if (pmd && possible == 0) {
		result_skip(r,
			    "no PMD mapping possible: %s; make the filesystem with a 2 MiB "
			    "stripe unit",
			    why);
		goto out_pin;
	}

	ret = mutator_init(&mu, m, &l);
	if (ret) {
		result_no_resource(r, -ret, ZD_LIM_FD, "cannot create the mutator's eventfd");
		goto out_pin;
	}
	p.at_release = mutator_observe;
	p.arg = &at;
	ret = check_pin_take(&p, l.map + PIN_OFF, t, r);
	if (watching)
		check_fault_stop(&fw, r);
	if (ret)
		goto out_pin;

	result_step(r, "%s while pinned", m->call);
	ret = mutator_start(&mu);
	if (ret) {
		result_no_resource(r, ret, ZD_LIM_THREAD, "cannot create the mutator thread");
		pin_finish(&p); /* the holder lets go on its own time */
		goto out_pin;
	}
	/*
	 * Returned before the pin could go: let the freed block be reused while
	 * the page is still pinned. A vmsplice hold is extended for that; a
	 * device's delay is not, so the victims must be in place before it ends.
	 * Done by the time we look is not enough: a main thread that woke late
	 * can find a change done that correctly returned after the release.
	 */
	returned = mutator_wait(&mu, p.release_at_us) && mu.end_us < p.release_at_us &&
		   !mutation_refused(m, mu.ret);
	/* A change that does not wait returns long before the read ends. */
	if (returned && !pin_still_held(&p, NULL)) {
		pthread_join(mu.thread, NULL);
		pin_finish(&p);
		result_inconclusive(r,
				    "%s returned %lld ms before the %s read was due to end, "
				    "but the slow device had already ended it: nothing proven",
				    m->call, (p.release_at_us - mu.end_us) / 1000,
				    c->pin->name);
		goto out_pin;
	}
	/*
	 * With other checks running, their files, not our victims, may take
	 * the freed block, and the read may land in them: only a run alone
	 * can show what happens.
	 */
	crowded = returned && !ctx->alone;
	if (returned && !crowded && (!c->pin->extendable || pin_extend(&p))) {
		early = true;
		result_step(r, "allocate victims while the page is still pinned");
		if (phys)
			ret = victims_create(&vs, ctx->dir, phys, p.len, VICTIM_UNIT,
					     VICTIM_CAP, o->seed + 100,
					     c->pin->extendable ? 0 : p.release_at_us - 5000);
		if (phys && ret)
			result_evidence(r, "victim files: %s after %d", strerror(-ret), vs.n);
		pin_let_go(&p);
	}
	if (!mutator_wait_woken(
		    &mu, p.release_at_us + (long long)o->wake_limit_s * 1000000 + vs.create_us,
		    r)) {
		stuck = true; /* the blocked thread holds i_rwsem: leave the files alone */
		mutator_no_wake(&mu, &at, &p, o->wake_limit_s, ctx->alone, r);
		goto out_pin;
	}
	pthread_join(mu.thread, NULL);
	pin_finish(&p);

	if (mutation_refused(m, mu.ret)) {
		result_skip(r, "the filesystem refuses %s: %s", m->call, strerror(-mu.ret));
		goto out_pin;
	}
	if (p.err) {
		result_error(r, "the %s read from %s failed: %s", c->pin->name,
			     zd_abbrev(t->slow.path, why, sizeof(why)), strerror(-p.err));
		goto out_pin;
	}
	if (crowded) {
		result_crowded(r,
			       "%s returned %lld us after it started, while the page was "
			       "pinned and other checks ran: their files could take the "
			       "freed block; run alone",
			       m->call, mu.end_us - mu.start_us);
		goto out_pin;
	}
	/* No pin was held as long as planned: nothing about waiting is proven. */
	if (!early && pin_gone_early(&p, why, sizeof(why))) {
		result_inconclusive(r, "%s", why);
		goto out_pin;
	}
	/* The change must start while the page is pinned to prove anything. */
	if (mu.start_us > p.release_us) {
		result_inconclusive(r,
				    "%s started %lld ms after the pin was let go: the mutator "
				    "thread ran late",
				    m->call, (mu.start_us - p.release_us) / 1000);
		goto out_pin;
	}

	tl = (struct wait_timeline){
		.taken_us = p.taken_us,
		.release_us = p.release_us,
		.start_us = mu.start_us,
		.end_us = mu.end_us,
		.returned_while_held = early,
		.done_at_release = at.done,
		.visible_at_release = at.visible,
	};
	/*
	 * A wait is shown by a change that was already blocked when the holder
	 * looked; one that began just before could be a slow call, not a wait.
	 */
	if (!early && !at.done && mu.start_us + LOOK_MARGIN_US > p.observed_us) {
		result_inconclusive(
			r,
			"%s began only %lld ms before zdcheck looked at it: too late "
			"to tell a wait from a slow call",
			m->call, (p.observed_us - mu.start_us) / 1000);
		goto out_pin;
	}
	waited = wait_held(&tl);
	/* The headline value first: the test bed's matrix shows it. */
	if (m->evicts)
		result_value(r, "evict_waited", waited);
	if (waited)
		result_value(r, "wake_us", wait_wake_us(&tl));
	result_value(r, "blocked_us", mu.end_us - mu.start_us);
	result_value(r, "hold_us", p.release_us - p.taken_us);
	if (at.state)
		result_evidence(r, "when the pin was let go, %s was in state %c, wchan %s",
				m->call, at.state, at.wchan);
	if (vs.n) {
		result_value(r, "victim_bytes", (long long)vs.bytes);
		result_evidence(r, "%d victim files, %zu MiB, %s the pinned block", vs.n,
				vs.bytes >> 20, vs.hit >= 0 ? "one of them got" : "none got");
	}
	if (mu.ret) {
		result_error(r, "%s failed after %lld us: %s", m->call, mu.end_us - mu.start_us,
			     strerror(-mu.ret));
		goto out_pin;
	}

	if (m->evicts) {
		result_evidence(
			r, waited ? "eviction waited for the pin" :
				    "eviction did not wait: the inode was evicted while its "
				    "page was pinned");
	} else if (!waited) {
		result_fail(r,
			    "%s returned %lld us after it started, while the page was pinned%s",
			    m->call, mu.end_us - mu.start_us,
			    at.visible ? " (its effect was visible before the release)" : "");
		r->own_fail = true;
	}
	if (wait_wake_us(&tl) > o->wake_limit_s * 1000000LL)
		result_fail(r, "%s returned %lld ms after the release, over the %u s limit",
			    m->call, wait_wake_us(&tl) / 1000, o->wake_limit_s);
	/* Before 6.15 eviction does not wait: only a reused block shows harm. */
	if (m->evicts && !waited && vs.hit < 0) {
		result_inconclusive(r,
				    "eviction did not wait, but none of %d new files got the "
				    "pinned block before it could be let go: nothing shown",
				    vs.n);
		goto out_pin;
	}
	judge_data(r, &p, &vs, o->seed, waited);
	if (kb >= 0)
		result_value(r, "pmd_mapped_kb", kb);

	/* Without DAX a pass would prove nothing: say so instead. */
	if (!dax)
		result_skip(r, "not applicable: the file is not DAX");
	result_pass(r);
out_pin:
	if (watching) {
		check_fault_stop(&fw, r);
		check_fault_report(&fw, pmd, possible, r);
	}
	free(p.back);
	mutator_free(&mu);
out:
	/*
	 * Exiting kills the blocked thread; the runner removes the files, in a
	 * child under a deadline: from v6.15 their eviction waits for the page.
	 */
	if (stuck)
		return;
	victims_remove(&vs);
	if (l.map)
		munmap(l.map, FILE_LEN);
	if (l.fd >= 0)
		close(l.fd);
	if (l.clone_src >= 0)
		close(l.clone_src);
	unlink(path);
	unlink(src);
}
