// SPDX-License-Identifier: GPL-2.0-only
/*
 * Removing what a check leaves behind is itself a kernel operation that
 * can hang: it is where the last reference to a file whose DAX pages were
 * pinned goes away. So zdcheck never removes its files in its own process:
 * a child does it, under a deadline, and a child that is stuck is
 * described and left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "observe/task.h"
#include "run/child.h"
#include "run/remove.h"
#include "zdcheck.h"

/* What the remover child tells the parent, in memory they share. */
struct remover_state {
	int err;
	char at[PATH_MAX];
};

/*
 * A remover stuck for good must hold nothing of zdcheck's: not the slow
 * device (device-mapper could not remove it: "Device or resource busy"),
 * and not its stdout or stderr (a harness reading them to the end would
 * wait for the stuck task too).
 */
static void drop_inherited_files(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
#ifdef SYS_close_range
	if (!syscall(SYS_close_range, 3, ~0U, 0))
		return;
#endif
	for (fd = 3; fd < 1024; fd++)
		close(fd);
}

int remove_bounded(const char *dir, unsigned int timeout_ms, remove_fn fn, struct removal *rm)
{
	struct remover_state *sh;
	pid_t pid;

	memset(rm, 0, sizeof(*rm));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return rm->err = -errno;
	sh->err = -ECHILD; /* what stays if the child dies before it is done */
	pid = child_fork();
	if (pid < 0 && (errno == EAGAIN || errno == ENOMEM)) {
		/*
		 * Out of processes (RLIMIT_NPROC): remove here rather than leave
		 * the files for sure; only a page reference the kernel leaked
		 * could make it hang.
		 */
		munmap(sh, sizeof(*sh));
		return rm->err = (fn ? fn : zd_remove_tree)(dir, rm->at, sizeof(rm->at) - 1);
	}
	if (pid < 0) {
		rm->err = -errno;
		munmap(sh, sizeof(*sh));
		return rm->err;
	}
	if (pid == 0) {
		drop_inherited_files();
		sh->err = (fn ? fn : zd_remove_tree)(dir, sh->at, sizeof(sh->at) - 1);
		_exit(0);
	}

	rm->pid = pid;
	if (child_wait(pid, now_us() + timeout_ms * 1000LL) == 1) {
		waitpid(pid, NULL, 0);
		rm->err = sh->err;
	} else {
		rm->err = -ETIMEDOUT;
		/* The child writes no more: it sleeps in the removal of this entry. */
		snprintf(rm->at, sizeof(rm->at), "%s", sh->at[0] ? sh->at : dir);
		rm->state = task_sleeps_in(pid, pid, rm->in, sizeof(rm->in));
	}
	munmap(sh, sizeof(*sh));
	return rm->err;
}

/* The waits for an idle DAX page (fs/dax.c): only a page reference keeps them. */
static bool waits_for_idle_page(const char *fn)
{
	return !strncmp(fn, "dax_break_layout", 16) || !strncmp(fn, "wait_page_idle", 14);
}

void removal_verdict(const struct removal *rm, char *buf, size_t len)
{
	if (waits_for_idle_page(rm->in))
		snprintf(buf, len, "removing %s is stuck in %s: a page of it never went idle",
			 rm->at, rm->in);
	else
		snprintf(buf, len, "removing %s is stuck in %s (state %c)", rm->at, rm->in,
			 rm->state ? rm->state : '?');
}
