// SPDX-License-Identifier: GPL-2.0-only
/*
 * zdcheck stress fsdax: workers pin pages of a set of DAX files and change
 * the files' layout under the pins, fault and write them, while every byte
 * read back is held against the model of what the files must hold. A file
 * is one worker's at a time (its lock), so the model knows the order of
 * its changes; the races are between files: a block freed too early from
 * one file, still pinned, is given to another, and what the pin then
 * writes shows up there as corruption. Each pin and change is judged as
 * the checks judge it: the change must not return while the page is
 * pinned, and must return within the wake limit of the release.
 *
 * zdcheck stress devdax: the same workers on regions of the device-dax
 * window instead of files (the window is saved and put back as for the
 * checks). Device-dax has no layouts to change and no write(2): the change
 * under a pin is the mapping's (munmap and mmap again), and writes are
 * stores; every read goes through the mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map/dax.h"
#include "map/pattern.h"
#include "observe/kmsg.h"
#include "observe/task.h"
#include "observe/wait.h"
#include "run/needs.h"
#include "stress/model.h"
#include "stress/plan.h"
#include "stress/stress.h"

#define PAGE 4096ULL
#define PMD (2ULL << 20)
/* How long a change must already be blocked when the holder looks (as the checks). */
#define LOOK_MARGIN_US 20000
/* Every this many operations a worker verifies one whole file. */
#define VERIFY_EVERY 8
/* Generations of the files' first contents: no worker's (a worker's is below 1 << 54). */
#define GEN_FIRST (0xffffULL << 48)

static const struct slowdev *stress_lanes;
static unsigned int stress_nlanes;

void stress_use_lanes(const struct slowdev *lanes, unsigned int n)
{
	stress_lanes = lanes;
	stress_nlanes = n;
}

unsigned int stress_deadline_s(const struct options *o)
{
	/* The last operation may wait out the wake limit and the re-check. */
	return o->duration_s + o->hold_ms / 1000 + o->wake_limit_s + MUTATOR_RECHECK_S + 60;
}

/* One of the run's files; the worker holding @lock owns it and its model. */
struct sfile {
	pthread_mutex_t lock;
	int fd; /* -1 after an eviction: made again by the next operation */
	unsigned char *map; /* STRESS_FILE_CAP bytes, 2 MiB aligned (devdax: its region) */
	off_t base; /* devdax: where its region starts in the device */
	char path[PATH_MAX];
};

enum counter {
	C_OPS,
	C_PINS,
	C_WAITS, /* changes that provably waited for a pin */
	C_WAKE_MAX_US,
	C_CHANGES, /* changes applied under a pin */
	C_REFUSED, /* changes the filesystem does not do */
	C_LONGTERM_REFUSED, /* long-term pins fs-dax refused, as it must */
	C_SKIPPED, /* changes that could not apply to the file as it was */
	C_INCONCLUSIVE, /* timelines that proved nothing (a late thread) */
	C_FAULTS,
	C_WRITES,
	C_VERIFIED_KB,
	C_EVICT_WAITED,
	C_EVICT_NOWAIT,
	C_HELD, /* pins held right now */
	C_VIOLATIONS,
	COUNTERS
};

struct worker {
	struct stress *s;
	unsigned int id;
	struct stress_plan plan;
	pthread_t thread;
	bool started;
	const struct slowdev *dev; /* its O_DIRECT pins read from here */
	unsigned char *buf; /* STRESS_FILE_CAP bytes, to verify and write */
	unsigned long long done; /* operations finished */
	long long op_start_us; /* of the one in flight, 0 between */
	unsigned int verify_next;
};

struct stress {
	const struct options *o;
	const struct target *t;
	struct result *r;
	struct stress_menu menu;
	const struct pin_ops *pins[5];
	const struct mutation *changes[8];
	bool dev; /* device-dax: regions of the window, not files */
	int dev_fd;
	uint64_t len; /* of a file (a region) at most */
	struct model model;
	struct sfile *file;
	unsigned int nfiles; /* the model has one more: the clone source */
	int clone_fd;
	struct worker *w;
	unsigned int nw;
	bool shared_dev; /* one slow device for all: one O_DIRECT pin at a time */
	pthread_mutex_t dev_lock;
	long long start_us, end_us;
	bool stop;
	bool stuck; /* a change is stuck in the kernel: leave the files alone */
	char evicted[256]; /* the last eviction that did not wait for its pin */
	long long evicted_us;
	pthread_mutex_t lock; /* the result, which is not thread-safe */
	unsigned long long count[COUNTERS];
};

static void add(struct stress *s, enum counter c, long long n)
{
	__atomic_add_fetch(&s->count[c], n, __ATOMIC_RELAXED);
}

static bool stopping(struct stress *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) || zd_stop;
}

/*
 * The first violation fails the run and stops the workers; later ones are
 * only counted: after the first, the files no longer say anything certain.
 * Called with s->lock held; returns whether this one was the first.
 */
static bool violation_locked(struct stress *s, const struct worker *w,
			     const struct stress_op *op)
{
	char line[256];
	bool first = !s->count[C_VIOLATIONS];

	add(s, C_VIOLATIONS, 1);
	__atomic_store_n(&s->stop, true, __ATOMIC_RELEASE);
	if (first && w && op) {
		stress_op_describe(&w->plan, op, line, sizeof(line));
		result_evidence(s->r, "violated by %s", line);
	}
	/* A block freed while pinned can explain anything that comes after. */
	if (first && s->evicted[0])
		result_evidence(s->r,
				"%llu eviction%s returned while the page was pinned, the last "
				"%lld ms before: %s",
				s->count[C_EVICT_NOWAIT],
				s->count[C_EVICT_NOWAIT] == 1 ? "" : "s",
				(now_us() - s->evicted_us) / 1000, s->evicted);
	return first;
}

/*
 * Stops the run: a violation (@fail) fails it, the first one with its
 * evidence; zdcheck's own trouble (no memory, a failed write) is an error,
 * unless a violation came first.
 */
static void stop_run(struct stress *s, const struct worker *w, const struct stress_op *op,
		     bool fail, const char *fmt, va_list ap)
{
	char reason[sizeof(s->r->reason)];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	pthread_mutex_lock(&s->lock);
	if (fail && violation_locked(s, w, op))
		result_fail(s->r, "%s", reason);
	else if (!fail && !s->count[C_VIOLATIONS] && s->r->status == STATUS_NONE)
		result_error(s->r, "%s", reason);
	__atomic_store_n(&s->stop, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
}

static void __printf(4, 5) violation(struct stress *s, const struct worker *w,
				     const struct stress_op *op, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stop_run(s, w, op, true, fmt, ap);
	va_end(ap);
}

static void __printf(2, 3) trouble(struct stress *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stop_run(s, NULL, NULL, false, fmt, ap);
	va_end(ap);
}

/* Holds @len bytes of @file read at @off (by pread, or the mapping's @via) against the model. */
static bool verify(struct stress *s, struct worker *w, const struct stress_op *op,
		   unsigned int file, uint64_t off, uint64_t len, const unsigned char *via,
		   const char *how)
{
	struct model_diff d;
	ssize_t n;

	if (!len)
		return true;
	if (!via && s->dev)
		via = s->file[file].map + off;
	if (via) {
		memcpy(w->buf, via, len);
	} else {
		n = pread(s->file[file].fd, w->buf, len, (off_t)off);
		if (n != (ssize_t)len) {
			trouble(s, "pread %s: %s", s->file[file].path,
				n < 0 ? strerror(errno) : "short read");
			return false;
		}
	}
	add(s, C_VERIFIED_KB, (long long)(len / 1024));
	if (model_verify(&s->model, file, off, w->buf, len, &d))
		return true;
	violation(s, w, op,
		  "data corruption in file %u at offset 0x%llx (%s): expected 0x%016llx, "
		  "found 0x%016llx",
		  file, (unsigned long long)d.off, how, (unsigned long long)d.expect,
		  (unsigned long long)d.found);
	pthread_mutex_lock(&s->lock);
	/* Whose bytes they are: a delayed read's lands the slow device's data. */
	if (d.found && d.found == pattern_word(s->model.dev_seed, d.off % PAGE / 8 * 8))
		result_evidence(s->r,
				"the bytes found are the slow device's: an O_DIRECT read "
				"landed in this block after it was freed from a file that "
				"had it pinned");
	result_evidence(s->r,
			"file %u page 0x%llx must hold generation 0x%llx written for page "
			"0x%llx%s",
			file, (unsigned long long)(d.off / PAGE * PAGE),
			(unsigned long long)d.gen, (unsigned long long)(d.origin * PAGE),
			d.gen == MODEL_GEN_DEVICE ? " (the slow device's data)" :
			!d.gen			  ? " (zeros)" :
						    "");
	pthread_mutex_unlock(&s->lock);
	return false;
}

/* (Re)creates file @i after an eviction: empty, as the model has it. */
static int file_open(struct stress *s, unsigned int i)
{
	struct sfile *f = &s->file[i];
	int err;

	f->fd = open(f->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f->fd < 0)
		return -errno;
	f->map = dax_map_at(f->fd, STRESS_FILE_CAP, PMD, 0, s->t->map_sync, &err);
	if (!f->map) {
		close(f->fd);
		f->fd = -1;
		return -err;
	}
	return 0;
}

static void file_close(struct stress *s, struct sfile *f)
{
	if (f->map)
		munmap(f->map, s->len);
	/* Device-dax regions share the run's descriptor. */
	if (f->fd >= 0 && !s->dev)
		close(f->fd);
	f->map = NULL;
	f->fd = -1;
}

/* Makes @file at least @end bytes long, the new part a hole, as the model says. */
static int file_cover(struct stress *s, unsigned int file, uint64_t end)
{
	struct sfile *f = &s->file[file];
	int ret;

	if (s->dev)
		return 0;
	if (f->fd < 0) {
		ret = file_open(s, file);
		if (ret)
			return ret;
	}
	if (end > STRESS_FILE_CAP)
		end = STRESS_FILE_CAP;
	if (model_size(&s->model, file) >= end)
		return 0;
	if (ftruncate(f->fd, (off_t)end))
		return -errno;
	return model_grow(&s->model, file, end);
}

/* Write-faults each page of the range without changing it: blocks of its own, mapped. */
static void touch(unsigned char *p, uint64_t len)
{
	volatile uint64_t *word;
	uint64_t at;

	for (at = 0; at < len; at += PAGE) {
		word = (volatile uint64_t *)(p + at);
		*word = *word;
	}
}

static void run_write(struct stress *s, struct worker *w, const struct stress_op *op,
		      bool fault)
{
	struct sfile *f = &s->file[op->file];

	model_data(&s->model, op->gen, op->off, w->buf, op->len);
	if (fault || s->dev) {
		/* Device-dax has no write(2): a pwrite there is stores, too. */
		memcpy(f->map + op->off, w->buf, op->len);
		add(s, fault ? C_FAULTS : C_WRITES, 1);
	} else if (pwrite(f->fd, w->buf, op->len, (off_t)op->off) != (ssize_t)op->len) {
		trouble(s, "pwrite %s: %s", f->path, strerror(errno ? errno : EIO));
		return;
	} else {
		add(s, C_WRITES, 1);
	}
	model_write(&s->model, op->file, op->off, op->len, op->gen);
}

/* What the pin and the change of one operation did, as the checks judge it. */
static void judge_wait(struct stress *s, struct worker *w, const struct stress_op *op,
		       const struct pin *p, const struct mutator *mu,
		       const struct at_release *at, bool returned, const char *held)
{
	const struct mutation *m = op->change;
	struct wait_timeline tl = {
		.taken_us = p->taken_us,
		.release_us = p->release_us,
		.start_us = mu->start_us,
		.end_us = mu->end_us,
		.returned_while_held = returned,
		.done_at_release = at->done,
		.visible_at_release = at->visible,
	};
	char why[160];
	long long wake;

	if (returned && m->must_wait) {
		violation(s, w, op,
			  "%s returned %lld us after it started, while the page was pinned by "
			  "%s (the pin was let go %lld us later)",
			  m->call, mu->end_us - mu->start_us, p->ops->name,
			  p->release_us - mu->end_us);
		pthread_mutex_lock(&s->lock);
		result_evidence(
			s->r, "pin taken %lld us before the change began; when it returned: %s",
			mu->start_us - p->taken_us, held[0] ? held : "(a hold of our own)");
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (!returned && pin_gone_early(p, why, sizeof(why))) {
		add(s, C_INCONCLUSIVE, 1);
		return;
	}
	/* A thread that ran late, or a change that began as the holder looked, proves nothing. */
	if (mu->start_us > p->release_us ||
	    (!returned && !at->done && mu->start_us + LOOK_MARGIN_US > p->observed_us)) {
		add(s, C_INCONCLUSIVE, 1);
		return;
	}
	if (m->evicts) {
		add(s, wait_held(&tl) ? C_EVICT_WAITED : C_EVICT_NOWAIT, 1);
		/* Not a violation (before 6.15 eviction does not wait), but what follows may show why. */
		if (!wait_held(&tl)) {
			pthread_mutex_lock(&s->lock);
			stress_op_describe(&w->plan, op, s->evicted, sizeof(s->evicted));
			s->evicted_us = mu->end_us;
			pthread_mutex_unlock(&s->lock);
		}
		return;
	}
	/* The mapping's change waits for nothing; the data after it tells. */
	if (!m->must_wait)
		return;
	if (!wait_held(&tl)) {
		violation(s, w, op,
			  "%s returned %lld us after it started, while the page was pinned%s",
			  m->call, mu->end_us - mu->start_us,
			  at->visible ? " (its effect was visible before the release)" : "");
		if (at->state) {
			pthread_mutex_lock(&s->lock);
			result_evidence(s->r,
					"when the pin was let go, %s was in state %c, wchan %s",
					m->call, at->state, at->wchan);
			pthread_mutex_unlock(&s->lock);
		}
		return;
	}
	add(s, C_WAITS, 1);
	wake = wait_wake_us(&tl);
	for (unsigned long long cur =
		     __atomic_load_n(&s->count[C_WAKE_MAX_US], __ATOMIC_RELAXED);
	     (unsigned long long)wake > cur;)
		if (__atomic_compare_exchange_n(&s->count[C_WAKE_MAX_US], &cur, wake, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
}

/*
 * Pin a page of the range, change the layout under the pin, and judge both.
 * Returns false when the change is stuck in the kernel: it holds the file's
 * inode lock, so nobody may touch the file any more.
 */
static bool run_pin_change(struct stress *s, struct worker *w, const struct stress_op *op)
{
	const struct mutation *m = op->change;
	struct sfile *f = &s->file[op->file];
	unsigned int clone = s->nfiles;
	uint64_t need = op->off + op->len;
	struct pin p = { .ops = op->pin, .len = PAGE, .hold_ms = s->o->hold_ms };
	struct layout l = { .clone_src = s->clone_fd };
	struct mutator mu = { .done_fd = -1 };
	struct at_release at = { .mu = &mu };
	bool returned, dio = !op->pin->extendable, locked = false, unproven = false;
	char held[128] = "";
	struct stat st;
	int ret;

	/* A collapse may not reach the end of the file. */
	if (m->effect == EFFECT_REMOVE)
		need += op->len;
	ret = file_cover(s, op->file, need);
	if (ret) {
		trouble(s, "cannot make %s %llu bytes long: %s", f->path,
			(unsigned long long)need, strerror(-ret));
		return true;
	}
	if (model_change_check(&s->model, op->file, m->effect, op->off, op->len, clone)) {
		add(s, C_SKIPPED, 1);
		return true;
	}
	/* A hole would be pinned as the zero page, which no change waits for. */
	touch(f->map + op->off, op->len);
	if (fstat(f->fd, &st)) {
		trouble(s, "fstat %s: %s", f->path, strerror(errno));
		return true;
	}
	l = (struct layout){
		.fd = f->fd,
		.path = f->path,
		.map = f->map,
		.map_len = s->len,
		.size = st.st_size,
		.blocks = st.st_blocks,
		.pin_off = (off_t)op->pin_off,
		.pin_len = PAGE,
		.range_off = (off_t)op->off,
		.range_len = op->len,
		.clone_src = s->clone_fd,
		.map_off = f->base,
	};
	/* A device-dax mapping changes in whole units of the device's alignment. */
	if (s->dev)
		layout_aim(&l, m, s->t->align, s->t->align);
	ret = mutator_init(&mu, m, &l);
	if (ret) {
		trouble(s, "cannot create the mutator's eventfd: %s", strerror(-ret));
		return true;
	}
	if (dio && s->shared_dev) {
		pthread_mutex_lock(&s->dev_lock);
		locked = true;
	}
	p.addr = f->map + op->pin_off;
	p.src_fd = w->dev->fd;
	p.dev = w->dev;
	p.at_release = mutator_observe;
	p.arg = &at;
	ret = pin_take(&p);
	/* fs-dax must refuse a pin break-layouts could not wait for. */
	if (op->pin == &pin_uring_longterm && !s->dev && !p.failed) {
		if (!ret) {
			pin_finish(&p);
			violation(
				s, w, op,
				"io_uring accepted a long-term pin (FOLL_LONGTERM) of %llu bytes "
				"of fs-dax memory",
				(unsigned long long)p.len);
		} else {
			add(s, C_LONGTERM_REFUSED, 1);
		}
		goto out;
	}
	if (ret == -ETIME) {
		add(s, C_INCONCLUSIVE, 1);
		goto out;
	}
	if (ret) {
		trouble(s, "%s pin of file %u page 0x%llx: %s%s%s", op->pin->name, op->file,
			(unsigned long long)op->pin_off, p.failed ? "cannot create " : "",
			p.failed ? p.failed : "", p.failed ? "" : strerror(-ret));
		goto out;
	}
	add(s, C_PINS, 1);
	add(s, C_HELD, 1);
	ret = mutator_start(&mu);
	if (ret) {
		pin_finish(&p);
		add(s, C_HELD, -1);
		trouble(s, "cannot create the mutator thread: %s", strerror(ret));
		goto out;
	}
	returned = mutator_wait(&mu, p.release_at_us) && mu.end_us < p.release_at_us &&
		   !mutation_refused(m, mu.ret);
	/*
	 * What shows the pin still held right after such a return: the read
	 * not yet completed, and reads on the worker's slow device. (A 6.12
	 * ext4 run had an insert-range "return" 42 ms before release_at after
	 * 144 ms, about the read's whole life: what a change that waited for
	 * a read that ended early looks like.)
	 */
	if (returned && p.ops->in_flight) {
		int reads;

		unproven = !pin_still_held(&p, &reads);
		snprintf(held, sizeof(held),
			 "%s read %s, %d read%s in flight on its slow device", p.ops->name,
			 p.ops->in_flight(&p) ? "still in flight" : "already done", reads,
			 reads == 1 ? "" : "s");
	}
	if (!mutator_wait(&mu, p.release_at_us + (long long)s->o->wake_limit_s * 1000000)) {
		pthread_mutex_lock(&s->lock);
		if (violation_locked(s, w, op))
			mutator_no_wake(&mu, &at, &p, s->o->wake_limit_s, true, s->r);
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	pthread_join(mu.thread, NULL);
	pin_finish(&p);
	add(s, C_HELD, -1);
	if (locked)
		pthread_mutex_unlock(&s->dev_lock);
	locked = false;
	if (p.err) {
		trouble(s, "the %s read of file %u page 0x%llx failed: %s", op->pin->name,
			op->file, (unsigned long long)op->pin_off, strerror(-p.err));
		goto out;
	}
	/* The pipe gave back what the page held while pinned: the file's data. */
	if (p.back && !verify(s, w, op, op->file, op->pin_off, p.back_len, p.back,
			      "read back through the vmsplice pin"))
		goto out;
	/* A read that ended lands in the page first: the change waited for it. */
	if (dio && !m->evicts)
		model_landed(&s->model, op->file, op->pin_off, 0, !w->dev->user);
	if (mutation_refused(m, mu.ret)) {
		add(s, C_REFUSED, 1);
	} else if (mu.ret) {
		violation(s, w, op, "%s failed after %lld us: %s", m->call,
			  mu.end_us - mu.start_us, strerror(-mu.ret));
		goto out;
	} else {
		add(s, C_CHANGES, 1);
		model_change(&s->model, op->file, m->effect, op->off, op->len, clone);
		if (unproven)
			add(s, C_INCONCLUSIVE, 1);
		else
			judge_wait(s, w, op, &p, &mu, &at, returned, held);
	}
	if (m->evicts && !mu.ret) {
		/* apply() unmapped and closed it: the next operation makes it again. */
		f->map = l.map;
		f->fd = l.fd;
		file_close(s, f);
		goto out;
	}
	/* What the change left in its range, read back. */
	need = model_size(&s->model, op->file);
	if (op->off < need)
		verify(s, w, op, op->file, op->off,
		       (need < op->off + op->len ? need : op->off + op->len) - op->off, NULL,
		       "after the change");
out:
	if (locked)
		pthread_mutex_unlock(&s->dev_lock);
	free(p.back);
	mutator_free(&mu);
	return true;
}

/* Returns false when the operation left its file stuck in the kernel. */
static bool run_op(struct stress *s, struct worker *w, const struct stress_op *op)
{
	struct sfile *f = &s->file[op->file];
	int ret;

	if (op->kind == STRESS_PIN_CHANGE)
		return run_pin_change(s, w, op);
	ret = file_cover(s, op->file, op->off + op->len);
	if (ret) {
		trouble(s, "cannot make %s cover 0x%llx: %s", f->path,
			(unsigned long long)(op->off + op->len), strerror(-ret));
		return true;
	}
	switch (op->kind) {
	case STRESS_FAULT_READ:
		add(s, C_FAULTS, 1);
		verify(s, w, op, op->file, op->off, op->len, f->map + op->off,
		       "read through the mapping");
		break;
	case STRESS_FAULT_WRITE:
		run_write(s, w, op, true);
		break;
	case STRESS_WRITE:
		run_write(s, w, op, false);
		break;
	default:
		break;
	}
	return true;
}

/* Takes @f's lock, unless the run stops first. */
static bool file_lock(struct stress *s, struct sfile *f)
{
	struct timespec ts;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!pthread_mutex_timedlock(&f->lock, &ts))
			return true;
		if (stopping(s))
			return false;
	}
}

/* One whole file against the model, under its lock. */
static void verify_file(struct stress *s, struct worker *w, unsigned int i,
			const struct stress_op *op)
{
	struct sfile *f = &s->file[i];

	if (!file_lock(s, f))
		return;
	if (f->fd >= 0)
		verify(s, w, op, i, 0, model_size(&s->model, i), NULL, "whole file");
	pthread_mutex_unlock(&f->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	struct stress_op op;

	while (!stopping(s) && now_us() < s->end_us) {
		stress_plan_next(&w->plan, &op);
		/* A file whose change is stuck in the kernel stays locked: do not wait for it. */
		if (!file_lock(s, &s->file[op.file]))
			break;
		__atomic_store_n(&w->op_start_us, now_us(), __ATOMIC_RELEASE);
		/* A change stuck in the kernel keeps its file, locked, and stays in flight. */
		if (!run_op(s, w, &op)) {
			__atomic_store_n(&s->stuck, true, __ATOMIC_RELEASE);
			return NULL;
		}
		pthread_mutex_unlock(&s->file[op.file].lock);
		__atomic_store_n(&w->op_start_us, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&w->done, op.n + 1, __ATOMIC_RELEASE);
		add(s, C_OPS, 1);
		if (op.n % VERIFY_EVERY == VERIFY_EVERY - 1 && !stopping(s))
			verify_file(s, w, w->verify_next++ % s->nfiles, &op);
	}
	return NULL;
}

/* The seed and every worker's last operations: enough to replay the run. */
static void replay_log(struct stress *s)
{
	unsigned long long n, from;
	struct stress_op op;
	char line[256];
	unsigned int i;
	bool busy;

	result_evidence(s->r,
			"seed %llu: replay with --seed %llu --jobs %u --files %u --hold %u",
			s->o->seed, s->o->seed, s->nw, s->nfiles, s->o->hold_ms);
	for (i = 0; i < s->nw; i++) {
		struct worker *w = &s->w[i];

		n = __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
		busy = __atomic_load_n(&w->op_start_us, __ATOMIC_ACQUIRE) != 0;
		from = n > STRESS_RING ? n - STRESS_RING : 0;
		for (unsigned long long k = from; k < n + (busy ? 1 : 0); k++) {
			stress_plan_at(&w->plan, k, &op);
			stress_op_describe(&w->plan, &op, line, sizeof(line));
			result_evidence(s->r, "  %s%s", line, k == n ? "  (in flight)" : "");
		}
	}
}

/* Progress on a terminal, once a second: what a long run is doing. */
static void show_progress(struct stress *s, bool last)
{
	long long now = now_us(), left = (s->end_us - now) / 1000000;
	double secs = (now - s->start_us) / 1e6;

	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr,
		"\rzdcheck stress: %llu ops (%.0f/s), %llu pins held, %llu waits, %llu "
		"violations, %lld s left \033[K%s",
		s->count[C_OPS], secs > 0 ? s->count[C_OPS] / secs : 0.0, s->count[C_HELD],
		s->count[C_WAITS], s->count[C_VIOLATIONS], left < 0 ? 0 : left,
		last ? "\n" : "");
}

/* A kernel record that says the kernel misbehaved stops the run, with what was in flight. */
static void watch_kmsg(struct stress *s, struct kmsg *k)
{
	struct kmsg_record rec;
	char raw[1024];
	ssize_t n;

	while (k->readable && (n = kmsg_read(k, raw, sizeof(raw) - 1)) > 0) {
		raw[n] = 0;
		if (kmsg_parse(raw, (size_t)n, &rec) || !kmsg_is_bad(&rec))
			continue;
		violation(s, NULL, NULL, "kernel log: %.*s", (int)rec.len, rec.msg);
		return;
	}
}

/* A worker in one operation far longer than any pin and wait can take is stuck. */
static void watch_stuck(struct stress *s)
{
	long long limit = (s->o->hold_ms +
			   (s->o->wake_limit_s + MUTATOR_RECHECK_S + 10) * 1000LL) *
			  1000LL,
		  start;
	unsigned int i;

	for (i = 0; i < s->nw; i++) {
		start = __atomic_load_n(&s->w[i].op_start_us, __ATOMIC_ACQUIRE);
		if (!start || now_us() - start < limit)
			continue;
		pthread_mutex_lock(&s->lock);
		if (violation_locked(s, NULL, NULL)) {
			result_fail(s->r, "worker %u stuck for %lld s in operation #%llu", i,
				    (now_us() - start) / 1000000, s->w[i].done);
			task_describe_group(getpgrp(), s->r);
		}
		pthread_mutex_unlock(&s->lock);
		return;
	}
}

static const struct {
	const struct pin_ops *ops;
	unsigned int needs;
} menu_pins[] = {
	{ &pin_vmsplice, 0 },
	{ &pin_dio_aio, NEED_LIBAIO | NEED_SLOW_BDEV },
	{ &pin_dio_uring, NEED_IO_URING | NEED_SLOW_BDEV },
	{ &pin_dio_pread, NEED_SLOW_BDEV },
	{ &pin_uring_longterm, NEED_IO_URING },
};
static const struct mutation *const menu_changes[] = {
	&mut_truncate_0,     &mut_truncate_mid, &mut_punch_hole,  &mut_zero_range,
	&mut_collapse_range, &mut_insert_range, &mut_clone_range, &mut_evict,
};

static bool excluded(const struct options *o, const char *name)
{
	for (const char **g = o->exclude; g && *g; g++)
		if (!fnmatch(*g, name, 0))
			return true;
	return false;
}

const char *stress_unmatched(const struct options *o)
{
	size_t i;
	bool hit;

	for (const char **g = o->exclude; g && *g; g++) {
		hit = false;
		for (i = 0; i < ARRAY_SIZE(menu_pins); i++)
			hit |= !fnmatch(*g, menu_pins[i].ops->name, 0);
		for (i = 0; i < ARRAY_SIZE(menu_changes); i++)
			hit |= !fnmatch(*g, menu_changes[i]->name, 0);
		hit |= !fnmatch(*g, mut_remap.name, 0);
		if (!hit)
			return *g;
	}
	return NULL;
}

/*
 * Joins the workers; one that does not end its operation in time after the
 * stop is stuck in the kernel: the run fails (if nothing failed it yet)
 * with its operation and every thread's state, and false is returned.
 */
static bool join_workers(struct stress *s)
{
	long long until = now_us() + (s->o->hold_ms +
				      (s->o->wake_limit_s + MUTATOR_RECHECK_S + 10) * 1000LL) *
					     1000LL;
	struct stress_op op;
	struct timespec ts;
	char line[256];
	unsigned int i;
	bool all = true;

	for (i = 0; i < s->nw; i++) {
		struct worker *w = &s->w[i];

		if (!w->started)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += until > now_us() ? (until - now_us()) / 1000000 : 0;
		if (!pthread_timedjoin_np(w->thread, NULL, &ts)) {
			w->started = false;
			continue;
		}
		pthread_mutex_lock(&s->lock);
		stress_plan_at(&w->plan, w->done, &op);
		stress_op_describe(&w->plan, &op, line, sizeof(line));
		if (violation_locked(s, NULL, NULL))
			result_fail(s->r,
				    "worker %u still in its operation %lld s after the run "
				    "stopped: %s",
				    i, (now_us() - w->op_start_us) / 1000000, line);
		else
			result_evidence(s->r,
					"worker %u still in its operation after the stop: %s",
					i, line);
		pthread_mutex_unlock(&s->lock);
		all = false;
	}
	if (!all) {
		pthread_mutex_lock(&s->lock);
		task_describe_group(getpgrp(), s->r);
		replay_log(s);
		pthread_mutex_unlock(&s->lock);
	}
	return all;
}

/* The pins this target can take, by what the runner's probes say, and the changes; less -x's. */
static void make_menu(struct stress *s)
{
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(menu_pins); i++) {
		why = menu_pins[i].needs ? needs_unmet(menu_pins[i].needs, s->t, NULL) : NULL;
		if (excluded(s->o, menu_pins[i].ops->name))
			result_evidence(s->r, "no %s pins: left out by -x",
					menu_pins[i].ops->name);
		else if (why)
			result_evidence(s->r, "no %s pins: %s", menu_pins[i].ops->name, why);
		else
			s->pins[s->menu.npins++] = menu_pins[i].ops;
	}
	/* Device-dax has one change: its mapping's. */
	if (s->dev && !excluded(s->o, mut_remap.name))
		s->changes[s->menu.nchanges++] = &mut_remap;
	for (i = 0; !s->dev && i < ARRAY_SIZE(menu_changes); i++) {
		if (excluded(s->o, menu_changes[i]->name))
			result_evidence(s->r, "no %s: left out by -x", menu_changes[i]->name);
		else
			s->changes[s->menu.nchanges++] = menu_changes[i];
	}
	s->menu.pins = s->pins;
	s->menu.changes = s->changes;
	s->menu.files = s->nfiles;
	s->menu.file_len = STRESS_FILE_LEN;
	s->menu.pmd = true;
}

/* A file of @len bytes of generation @gen, for the model's file @i. */
static int make_file(struct stress *s, const char *path, unsigned int i, uint64_t gen,
		     unsigned char *buf, int *fdp)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	model_data(&s->model, gen, 0, buf, STRESS_FILE_LEN);
	if (pwrite(fd, buf, STRESS_FILE_LEN, 0) != (ssize_t)STRESS_FILE_LEN) {
		close(fd);
		return errno ? -errno : -EIO;
	}
	model_write(&s->model, i, 0, STRESS_FILE_LEN, gen);
	*fdp = fd;
	return 0;
}

static const char *const counter_name[COUNTERS] = {
	[C_OPS] = "ops",
	[C_PINS] = "pins",
	[C_WAITS] = "waits",
	[C_WAKE_MAX_US] = "wake_max_us",
	[C_CHANGES] = "changes",
	[C_REFUSED] = "refused",
	[C_LONGTERM_REFUSED] = "longterm_refused",
	[C_SKIPPED] = "skipped",
	[C_INCONCLUSIVE] = "inconclusive",
	[C_FAULTS] = "faults",
	[C_WRITES] = "writes",
	[C_VERIFIED_KB] = "verified_kb",
	[C_EVICT_WAITED] = "evict_waited",
	[C_EVICT_NOWAIT] = "evict_nowait",
	[C_VIOLATIONS] = "violations",
};

static void report_counters(struct stress *s, long long elapsed_us)
{
	unsigned int c;

	for (c = 0; c < COUNTERS; c++)
		if (counter_name[c])
			result_value(s->r, counter_name[c], (long long)s->count[c]);
	result_value(s->r, "ops_per_s",
		     elapsed_us > 0 ? (long long)(s->count[C_OPS] * 1000000ULL / elapsed_us) :
				      0);
	result_value(s->r, "pins_per_s",
		     elapsed_us > 0 ? (long long)(s->count[C_PINS] * 1000000ULL / elapsed_us) :
				      0);
}

/* The window's regions, each written with its first generation through its mapping. */
static int setup_devdax(struct stress *s)
{
	unsigned int i;
	int ret;

	if (s->nfiles * STRESS_FILE_LEN > s->t->window)
		return -ENOSPC;
	ret = model_init(&s->model, pattern_word(s->o->seed, 0x5eed), s->nfiles + 1, s->len);
	if (ret)
		return ret;
	s->model.dev_seed = s->t->slow.data_seed;
	s->dev_fd = open(s->t->path, O_RDWR | O_CLOEXEC);
	if (s->dev_fd < 0)
		return -errno;
	for (i = 0; i < s->nfiles; i++) {
		struct sfile *f = &s->file[i];
		void *p;

		/* For messages: the window is the device's, not a path of its own. */
		snprintf(f->path, sizeof(f->path), "region %u", i);
		f->fd = s->dev_fd;
		f->base = (off_t)(i * STRESS_FILE_LEN);
		p = mmap(NULL, s->len, PROT_READ | PROT_WRITE, MAP_SHARED, s->dev_fd, f->base);
		if (p == MAP_FAILED)
			return -errno;
		f->map = p;
		model_data(&s->model, GEN_FIRST | (i + 1), 0, f->map, s->len);
		model_write(&s->model, i, 0, s->len, GEN_FIRST | (i + 1));
	}
	return 0;
}

static int setup(struct stress *s, const char *dir)
{
	unsigned char *buf;
	char path[PATH_MAX];
	unsigned int i;
	int ret;

	ret = model_init(&s->model, pattern_word(s->o->seed, 0x5eed), s->nfiles + 1,
			 STRESS_FILE_CAP);
	if (ret)
		return ret;
	s->model.dev_seed = s->t->slow.data_seed;
	buf = malloc(STRESS_FILE_LEN);
	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/clone-src", dir);
	ret = make_file(s, path, s->nfiles, GEN_FIRST | 0xffff, buf, &s->clone_fd);
	for (i = 0; !ret && i < s->nfiles; i++) {
		struct sfile *f = &s->file[i];
		int err;

		snprintf(f->path, sizeof(f->path), "%s/f%u", dir, i);
		ret = make_file(s, f->path, i, GEN_FIRST | (i + 1), buf, &f->fd);
		if (ret)
			break;
		f->map = dax_map_at(f->fd, STRESS_FILE_CAP, PMD, 0, s->t->map_sync, &err);
		if (!f->map)
			ret = -err;
	}
	free(buf);
	return ret;
}

static void stress_run(struct check_ctx *ctx, bool dev)
{
	const struct options *o = ctx->opt;
	struct stress s = {
		.o = o,
		.t = ctx->target,
		.r = ctx->res,
		.nfiles = o->files,
		.nw = o->jobs,
		.dev = dev,
		.dev_fd = -1,
		.len = dev ? STRESS_FILE_LEN : STRESS_FILE_CAP,
		.clone_fd = -1,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.dev_lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct result *r = ctx->res;
	char why[256], path[PATH_MAX];
	long long elapsed;
	struct kmsg k;
	unsigned int i;
	int ret;

	s.file = calloc(s.nfiles, sizeof(*s.file));
	s.w = calloc(s.nw, sizeof(*s.w));
	if (!s.file || !s.w) {
		result_no_resource(r, ENOMEM, ZD_LIM_MEM, "cannot allocate %u workers", s.nw);
		goto out;
	}
	for (i = 0; i < s.nfiles; i++) {
		pthread_mutex_init(&s.file[i].lock, NULL);
		s.file[i].fd = -1;
	}
	/* A region is mapped on its own: it must be whole units of the device's alignment. */
	if (dev && (STRESS_FILE_LEN % s.t->align || !s.t->align)) {
		result_skip(r,
			    "the device's alignment is %lu KiB: regions of %llu MiB cannot "
			    "be mapped on their own (daxctl reconfigure-device --align 2M)",
			    s.t->align >> 10, STRESS_FILE_LEN >> 20);
		goto out;
	}
	make_menu(&s);
	result_step(r, "create %u %s of %llu MiB", s.nfiles, dev ? "regions" : "files",
		    STRESS_FILE_LEN >> 20);
	ret = dev ? setup_devdax(&s) : setup(&s, ctx->dir);
	if (ret == -ENOSPC && dev) {
		result_error(r,
			     "%u regions of %llu MiB do not fit the %llu MiB window: give "
			     "fewer --files or a larger --size",
			     s.nfiles, STRESS_FILE_LEN >> 20, s.t->window >> 20);
		goto out;
	}
	if (ret) {
		if (!result_exhausted(r, -ret, "cannot create the files"))
			result_error(r, "cannot create the %s: %s", dev ? "regions" : "files",
				     strerror(-ret));
		goto out;
	}
	s.shared_dev = !stress_lanes || stress_nlanes < s.nw;
	for (i = 0; i < s.nw; i++) {
		struct worker *w = &s.w[i];

		w->s = &s;
		w->id = i;
		w->dev = s.shared_dev ? &s.t->slow : &stress_lanes[i];
		w->buf = malloc(STRESS_FILE_CAP);
		if (!w->buf) {
			result_no_resource(r, ENOMEM, ZD_LIM_MEM, "cannot allocate worker %u",
					   i);
			goto out;
		}
		if (stress_plan_init(&w->plan, &s.menu, o->seed, i, why, sizeof(why))) {
			result_error(r, "%s", why);
			goto out;
		}
	}

	kmsg_open(&k);
	result_step(r, "%u workers for %u s", s.nw, o->duration_s);
	s.start_us = now_us();
	s.end_us = s.start_us + o->duration_s * 1000000LL;
	for (i = 0; i < s.nw; i++) {
		ret = pthread_create(&s.w[i].thread, NULL, worker_main, &s.w[i]);
		if (ret) {
			trouble(&s, "cannot create worker %u: %s", i, strerror(ret));
			break;
		}
		s.w[i].started = true;
	}
	while (!stopping(&s) && now_us() < s.end_us) {
		usleep(now_us() + 1000000 < s.end_us ? 1000000 : 100000);
		watch_kmsg(&s, &k);
		watch_stuck(&s);
		show_progress(&s, false);
	}
	__atomic_store_n(&s.stop, true, __ATOMIC_RELEASE);
	/* Workers end after their operation; one stuck in the kernel is reported by now. */
	if (!join_workers(&s)) {
		report_counters(&s, now_us() - s.start_us);
		/* Its files stay as they are; the runner removes them under a deadline. */
		kmsg_close(&k);
		return;
	}
	elapsed = now_us() - s.start_us;
	show_progress(&s, true);
	watch_kmsg(&s, &k);
	kmsg_close(&k);
	/* Whatever a late write did anywhere shows in the end. */
	for (i = 0; !s.count[C_VIOLATIONS] && r->status == STATUS_NONE && i < s.nfiles; i++)
		verify_file(&s, &s.w[0], i, NULL);
	report_counters(&s, elapsed);
	if (s.count[C_VIOLATIONS])
		replay_log(&s);
	/* The runner removes them, in a child under a deadline. */
	if (s.stuck)
		return;
	if (s.count[C_VIOLATIONS])
		goto out;
	if (r->status != STATUS_NONE)
		goto out;
	result_evidence(r, "seed %llu, %u workers, %u %s, %u pin routes, %u changes", o->seed,
			s.nw, s.nfiles, dev ? "regions" : "files", s.menu.npins,
			s.menu.nchanges);
	/* Device-dax changes wait for nothing: its pass rests on pins and data. */
	if (dev && (!s.count[C_PINS] || !s.count[C_VERIFIED_KB])) {
		result_error(r,
			     "no pin was taken, or no data verified, in %u s: nothing "
			     "proven; run longer",
			     o->duration_s);
		goto out;
	}
	/* A pass must have seen the kernel wait for pins. */
	if (!dev && !s.count[C_WAITS]) {
		result_error(r,
			     "no layout change was seen waiting for a pin in %u s: nothing "
			     "proven; run longer",
			     o->duration_s);
		goto out;
	}
	if (!dev && !ctx->target->dax)
		result_skip(r, "not applicable: the files are not DAX");
	result_pass(r);
out:
	for (i = 0; s.file && i < s.nfiles; i++) {
		file_close(&s, &s.file[i]);
		if (s.file[i].path[0] && !dev)
			unlink(s.file[i].path);
	}
	if (s.clone_fd >= 0)
		close(s.clone_fd);
	if (s.dev_fd >= 0)
		close(s.dev_fd);
	if (!dev) {
		snprintf(path, sizeof(path), "%s/clone-src", ctx->dir);
		unlink(path);
	}
	for (i = 0; s.w && i < s.nw; i++)
		free(s.w[i].buf);
	free(s.w);
	free(s.file);
	model_free(&s.model);
}

void check_stress_fsdax(const struct check *c, struct check_ctx *ctx)
{
	stress_run(ctx, false);
}

void check_stress_devdax(const struct check *c, struct check_ctx *ctx)
{
	stress_run(ctx, true);
}

const struct check_table zd_stress = {
	.rows =
		(const struct check[]){
			{
				.name = "stress/fsdax",
				.summary =
					"random pins, layout changes, faults and writes on DAX files, "
					"every byte verified",
				.target = TARGET_FSDAX,
				.uses = NEED_IO_URING | NEED_LIBAIO | NEED_SLOW_BDEV,
				.expect =
					"no change returns while its page is pinned, every wait ends "
					"within the wake limit, no data corrupted, nothing in the kernel log",
				.run = check_stress_fsdax,
			},
			{
				.name = "stress/devdax",
				.summary =
					"random pins, mapping changes, faults and stores on regions of the "
					"device-dax window, every byte verified",
				.target = TARGET_DEVDAX,
				.uses = NEED_IO_URING | NEED_LIBAIO | NEED_SLOW_BDEV,
				.expect =
					"pins taken and their data where it belongs, every byte of the "
					"regions as the model says, nothing in the kernel log",
				.run = check_stress_devdax,
			} },
	.n = 2,
};
