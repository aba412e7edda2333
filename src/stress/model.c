// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stress run's model of its files. Each layout change is applied by
 * its effect (struct mutation's record says which), so what a change does
 * to a file is said once, next to the system call that does it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map/pattern.h"
#include "stress/model.h"

#define PAGE 4096ULL

/* A generation's pattern seed: its own words, so no two generations share. */
static uint64_t gen_seed(const struct model *m, uint64_t gen)
{
	if (gen == MODEL_GEN_DEVICE)
		return m->dev_seed;
	return pattern_word(m->seed, gen * 64);
}

int model_init(struct model *m, uint64_t seed, unsigned int files, uint64_t cap)
{
	unsigned int i;

	*m = (struct model){ .seed = seed, .files = files, .cap = cap / PAGE * PAGE };
	m->file = calloc(files, sizeof(*m->file));
	if (!m->file)
		return -ENOMEM;
	for (i = 0; i < files; i++) {
		m->file[i].page = calloc(m->cap / PAGE, sizeof(struct model_page));
		if (!m->file[i].page) {
			model_free(m);
			return -ENOMEM;
		}
	}
	return 0;
}

void model_free(struct model *m)
{
	unsigned int i;

	for (i = 0; m->file && i < m->files; i++)
		free(m->file[i].page);
	free(m->file);
	m->file = NULL;
}

void model_data(const struct model *m, uint64_t gen, uint64_t off, void *buf, size_t len)
{
	pattern_fill(buf, len, gen_seed(m, gen), off);
}

uint64_t model_size(const struct model *m, unsigned int file)
{
	return m->file[file].size;
}

int model_write(struct model *m, unsigned int file, uint64_t off, uint64_t len, uint64_t gen)
{
	struct model_file *f = &m->file[file];
	uint64_t p;

	if (off % PAGE || len % PAGE || off + len > m->cap)
		return off + len > m->cap ? -EFBIG : -EINVAL;
	for (p = off / PAGE; p < (off + len) / PAGE; p++)
		f->page[p] = (struct model_page){ .gen = gen, .origin = p };
	if (off + len > f->size)
		f->size = off + len;
	return 0;
}

/* Pages from @p on read as zeros. */
static void zero_from(struct model_file *f, uint64_t p, uint64_t end)
{
	memset(&f->page[p], 0, (end - p) * sizeof(*f->page));
}

int model_landed(struct model *m, unsigned int file, uint64_t off, uint64_t dev_off, bool known)
{
	struct model_file *f = &m->file[file];

	if (off % PAGE || dev_off % PAGE || off >= f->size)
		return -EINVAL;
	f->page[off / PAGE] = (struct model_page){
		.gen = known ? MODEL_GEN_DEVICE : MODEL_GEN_UNKNOWN,
		.origin = dev_off / PAGE,
	};
	return 0;
}

int model_grow(struct model *m, unsigned int file, uint64_t size)
{
	if (size % PAGE || size > m->cap)
		return size > m->cap ? -EFBIG : -EINVAL;
	/* Pages at or past the old end already read as zeros. */
	if (size > m->file[file].size)
		m->file[file].size = size;
	return 0;
}

int model_change_check(const struct model *m, unsigned int file, enum layout_effect e,
		       uint64_t off, uint64_t len, unsigned int src)
{
	const struct model_file *f = &m->file[file];

	if (off % PAGE || len % PAGE)
		return -EINVAL;
	switch (e) {
	case EFFECT_GONE:
	case EFFECT_SIZE_TO_0:
	case EFFECT_HOLE:
	case EFFECT_NONE:
		return 0;
	case EFFECT_END_AT_RANGE:
		return off > m->cap ? -EFBIG : 0;
	case EFFECT_REMOVE: /* fallocate(2): the range may not reach the end */
		return !len || off + len >= f->size ? -EINVAL : 0;
	case EFFECT_INSERT: /* at an offset inside the file */
		if (!len || off >= f->size)
			return -EINVAL;
		return f->size + len > m->cap ? -EFBIG : 0;
	case EFFECT_COPY: /* both ranges inside their files */
		return src == file || src >= m->files || off + len > f->size ||
				       off + len > m->file[src].size ?
			       -EINVAL :
			       0;
	}
	return -EINVAL;
}

int model_change(struct model *m, unsigned int file, enum layout_effect e, uint64_t off,
		 uint64_t len, unsigned int src)
{
	struct model_file *f = &m->file[file];
	uint64_t p = off / PAGE, n = len / PAGE, pages = m->cap / PAGE, end;
	int ret = model_change_check(m, file, e, off, len, src);

	if (ret)
		return ret;
	switch (e) {
	case EFFECT_GONE:
	case EFFECT_SIZE_TO_0:
		off = 0;
		p = 0;
		/* fallthrough */
	case EFFECT_END_AT_RANGE:
		zero_from(f, p, pages);
		f->size = off;
		return 0;
	case EFFECT_HOLE: /* KEEP_SIZE: nothing beyond the end changes */
		end = (off + len < f->size ? off + len : f->size) / PAGE;
		if (p < end)
			zero_from(f, p, end);
		return 0;
	case EFFECT_REMOVE:
		end = f->size / PAGE;
		memmove(&f->page[p], &f->page[p + n], (end - p - n) * sizeof(*f->page));
		zero_from(f, end - n, pages);
		f->size -= len;
		return 0;
	case EFFECT_INSERT:
		end = f->size / PAGE;
		memmove(&f->page[p + n], &f->page[p], (end - p) * sizeof(*f->page));
		zero_from(f, p, p + n);
		f->size += len;
		return 0;
	case EFFECT_NONE:
		return 0;
	case EFFECT_COPY:
		memcpy(&f->page[p], &m->file[src].page[p], n * sizeof(*f->page));
		return 0;
	}
	return -EINVAL;
}

static uint64_t word_at(const unsigned char *b)
{
	uint64_t w;

	memcpy(&w, b, sizeof(w));
	return w;
}

bool model_verify(const struct model *m, unsigned int file, uint64_t off, const void *buf,
		  size_t len, struct model_diff *d)
{
	static const unsigned char zero[PAGE];
	const struct model_file *f = &m->file[file];
	const unsigned char *b = buf;
	unsigned char want[8];
	uint64_t at, in, n, wrong, word;

	for (at = off; at < off + len; at += n) {
		const struct model_page *pg = &f->page[at / PAGE];

		in = at % PAGE;
		n = PAGE - in < off + len - at ? PAGE - in : off + len - at;
		/* What a device we do not know wrote there: anything goes. */
		if (pg->gen == MODEL_GEN_UNKNOWN)
			continue;
		if (pg->gen) {
			wrong = pattern_check(b + (at - off), n, gen_seed(m, pg->gen),
					      pg->origin * PAGE + in);
		} else {
			wrong = n;
			if (memcmp(b + (at - off), zero, n))
				for (wrong = 0; b[at - off + wrong] == 0;)
					wrong++;
		}
		if (wrong == n)
			continue;
		*d = (struct model_diff){ .off = at + wrong,
					  .gen = pg->gen,
					  .origin = pg->origin };
		/* The aligned words around it, as the file and the model have them. */
		word = (at + wrong) / 8 * 8;
		if (word >= off && word + 8 <= off + len)
			d->found = word_at(b + (word - off));
		if (pg->gen)
			model_data(m, pg->gen, pg->origin * PAGE + word % PAGE, want, 8);
		else
			memset(want, 0, 8);
		d->expect = word_at(want);
		return false;
	}
	return true;
}
