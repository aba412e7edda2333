// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if HAVE_LIBPMEM2
#include <libpmem2.h>
#endif

#include "map/devmem.h"
#include "map/pattern.h"

#if HAVE_LIBPMEM2
struct pm2 {
	struct pmem2_config *cfg;
	struct pmem2_source *src;
	struct pmem2_map *map;
	pmem2_memcpy_fn memcpy_fn;
	pmem2_persist_fn persist_fn;
};

static void pm2_free(struct pm2 *p)
{
	if (p->map)
		pmem2_map_delete(&p->map);
	if (p->src)
		pmem2_source_delete(&p->src);
	if (p->cfg)
		pmem2_config_delete(&p->cfg);
	free(p);
}

static int pm2_map(struct devmem *m, int fd, off_t off, size_t len, bool writable, char *why,
		   size_t wlen)
{
	struct pm2 *p = calloc(1, sizeof(*p));
	int ret;

	if (!p) {
		snprintf(why, wlen, "libpmem2: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = pmem2_config_new(&p->cfg);
	if (!ret)
		ret = pmem2_config_set_required_store_granularity(p->cfg,
								  PMEM2_GRANULARITY_PAGE);
	if (!ret)
		ret = pmem2_config_set_offset(p->cfg, (size_t)off);
	if (!ret)
		ret = pmem2_config_set_length(p->cfg, len);
	if (!ret && !writable)
		ret = pmem2_config_set_protection(p->cfg, PMEM2_PROT_READ);
	if (!ret)
		ret = pmem2_source_from_fd(&p->src, fd);
	if (!ret)
		ret = pmem2_map_new(&p->map, p->cfg, p->src);
	if (ret) {
		snprintf(why, wlen, "libpmem2: %s", pmem2_errormsg());
		pm2_free(p);
		return ret < 0 ? ret : -EINVAL;
	}
	m->addr = pmem2_map_get_address(p->map);
	m->len = len;
	m->pmem2 = true;
	p->memcpy_fn = pmem2_get_memcpy_fn(p->map);
	p->persist_fn = pmem2_get_persist_fn(p->map);
	m->priv = p;
	return 0;
}
#endif

int devmem_map(struct devmem *m, int fd, off_t off, size_t len, bool writable, bool pmem2,
	       char *why, size_t wlen)
{
	void *p;

	memset(m, 0, sizeof(*m));
#if HAVE_LIBPMEM2
	if (pmem2)
		return pm2_map(m, fd, off, len, writable, why, wlen);
#endif
	p = mmap(NULL, len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		snprintf(why, wlen, "mmap: %s", strerror(errno));
		return -errno;
	}
	m->addr = p;
	m->len = len;
	return 0;
}

void devmem_write(struct devmem *m, size_t off, const void *src, size_t len)
{
#if HAVE_LIBPMEM2
	struct pm2 *p = m->priv;

	if (m->pmem2) {
		p->memcpy_fn(m->addr + off, src, len, PMEM2_F_MEM_NONTEMPORAL);
		return;
	}
#endif
	memcpy(m->addr + off, src, len);
	msync(m->addr, m->len, MS_SYNC);
}

void devmem_fill(struct devmem *m, size_t off, size_t len, uint64_t seed)
{
	pattern_fill(m->addr + off, len, seed, off);
#if HAVE_LIBPMEM2
	if (m->pmem2) {
		((struct pm2 *)m->priv)->persist_fn(m->addr + off, len);
		return;
	}
#endif
	msync(m->addr, m->len, MS_SYNC);
}

void devmem_unmap(struct devmem *m)
{
#if HAVE_LIBPMEM2
	if (m->pmem2) {
		pm2_free(m->priv);
		memset(m, 0, sizeof(*m));
		return;
	}
#endif
	if (m->addr)
		munmap(m->addr, m->len);
	memset(m, 0, sizeof(*m));
}
