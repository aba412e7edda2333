// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which mount a path is on and whether that mount can give DAX files.
 * mountinfo is matched by mount ID from statx() so bind mounts and
 * over-mounts cannot confuse the prefix match a path-based lookup would use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover/target.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

const char *dax_mode_name(enum dax_mode mode)
{
	switch (mode) {
	case DAX_ALWAYS:
		return "always";
	case DAX_INODE:
		return "inode";
	case DAX_NEVER:
		return "never";
	case DAX_OFF:
		break;
	}
	return "off";
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static bool has_option(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = opts;

	while ((p = strstr(p, opt))) {
		if ((p == opts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/*
 * "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
 * Returns 0 and fills @m, or -EINVAL for a line that does not parse.
 */
int mount_parse_line(char *line, struct mount_info *m)
{
	char *fields[6], *sep, *tail, *save = NULL, *tok;
	int i;

	sep = strstr(line, " - ");
	if (!sep)
		return -EINVAL;
	*sep = '\0';
	tail = sep + 3;

	tok = strtok_r(line, " ", &save);
	for (i = 0; i < 6 && tok; i++, tok = strtok_r(NULL, " ", &save))
		fields[i] = tok;
	if (i < 6)
		return -EINVAL;

	memset(m, 0, sizeof(*m));
	m->mount_id = atoi(fields[0]);
	if (sscanf(fields[2], "%u:%u", &m->major, &m->minor) != 2)
		return -EINVAL;
	unescape(fields[4]);
	snprintf(m->mountpoint, sizeof(m->mountpoint), "%s", fields[4]);
	m->read_only = has_option(fields[5], "ro");

	save = NULL;
	tok = strtok_r(tail, " \n", &save);
	if (!tok)
		return -EINVAL;
	snprintf(m->fstype, sizeof(m->fstype), "%s", tok);
	tok = strtok_r(NULL, " \n", &save);
	if (!tok)
		return -EINVAL;
	unescape(tok);
	snprintf(m->source, sizeof(m->source), "%s", tok);
	tok = strtok_r(NULL, " \n", &save);
	if (tok) {
		snprintf(m->super_options, sizeof(m->super_options), "%s", tok);
		if (has_option(tok, "ro"))
			m->read_only = true;
	}
	return 0;
}

static bool bdev_supports_dax(unsigned int major, unsigned int minor)
{
	char path[64], buf[8];

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/dax", major, minor);
	return zd_read_text(path, buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/*
 * Only ext4 and xfs (and ext2, which nobody should test with) implement
 * fs-dax; both treat no dax option as dax=inode since v5.8/v5.10.
 */
void mount_classify(struct mount_info *m)
{
	const char *o = m->super_options;

	if (strcmp(m->fstype, "ext4") && strcmp(m->fstype, "xfs") &&
	    strcmp(m->fstype, "ext2")) {
		m->dax = DAX_OFF;
		return;
	}
	if (has_option(o, "dax") || has_option(o, "dax=always"))
		m->dax = DAX_ALWAYS;
	else if (has_option(o, "dax=never"))
		m->dax = DAX_NEVER;
	else if (m->bdev_dax)
		m->dax = DAX_INODE;
	else
		m->dax = DAX_OFF;
}

int mount_foreach(int (*fn)(const struct mount_info *m, void *arg), void *arg)
{
	struct mount_info cur;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (!ret && getline(&line, &cap, f) > 0) {
		if (mount_parse_line(line, &cur))
			continue;
		cur.bdev_dax = bdev_supports_dax(cur.major, cur.minor);
		mount_classify(&cur);
		ret = fn(&cur, arg);
	}
	free(line);
	fclose(f);
	return ret;
}

struct find_arg {
	unsigned int mnt_id;
	struct mount_info *out;
};

static int match_id(const struct mount_info *m, void *arg)
{
	struct find_arg *fa = arg;

	if ((unsigned int)m->mount_id != fa->mnt_id)
		return 0;
	*fa->out = *m;
	return 1;
}

int mount_find(const char *path, struct mount_info *m)
{
	struct find_arg fa = { .out = m };
	struct statx stx;
	int ret;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx))
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	fa.mnt_id = stx.stx_mnt_id;
	ret = mount_foreach(match_id, &fa);
	return ret < 0 ? ret : ret ? 0 : -ENOENT;
}
