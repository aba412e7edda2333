// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "zdcheck.h"

int zd_verbose;

void zd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("zdcheck: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void zd_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (zd_verbose < level)
		return;
	va_start(ap, fmt);
	fputs("zdcheck: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static const struct {
	unsigned int bit;
	int resource;
	const char *name;
	bool kib; /* shown in KiB, as ulimit takes it */
} limits[] = {
	{ ZD_LIM_NPROC, RLIMIT_NPROC, "RLIMIT_NPROC", false },
	{ ZD_LIM_AS, RLIMIT_AS, "RLIMIT_AS", true },
	{ ZD_LIM_DATA, RLIMIT_DATA, "RLIMIT_DATA", true },
	{ ZD_LIM_NOFILE, RLIMIT_NOFILE, "RLIMIT_NOFILE", false },
	{ ZD_LIM_MEMLOCK, RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", true },
};

bool zd_exhausted(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE || err == EAGAIN;
}

unsigned int zd_limits_for(int err)
{
	switch (err) {
	case ENOMEM:
		return ZD_LIM_MEM;
	case EMFILE:
		return ZD_LIM_FD;
	case EAGAIN:
		return ZD_LIM_THREAD;
	}
	return 0;
}

const char *zd_limits(unsigned int which, char *buf, size_t len)
{
	char nr[32], max[32];
	const char *sep = " (";
	struct rlimit rl;
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(limits) && n < len; i++) {
		if (!(which & limits[i].bit) || getrlimit(limits[i].resource, &rl) ||
		    rl.rlim_cur == RLIM_INFINITY)
			continue;
		/* RLIMIT_NPROC does not apply to root (CAP_SYS_RESOURCE). */
		if (limits[i].resource == RLIMIT_NPROC && geteuid() == 0)
			continue;
		n += snprintf(buf + n, len - n, "%s%s %llu%s", sep, limits[i].name,
			      (unsigned long long)rl.rlim_cur >> (limits[i].kib ? 10 : 0),
			      limits[i].kib ? " KiB" : "");
		sep = ", ";
	}
	if ((which & ZD_LIM_AIO) && n < len &&
	    zd_read_text("/proc/sys/fs/aio-nr", nr, sizeof(nr)) > 0 &&
	    zd_read_text("/proc/sys/fs/aio-max-nr", max, sizeof(max)) > 0) {
		nr[strcspn(nr, "\n")] = max[strcspn(max, "\n")] = '\0';
		n += snprintf(buf + n, len - n, "%sfs.aio-nr %s of fs.aio-max-nr %s", sep, nr,
			      max);
		sep = ", ";
	}
	if (n && n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

#define ABBREV_KEEP 60

/* Not in the middle of a UTF-8 sequence: its continuation bytes are 10xxxxxx. */
static bool utf8_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

const char *zd_abbrev(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s), head = ABBREV_KEEP, tail = n - ABBREV_KEEP;

	if (n <= 2 * ABBREV_KEEP + 3) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	while (head > 0 && utf8_cont(s[head]))
		head--;
	while (tail < n && utf8_cont(s[tail]))
		tail++;
	snprintf(buf, len, "%.*s...%s", (int)head, s, s + tail);
	return buf;
}

volatile sig_atomic_t zd_stop;

/* Whose default action ends the process (signal(7)), SIGKILL and SIGSTOP aside. */
static bool ends_process(int sig)
{
	static const int ending[] = {
		SIGHUP,	 SIGINT,  SIGQUIT, SIGPIPE,   SIGALRM, SIGTERM, SIGUSR1,   SIGUSR2,
		SIGXCPU, SIGXFSZ, SIGIO,   SIGVTALRM, SIGPROF, SIGPWR,	SIGSTKFLT,
	};
	size_t i;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return true;
	for (i = 0; i < ARRAY_SIZE(ending); i++)
		if (ending[i] == sig)
			return true;
	return false;
}

void zd_catch_stop_signals(void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn };
	int sig;

	for (sig = 1; sig <= SIGRTMAX; sig++)
		if (ends_process(sig))
			sigaction(sig, &sa, NULL);
}

void zd_default_stop_signals(void)
{
	zd_catch_stop_signals(SIG_DFL);
}

#define FEATURE(have, name) ((have) ? " +" name : " -" name)

const char *zd_features(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s", FEATURE(HAVE_LIBURING, "URING"),
		 FEATURE(HAVE_LIBAIO, "AIO"), FEATURE(HAVE_LIBPMEM2, "PMEM2"),
		 FEATURE(HAVE_LIBDEVMAPPER, "DEVMAPPER"), FEATURE(HAVE_LIBCXL, "CXL"));
	return buf + 1;
}

/* nftw() passes no argument through: where zd_remove_tree() reports. */
static char *remove_at;
static size_t remove_at_len;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (remove_at)
		snprintf(remove_at, remove_at_len, "%s", path);
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int zd_remove_tree(const char *path, char *at, size_t len)
{
	int ret;

	remove_at = at;
	remove_at_len = len;
	ret = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
	remove_at = NULL;
	return ret;
}

ssize_t zd_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

int zd_write_text(const char *path, const char *text)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
