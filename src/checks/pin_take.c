// SPDX-License-Identifier: GPL-2.0-only
/* How every check takes its pin: the page at @addr, read into from the target's slow device. */
#include <errno.h>
#include <string.h>

#include "checks/check.h"

int check_pin_take(struct pin *p, unsigned char *addr, const struct target *t, struct result *r)
{
	int ret;

	p->addr = addr;
	p->src_fd = t->slow.fd;
	p->dev = &t->slow;
	result_step(r, "take a %s pin", p->ops->name);
	ret = pin_take(p);
	if (ret == -ETIME)
		/* A loaded machine, not the kernel: the runner tries again. */
		result_inconclusive(r,
				    "%s pin not in place in time: the read did not reach the "
				    "slow device within half the hold",
				    p->ops->name);
	else if (ret && p->failed)
		result_no_resource(r, -ret, p->limits, "%s pin: cannot create %s", p->ops->name,
				   p->failed);
	else if (ret)
		result_error(r, "%s pin not taken: %s", p->ops->name, strerror(-ret));
	return ret;
}
