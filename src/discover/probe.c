// SPDX-License-Identifier: GPL-2.0-only
/*
 * "zdcheck probe": what a user needs to know before a run. Every fact is
 * read or tried here, never inferred from the kernel version.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <ndctl/libndctl.h>

#include "checks/check.h"
#include "discover/daxdev.h"
#include "discover/kernel.h"
#include "discover/probe.h"
#include "discover/provider.h"
#include "discover/target.h"
#include "run/needs.h"

/*
 * {"kind": "cxl", "name": "region0", "memdevs": ["mem0"]}; the name is null
 * when there is none, memdevs empty but for a CXL region libcxl read.
 */
static json_object *provider_json(const struct provider *pv)
{
	json_object *o = json_object_new_object(), *mds = json_object_new_array();
	char memdevs[sizeof(pv->memdevs)], *save, *md;

	json_object_object_add(o, "kind", json_object_new_string(provider_kind_name(pv->kind)));
	json_object_object_add(o, "name",
			       pv->name[0] ? json_object_new_string(pv->name) : NULL);
	snprintf(memdevs, sizeof(memdevs), "%s", pv->memdevs);
	for (md = strtok_r(memdevs, " ", &save); md; md = strtok_r(NULL, " ", &save))
		json_object_array_add(mds, json_object_new_string(md));
	json_object_object_add(o, "memdevs", mds);
	return o;
}

static json_object *dax_devices(void)
{
	struct daxdev_info devs[64];
	json_object *a = json_object_new_array();
	int i, n = daxdev_list(devs, ARRAY_SIZE(devs));

	for (i = 0; i < n; i++) {
		json_object *d = json_object_new_object();

		json_object_object_add(d, "name", json_object_new_string(devs[i].devname));
		json_object_object_add(d, "region", json_object_new_int(devs[i].region_id));
		json_object_object_add(d, "size", json_object_new_int64((int64_t)devs[i].size));
		json_object_object_add(d, "align",
				       json_object_new_int64((int64_t)devs[i].align));
		json_object_object_add(d, "mode", json_object_new_string(devs[i].mode));
		json_object_object_add(d, "provider", provider_json(&devs[i].provider));
		json_object_array_add(a, d);
	}
	return a;
}

static const char *ns_mode(struct ndctl_namespace *ns)
{
	switch (ndctl_namespace_get_mode(ns)) {
	case NDCTL_NS_MODE_FSDAX:
		return "fsdax";
	case NDCTL_NS_MODE_SECTOR:
		return "sector";
	case NDCTL_NS_MODE_RAW:
		return "raw";
	case NDCTL_NS_MODE_DEVDAX:
		return "devdax";
	default:
		return "unknown";
	}
}

/*
 * A namespace in fsdax, sector or devdax mode is claimed by a pfn, btt or
 * dax device: the namespace device itself has no driver then, and the
 * block device (pmemN, pmemNs) belongs to the claim. "enabled" says
 * whether the namespace serves, itself or through its claim, as
 * "ndctl list" shows it.
 */
static json_object *namespace_json(struct ndctl_namespace *ns)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ns);
	struct ndctl_btt *btt = ndctl_namespace_get_btt(ns);
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ns);
	json_object *n = json_object_new_object();
	const char *blk, *claim = NULL;

	if (pfn) {
		blk = ndctl_pfn_get_block_device(pfn);
		claim = ndctl_pfn_get_devname(pfn);
	} else if (btt) {
		blk = ndctl_btt_get_block_device(btt);
		claim = ndctl_btt_get_devname(btt);
	} else {
		blk = ndctl_namespace_get_block_device(ns);
		if (dax)
			claim = ndctl_dax_get_devname(dax);
	}
	json_object_object_add(n, "name",
			       json_object_new_string(ndctl_namespace_get_devname(ns)));
	json_object_object_add(n, "mode", json_object_new_string(ns_mode(ns)));
	json_object_object_add(n, "size",
			       json_object_new_int64((int64_t)ndctl_namespace_get_size(ns)));
	json_object_object_add(n, "blockdev", blk && *blk ? json_object_new_string(blk) : NULL);
	json_object_object_add(n, "enabled",
			       json_object_new_boolean(ndctl_namespace_is_active(ns)));
	json_object_object_add(n, "claim", claim ? json_object_new_string(claim) : NULL);
	return n;
}

static json_object *nvdimm_regions(void)
{
	json_object *a = json_object_new_array();
	struct ndctl_namespace *ns;
	struct ndctl_region *region;
	struct provider pv;
	struct ndctl_bus *bus;
	struct ndctl_ctx *ctx;

	if (ndctl_new(&ctx))
		return a;
	ndctl_set_log_priority(ctx, 0);
	ndctl_bus_foreach(ctx, bus) {
		ndctl_region_foreach(bus, region) {
			json_object *r = json_object_new_object(),
				    *nsa = json_object_new_array();

			json_object_object_add(
				r, "name",
				json_object_new_string(ndctl_region_get_devname(region)));
			json_object_object_add(
				r, "type",
				json_object_new_string(ndctl_region_get_type_name(region)));
			json_object_object_add(
				r, "size",
				json_object_new_int64((int64_t)ndctl_region_get_size(region)));
			provider_of_ndregion(ndctl_bus_get_provider(bus),
					     ndctl_region_get_devname(region), &pv);
			json_object_object_add(r, "provider", provider_json(&pv));
			ndctl_namespace_foreach(region, ns) {
				if (ndctl_namespace_get_size(ns))
					json_object_array_add(nsa, namespace_json(ns));
			}
			json_object_object_add(r, "namespaces", nsa);
			json_object_array_add(a, r);
		}
	}
	ndctl_unref(ctx);
	return a;
}

static int add_dax_mount(const struct mount_info *m, void *arg)
{
	struct provider pv;
	json_object *o;

	if (m->dax != DAX_ALWAYS && m->dax != DAX_INODE)
		return 0;
	o = json_object_new_object();
	json_object_object_add(o, "mountpoint", json_object_new_string(m->mountpoint));
	json_object_object_add(o, "fstype", json_object_new_string(m->fstype));
	json_object_object_add(o, "source", json_object_new_string(m->source));
	json_object_object_add(o, "dax", json_object_new_string(dax_mode_name(m->dax)));
	json_object_object_add(o, "read_only", json_object_new_boolean(m->read_only));
	provider_of_blockdev(makedev(m->major, m->minor), &pv);
	json_object_object_add(o, "provider", provider_json(&pv));
	json_object_array_add(arg, o);
	return 0;
}

static json_object *usable(unsigned int need)
{
	const char *why = needs_unmet(need, NULL, NULL);

	return json_object_new_string(why ? why : "usable");
}

static json_object *features(void)
{
	json_object *f = json_object_new_object();
	struct rlimit rl;
	int fd;

	json_object_object_add(f, "root", json_object_new_boolean(geteuid() == 0));
	json_object_object_add(f, "io_uring", usable(NEED_IO_URING));
	json_object_object_add(f, "libaio", usable(NEED_LIBAIO));
	json_object_object_add(
		f, "null_blk",
		json_object_new_string(kmod_state("null_blk", "BLK_DEV_NULL_BLK")));
	json_object_object_add(f, "dm_delay",
			       json_object_new_string(kmod_state("dm-delay", "DM_DELAY")));
	json_object_object_add(
		f, "nullb_configfs",
		json_object_new_boolean(access("/sys/kernel/config/nullb", F_OK) == 0));

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	json_object_object_add(f, "kmsg_readable", json_object_new_boolean(fd >= 0));
	if (fd >= 0)
		close(fd);
	json_object_object_add(f, "kmsg_writable",
			       json_object_new_boolean(access("/dev/kmsg", W_OK) == 0));

	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0)
		json_object_object_add(f, "memlock_bytes",
				       rl.rlim_cur == RLIM_INFINITY ?
					       json_object_new_string("unlimited") :
					       json_object_new_int64((int64_t)rl.rlim_cur));
	return f;
}

json_object *probe_collect(void)
{
	json_object *p = json_object_new_object(), *b = json_object_new_object();
	json_object *mounts = json_object_new_array();

	json_object_object_add(b, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(b, "features", json_object_new_string(zd_features()));
	json_object_object_add(p, "zdcheck", b);
	json_object_object_add(p, "kernel", kernel_describe());
	json_object_object_add(p, "dax_devices", dax_devices());
	json_object_object_add(p, "nvdimm_regions", nvdimm_regions());
	mount_foreach(add_dax_mount, mounts);
	json_object_object_add(p, "dax_mounts", mounts);
	json_object_object_add(p, "features", features());
	return p;
}
