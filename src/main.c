// SPDX-License-Identifier: GPL-2.0-only
/*
 * zdcheck: prove from user space that a kernel handles device-dax and
 * fs-dax page references correctly. main() parses the command line, picks
 * the command, and is the only place that chooses an exit code.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/parse.h"
#include "discover/probe.h"
#include "observe/dax_watch.h"
#include "report/report.h"
#include "run/select.h"
#include "stress/stress.h"

/*
 * Where an option means something: each command, devdax's --restore, which
 * puts a window back and runs nothing, and fsdax's --clean, which removes
 * what killed runs left and runs nothing.
 */
enum {
	IN_FSDAX = 1 << 0,
	IN_DEVDAX = 1 << 1,
	IN_RESTORE = 1 << 2,
	IN_LIST = 1 << 3,
	IN_PROBE = 1 << 4,
	IN_HELP = 1 << 5,
	IN_CLEAN = 1 << 6,
	IN_STRESS_FSDAX = 1 << 7,
	IN_STRESS_DEVDAX = 1 << 8,
	IN_STRESS_ANY = IN_STRESS_FSDAX | IN_STRESS_DEVDAX,
	IN_ALL = IN_FSDAX | IN_DEVDAX | IN_RESTORE | IN_LIST | IN_PROBE | IN_HELP | IN_CLEAN |
		 IN_STRESS_ANY,
	IN_RUN = IN_FSDAX | IN_DEVDAX, /* what runs checks */
	IN_MODES = IN_RESTORE | IN_CLEAN, /* what runs nothing */
};

struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help; /* shown by "zdcheck COMMAND --help" */
	int nargs;
	unsigned int in; /* IN_*: which options it takes (devdax: also --restore's) */
	unsigned int kinds; /* enum target_kind: the checks it runs or lists */
	enum zd_outcome (*fn)(struct options *o, char **argv, char *why, size_t len);
};

static const struct command commands[];

enum {
	OPT_FORMAT = 256,
	OPT_TIMEOUT,
	OPT_TIMEOUT_SCALE,
	OPT_HOLD,
	OPT_KEEP,
	OPT_SEED,
	OPT_WAKE,
	OPT_NON_DAX,
	OPT_PIN_DEV,
	OPT_SIZE,
	OPT_DESTRUCTIVE,
	OPT_RESTORE,
	OPT_NO_KMSG_VERDICT,
	OPT_JOURNAL_DIR,
	OPT_FORCE,
	OPT_CLEAN,
	OPT_DURATION,
	OPT_FILES,
};

/*
 * The options: the name, the value, the help lines, and where each applies.
 * An option given to a command it does not apply to is a usage error, like
 * any other bad option; adding an option is adding a row (and its case in
 * parse_args()).
 */
static const struct cli_option {
	struct option opt;
	unsigned int in; /* IN_*: where it applies */
	const char *help;
} cli_options[] = {
	{ { "test", required_argument, NULL, 't' },
	  IN_RUN | IN_LIST,
	  "  -t, --test GLOB      run only checks whose name matches GLOB (repeatable)\n" },
	{ { "exclude", required_argument, NULL, 'x' },
	  IN_RUN | IN_LIST | IN_STRESS_ANY,
	  "  -x, --exclude GLOB   skip checks whose name matches GLOB (repeatable); stress:\n"
	  "                       leave out the pin routes and changes it matches\n" },
	{ { "format", required_argument, NULL, OPT_FORMAT },
	  IN_RUN | IN_LIST | IN_PROBE | IN_STRESS_ANY,
	  "      --format FORMAT  text (default), json, tap or ktap (KTAP version 1)\n" },
	{ { "verbose", no_argument, NULL, 'v' },
	  IN_ALL,
	  "  -v, --verbose        show evidence for passing checks too; repeat for more\n" },
	{ { "timeout", required_argument, NULL, OPT_TIMEOUT },
	  IN_RUN,
	  "      --timeout SEC    deadline for each check (default: the check's own); at\n"
	  "                       least what a check needs for a verdict, see zdcheck(1)\n" },
	{ { "timeout-scale", required_argument, NULL, OPT_TIMEOUT_SCALE },
	  IN_RUN,
	  "      --timeout-scale N\n"
	  "                       each check's own deadline N times over, for memory\n"
	  "                       slower than RAM (QEMU's emulated CXL); not with --timeout\n" },
	{ { "jobs", required_argument, NULL, 'j' },
	  IN_RUN | IN_STRESS_ANY,
	  "  -j, --jobs N         run up to N checks at the same time (default: twice the\n"
	  "                       online CPUs; 1 runs them one after another); stress:\n"
	  "                       N workers\n" },
	{ { "duration", required_argument, NULL, OPT_DURATION },
	  IN_STRESS_ANY,
	  "      --duration SEC   stress: how long the workers run (default 60)\n" },
	{ { "files", required_argument, NULL, OPT_FILES },
	  IN_STRESS_ANY,
	  "      --files N        stress: how many files the workers share (default: one\n"
	  "                       per worker)\n" },
	{ { "hold", required_argument, NULL, OPT_HOLD },
	  IN_RUN | IN_STRESS_ANY,
	  "      --hold MS        how long pins are held (default 200)\n" },
	{ { "wake-limit", required_argument, NULL, OPT_WAKE },
	  IN_FSDAX | IN_STRESS_FSDAX,
	  "      --wake-limit SEC a layout change must end this soon after release (default 5)\n" },
	{ { "keep", no_argument, NULL, OPT_KEEP },
	  IN_FSDAX | IN_STRESS_FSDAX,
	  "      --keep           keep the fs-dax work directory for debugging\n" },
	{ { "allow-non-dax", no_argument, NULL, OPT_NON_DAX },
	  IN_FSDAX,
	  "      --allow-non-dax  run fsdax checks on a non-DAX filesystem (control run)\n" },
	{ { "no-kmsg-verdict", no_argument, NULL, OPT_NO_KMSG_VERDICT },
	  IN_RUN | IN_STRESS_ANY,
	  "      --no-kmsg-verdict\n"
	  "                       report kernel log lines, but fail no check on them\n"
	  "                       (for a harness that judges the log, as fstests does)\n" },
	{ { "pin-device", required_argument, NULL, OPT_PIN_DEV },
	  IN_RUN | IN_STRESS_ANY,
	  "      --pin-device DEV slow non-DAX block device for O_DIRECT pins (default:\n"
	  "                       as root, zdcheck builds one from null_blk and dm-delay)\n" },
	{ { "size", required_argument, NULL, OPT_SIZE },
	  IN_DEVDAX | IN_STRESS_DEVDAX,
	  "      --size BYTES     device-dax window the checks may write (default 64M)\n" },
	{ { "destructive", no_argument, NULL, OPT_DESTRUCTIVE },
	  IN_DEVDAX,
	  "      --destructive    device-dax: do not save the window; allow teardown checks\n" },
	{ { "restore", required_argument, NULL, OPT_RESTORE },
	  IN_RESTORE,
	  "      --restore FILE   device-dax: put a window back from its journal, run nothing\n" },
	{ { "clean", no_argument, NULL, OPT_CLEAN },
	  IN_CLEAN,
	  "      --clean          fs-dax: remove the work directories that runs killed\n"
	  "                       with SIGKILL left under PATH (and their tracefs\n"
	  "                       instances), run nothing\n" },
	{ { "journal-dir", required_argument, NULL, OPT_JOURNAL_DIR },
	  IN_DEVDAX | IN_STRESS_DEVDAX,
	  "      --journal-dir DIR\n"
	  "                       device-dax: where the journal goes (default:\n"
	  "                       $XDG_STATE_HOME/zdcheck or ~/.local/state/zdcheck)\n" },
	{ { "force", no_argument, NULL, OPT_FORCE },
	  IN_DEVDAX | IN_RESTORE | IN_STRESS_DEVDAX,
	  "      --force          device-dax: restore a journal saved from a device whose\n"
	  "                       name, size, alignment or uuid differ; keep a journal on\n"
	  "                       tmpfs or on the memory under test\n" },
	{ { "seed", required_argument, NULL, OPT_SEED },
	  IN_RUN | IN_STRESS_ANY,
	  "      --seed N         seed for data patterns (default: from the clock); stress:\n"
	  "                       the same seed replays each worker's operations\n" },
	{ { "help", no_argument, NULL, 'h' },
	  IN_ALL,
	  "  -h, --help           show help (for a command: zdcheck COMMAND --help)\n" },
	{ { "version", no_argument, NULL, 'V' },
	  IN_ALL,
	  "  -V, --version        show version and built-in features\n" },
};

#define NOPTIONS ARRAY_SIZE(cli_options)

/* The options that apply to @in, as --help shows them. */
static void options_usage(FILE *out, unsigned int in)
{
	size_t i;

	fprintf(out, "Options:\n");
	for (i = 0; i < NOPTIONS; i++)
		if (cli_options[i].in & in)
			fputs(cli_options[i].help, out);
}

static const char exit_help[] =
	"Exit status: 0 all selected checks passed, 1 a check failed, 2 usage error,\n"
	"77 nothing could run, 99 setup broke, 128+N stopped by signal N (130: Ctrl-C).\n";

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: zdcheck [OPTIONS] COMMAND [ARGS]\n\n"
		     "Prove that the running kernel handles DAX page references: map DAX\n"
		     "memory, pin it, change the layout under the pin, and check the kernel\n"
		     "waits, wakes and corrupts nothing.\n\nCommands:\n");
	for (i = 0; commands[i].name; i++)
		fprintf(out, "  %-7s %-8s %s\n", commands[i].name, commands[i].args,
			commands[i].summary);
	fputc('\n', out);
	options_usage(out, IN_ALL);
	fprintf(out, "\n%s", exit_help);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; commands[i].name; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void command_usage(FILE *out, const struct command *c)
{
	fprintf(out, "Usage: zdcheck [OPTIONS] %s %s\n\n%s\n%s\n", c->name, c->args, c->summary,
		c->help);
	options_usage(out, c->in);
	if (c->nargs)
		fprintf(out, "\n%s", exit_help);
}

static void on_stop_signal(int sig)
{
	zd_stop = sig;
}

static void progress(void *arg, const struct run *run, const struct check *c)
{
	zd_info(1, "[%zu/%zu] %s", run->nresults, run->nselected, c->name);
}

static enum zd_outcome run_target(struct options *o, struct target *t,
				  const struct slowdev *lanes, const struct check_table *table)
{
	struct report rp;
	struct run run = {
		.opt = o,
		.target = t,
		.lanes = lanes,
		.table = table,
		.on_begin = report_on_begin,
		.on_start = progress,
		.on_result = report_on_result,
		.arg = &rp,
	};
	char why[512], shown[ZD_ABBREV];
	enum zd_outcome out;
	size_t i;
	int ret;

	report_init(&rp, stdout, &run);
	ret = run_checks(&run);
	if (ret) {
		zd_err("runner: %s%s", strerror(-ret),
		       zd_limits(zd_limits_for(-ret), shown, sizeof(shown)));
		return ZD_SETUP_BROKEN;
	}
	/* The window goes back before the report, which records its crc32. */
	ret = target_restore(t, false, why, sizeof(why));
	report_end(&rp);
	if (ret) {
		zd_err("%s; the journal is kept: %s", why,
		       zd_abbrev(t->journal, shown, sizeof(shown)));
		run_free(&run);
		return ZD_SETUP_BROKEN;
	}

	if (run.interrupted)
		out = ZD_INTERRUPTED;
	else if (run.count[STATUS_FAIL])
		out = ZD_FAILED;
	else if (run.count[STATUS_ERROR])
		out = ZD_SETUP_BROKEN;
	else if (run.count[STATUS_PASS])
		out = ZD_PASSED;
	else
		out = ZD_NOTHING_RAN;
	/* main() refused a selection without checks for this target. */
	if (out == ZD_NOTHING_RAN)
		zd_err("nothing could run: all %zu selected checks were skipped",
		       run.nselected);
	/* The report has them all; a harness reading stderr gets the first. */
	for (i = 0; out == ZD_SETUP_BROKEN && i < run.nresults; i++) {
		if (run.results[i].res.status != STATUS_ERROR)
			continue;
		zd_err("%u check%s could not be set up; the first, %s: %s",
		       run.count[STATUS_ERROR], run.count[STATUS_ERROR] == 1 ? "" : "s",
		       run.results[i].check->name, run.results[i].res.reason);
		break;
	}
	for (i = 0; i < run.nstuck; i++)
		zd_err("process group %d is still stuck in the kernel and was left behind",
		       run.stuck[i]);
	/* What they wait for will not come: removing the slow devices cannot wait for it. */
	t->slow.lost = run.nstuck > 0;
	run_free(&run);
	return out;
}

/* zdcheck devdax --restore JOURNAL DEVICE: put a saved window back, nothing else. */
static enum zd_outcome restore_window(struct target *t, const struct options *o, char *why,
				      size_t len)
{
	char note[768], shown[ZD_ABBREV];
	int ret;

	snprintf(t->journal, sizeof(t->journal), "%s", o->restore);
	zd_abbrev(o->restore, shown, sizeof(shown));
	ret = target_restore(t, o->force, note, sizeof(note));
	if (ret) {
		snprintf(why, len, "%s: %s; %s %s", shown, note, t->path,
			 ret == -EIO ? "written but not as saved, journal kept" :
				       "untouched, journal kept");
		if (ret == -EIO)
			return ZD_SETUP_BROKEN;
		/* A journal that is wrong for this device is the user's input. */
		return ret == -EBADMSG || ret == -ERANGE || ret == -ENODEV || ret == -EINVAL ||
				       ret == -ENOENT ?
			       ZD_USAGE :
			       ZD_SETUP_BROKEN;
	}
	if (note[0])
		zd_err("%s", note);
	printf("restored %s bytes %llu-%llu from %s: crc32 %08x read back, journal removed\n",
	       t->path, (unsigned long long)t->saved.offset,
	       (unsigned long long)(t->saved.offset + t->saved.length - 1), shown,
	       t->crc_after);
	return ZD_PASSED;
}

static enum zd_outcome cmd_target(struct options *o, const char *path, enum target_kind kind,
				  char *why, size_t len)
{
	enum zd_outcome out;
	struct slowdev *lanes = NULL;
	struct target t;

	/* No SA_RESTART: the runner's waits must return to notice the stop. */
	zd_catch_stop_signals(on_stop_signal);

	out = kind == TARGET_FSDAX ? fsdax_target_open(&t, path, o, why, len) :
				     devdax_target_open(&t, path, o, why, len);
	if (out == ZD_PASSED && kind == TARGET_DEVDAX && o->restore)
		out = restore_window(&t, o, why, len);
	else if (out == ZD_PASSED && kind == TARGET_DEVDAX)
		out = devdax_window_open(&t, o, why, len);
	if (out != ZD_PASSED || o->restore) {
		target_close(&t);
		return out;
	}
	/* Reads must outlast the hold; failing to build it only skips those checks. */
	if (select_needs(o, &zd_checks, kind) & NEED_SLOW_BDEV)
		slowdev_open(&t.slow, o->pin_device, o->hold_ms, o->seed + 0x51);
	/* The checks read their fault sizes from it; without it they say why. */
	if (kind == TARGET_FSDAX && t.dax)
		dax_watch_open();
	/* Checks side by side read from slow devices of their own. */
	if (t.slow.fd >= 0 && o->jobs > 1)
		lanes = slowdev_lanes(&t.slow, run_slots(o->jobs));
	out = run_target(o, &t, lanes, &zd_checks);
	slowdev_lanes_close(lanes, run_slots(o->jobs), t.slow.lost);
	dax_watch_close();
	target_close(&t);
	return out;
}

static void print_cleaned(void *arg, const char *dir, enum fsdax_clean_what what,
			  const char *note)
{
	static const char *const word[] = {
		[FSDAX_CLEAN_REMOVED] = "removed",    [FSDAX_CLEAN_IN_USE] = "in use",
		[FSDAX_CLEAN_FOREIGN] = "skipped",    [FSDAX_CLEAN_STUCK] = "STUCK",
		[FSDAX_CLEAN_FAILED] = "NOT removed",
	};
	unsigned int *count = arg;

	printf("%s %s: %s\n", word[what], dir, note);
	count[what]++;
}

static void print_reaped(void *arg, const char *dir)
{
	print_cleaned(arg, dir, FSDAX_CLEAN_REMOVED,
		      "the tracefs instance of a run that is gone");
}

/* zdcheck fsdax --clean PATH: what runs killed with SIGKILL left, nothing else. */
static enum zd_outcome clean_workdirs(const char *path, char *why, size_t len)
{
	unsigned int count[FSDAX_CLEAN_FAILED + 1] = { 0 };
	char shown[ZD_ABBREV];
	int ret = fsdax_clean(path, print_cleaned, count);

	dax_watch_reap(print_reaped, count);
	if (ret && ret != -EBUSY) {
		snprintf(why, len, "%s: %s", zd_abbrev(path, shown, sizeof(shown)),
			 strerror(-ret));
		return ret == -ENOENT || ret == -ENOTDIR ? ZD_USAGE : ZD_SETUP_BROKEN;
	}
	printf("%u removed, %u in use, %u not zdcheck's, %u could not be removed\n",
	       count[FSDAX_CLEAN_REMOVED], count[FSDAX_CLEAN_IN_USE],
	       count[FSDAX_CLEAN_FOREIGN],
	       count[FSDAX_CLEAN_STUCK] + count[FSDAX_CLEAN_FAILED]);
	return ret ? ZD_SETUP_BROKEN : ZD_PASSED;
}

static enum zd_outcome cmd_fsdax(struct options *o, char **argv, char *why, size_t len)
{
	if (o->clean)
		return clean_workdirs(argv[0], why, len);
	return cmd_target(o, argv[0], TARGET_FSDAX, why, len);
}

static enum zd_outcome cmd_devdax(struct options *o, char **argv, char *why, size_t len)
{
	return cmd_target(o, argv[0], TARGET_DEVDAX, why, len);
}

/*
 * zdcheck stress fsdax PATH: one run of the stress row, in a work directory
 * as the checks have, its workers each reading from a slow device of its own.
 */
static enum zd_outcome cmd_stress(struct options *o, char **argv, char *why, size_t len)
{
	struct slowdev *lanes = NULL;
	char shown[ZD_ABBREV];
	enum target_kind kind;
	enum zd_outcome out;
	struct target t;

	if (!strcmp(argv[0], "fsdax") || !strcmp(argv[0], "devdax")) {
		kind = argv[0][0] == 'f' ? TARGET_FSDAX : TARGET_DEVDAX;
	} else {
		snprintf(why, len, "stress: unknown target kind '%s': expected fsdax or devdax",
			 zd_abbrev(argv[0], shown, sizeof(shown)));
		return ZD_USAGE;
	}
	if (cli_parse_path(kind == TARGET_FSDAX ? "stress fsdax" : "stress devdax", argv[1],
			   why, len))
		return ZD_USAGE;
	if (stress_unmatched(o)) {
		snprintf(why, len, "-x '%s' matches no pin route and no change of stress",
			 zd_abbrev(stress_unmatched(o), shown, sizeof(shown)));
		return ZD_USAGE;
	}
	if (!o->duration_s)
		o->duration_s = 60;
	if (!o->files)
		o->files = o->jobs;
	o->timeout_s = stress_deadline_s(o);
	zd_catch_stop_signals(on_stop_signal);
	out = kind == TARGET_FSDAX ? fsdax_target_open(&t, argv[1], o, why, len) :
				     devdax_target_open(&t, argv[1], o, why, len);
	/* The window is saved as for the checks, and put back after the run. */
	if (out == ZD_PASSED && kind == TARGET_DEVDAX)
		out = devdax_window_open(&t, o, why, len);
	if (out != ZD_PASSED) {
		target_close(&t);
		return out;
	}
	slowdev_open(&t.slow, o->pin_device, o->hold_ms, o->seed + 0x51);
	if (t.slow.fd >= 0 && o->jobs > 1)
		lanes = slowdev_lanes(&t.slow, o->jobs);
	stress_use_lanes(lanes, lanes ? o->jobs : 0);
	zd_info(0, "stress: seed %llu, %u workers, %u %s, %u s", o->seed, o->jobs, o->files,
		kind == TARGET_FSDAX ? "files" : "regions", o->duration_s);
	out = run_target(o, &t, NULL, &zd_stress);
	slowdev_lanes_close(lanes, o->jobs, t.slow.lost);
	target_close(&t);
	return out;
}

static enum zd_outcome cmd_list(struct options *o, char **argv, char *why, size_t len)
{
	report_list(stdout, &zd_checks, o);
	return ZD_PASSED;
}

static enum zd_outcome cmd_probe(struct options *o, char **argv, char *why, size_t len)
{
	json_object *facts = probe_collect();

	report_probe(stdout, facts, o->format);
	json_object_put(facts);
	return ZD_PASSED;
}

static enum zd_outcome cmd_help(struct options *o, char **argv, char *why, size_t len)
{
	const struct command *c = argv[0] ? find_command(argv[0]) : NULL;
	char shown[ZD_ABBREV];

	if (argv[0] && !c) {
		snprintf(why, len, "help: unknown command '%s'",
			 zd_abbrev(argv[0], shown, sizeof(shown)));
		return ZD_USAGE;
	}
	if (c)
		command_usage(stdout, c);
	else
		usage(stdout);
	return ZD_PASSED;
}

static const struct command commands[] = {
	{ "fsdax", "PATH", "run the fs-dax checks in a private directory under PATH",
	  "PATH is a directory on an ext4 or xfs mount with DAX (-o dax, dax=always,\n"
	  "or dax=inode, where zdcheck sets FS_XFLAG_DAX on its work directory).\n"
	  "zdcheck creates PATH/zdcheck.XXXXXX, proves its files are DAX (statx\n"
	  "STATX_ATTR_DAX and a MAP_SYNC mapping; on virtio-pmem, which refuses\n"
	  "MAP_SYNC by design, their page frames inside its nd region instead, and\n"
	  "the checks map without MAP_SYNC) and removes it at the end, also\n"
	  "when a signal (Ctrl-C, hangup, a closed pipe) ends the run, unless --keep\n"
	  "is given. Nothing else is touched but, as root, a tracefs instance of\n"
	  "zdcheck's own for the run, where the fs_dax trace events say the size\n"
	  "each pin check's page was mapped at (fault_size; a -pmd check that cannot\n"
	  "show a PMD mapping is skipped, one whose PMD fault fell back fails). Each\n"
	  "check's files are removed after it by a child with a deadline: a removal\n"
	  "stuck in the kernel (eviction waiting for a page that never goes idle)\n"
	  "fails that check, and zdcheck goes on. After a kill -9, 'zdcheck fsdax\n"
	  "--clean PATH' removes what the run left.\n",
	  1, IN_FSDAX | IN_CLEAN, TARGET_FSDAX, cmd_fsdax },
	{ "devdax", "DEVICE", "run the device-dax checks on DEVICE (/dev/daxX.Y)",
	  "DEVICE is a device-dax character device in devdax mode, found through\n"
	  "libdaxctl; one in system-ram mode (kmem) or disabled cannot be mapped,\n"
	  "and zdcheck exits 77 naming the daxctl command that brings it back.\n"
	  "One zdcheck at a time per device (a lock; a second is refused).\n"
	  "Checks write only a window at its start (--size, default 64M), which\n"
	  "zdcheck first saves to a journal file (in --journal-dir, default\n"
	  "$XDG_STATE_HOME/zdcheck or ~/.local/state/zdcheck; never on tmpfs) and\n"
	  "writes back at the end, also when a signal ends the run. After a kill -9\n"
	  "or a crash, 'zdcheck devdax --restore JOURNAL DEVICE' verifies all of the\n"
	  "journal and the device, then puts the window back. --destructive saves\n"
	  "nothing.\n",
	  1, IN_DEVDAX | IN_RESTORE, TARGET_DEVDAX, cmd_devdax },
	{ "list", "", "list the checks (select with -t/-x, --format json, -v for details)",
	  "Prints one line per check: its name and what it proves. With -v also\n"
	  "what it needs, its pin, its mutation, its timeout, what is expected and\n"
	  "which kernel behaviour it guards.\n",
	  0, IN_LIST, TARGET_FSDAX | TARGET_DEVDAX, cmd_list },
	{ "probe", "", "report what this machine offers: kernel, DAX devices and mounts",
	  "Reports the kernel release and configuration, device-dax devices and\n"
	  "NVDIMM regions (libdaxctl, libndctl), DAX mounts, and whether io_uring,\n"
	  "libaio, null_blk, dm-delay and /dev/kmsg are usable. Each device, region\n"
	  "and mount names the provider of its memory: nfit, e820, virtio-pmem, cxl\n"
	  "(with the CXL region and, through libcxl, its memory devices), hmem,\n"
	  "other or unknown. Changes nothing.\n",
	  0, IN_PROBE, 0, cmd_probe },
	{ "stress", "KIND PATH",
	  "pin, change, fault and write DAX memory at random, verifying every byte",
	  "KIND is fsdax (PATH a directory on a DAX mount, as for the fsdax command)\n"
	  "or devdax (PATH a device-dax device, as for the devdax command).\n"
	  "Workers (-j, default twice the online CPUs) draw operations from --seed:\n"
	  "a pin (vmsplice, libaio, io_uring, O_DIRECT pread) of a page with a layout\n"
	  "change under it (truncate, punch, zero, collapse, insert, clone, eviction),\n"
	  "read and write faults on the mapping, pwrite of a new pattern, at page or\n"
	  "PMD size, on --files files in a private directory under PATH, as the\n"
	  "fsdax command. Every byte read back is held against a model of what the\n"
	  "files must hold. A change that returns while its page is pinned, one that\n"
	  "does not end within --wake-limit of the release, corrupted data, a bad\n"
	  "kernel log line or a stuck worker stops the run: it fails with the\n"
	  "evidence, the seed and each worker's last operations (the replay log).\n"
	  "On a terminal, progress is shown once a second. On devdax DEVICE the\n"
	  "workers share regions of the window (--size), saved and put back as\n"
	  "for the devdax command; the change under a pin is the mapping's (munmap\n"
	  "and mmap again) and writes are stores.\n",
	  2, IN_STRESS_ANY, 0, cmd_stress },
	{ "help", "[COMMAND]", "show help for zdcheck or for one command", "", -1, IN_HELP, 0,
	  cmd_help },
	{ NULL },
};

static int add_glob(const char ***list, size_t *n, const char *glob)
{
	const char **l = realloc(*list, (*n + 2) * sizeof(*l));

	if (!l)
		return -1;
	l[(*n)++] = glob;
	l[*n] = NULL;
	*list = l;
	return 0;
}

/* What the command line asked for, beyond the options themselves. */
struct cmdline {
	const struct command *cmd;
	char **args;
	bool help, version;
	bool seen[NOPTIONS]; /* which rows of cli_options were given */
};

static void mark_seen(struct cmdline *cl, int val)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (cli_options[i].opt.val == val)
			cl->seen[i] = true;
}

/* Returns ZD_PASSED to go on; anything else ends the program with that outcome. */
static enum zd_outcome parse_args(int argc, char **argv, struct options *o, struct cmdline *cl,
				  char *why, size_t len)
{
	struct option long_options[NOPTIONS + 1] = { { 0 } };
	char shown[ZD_ABBREV];
	size_t ninc = 0, nexc = 0, i;
	unsigned long long v;
	int c, nargs;

	for (i = 0; i < NOPTIONS; i++)
		long_options[i] = cli_options[i].opt;
	opterr = 0; /* our own one-line messages instead of getopt's */
	while ((c = getopt_long(argc, argv, ":t:x:j:vhV", long_options, NULL)) != -1) {
		mark_seen(cl, c);
		switch (c) {
		case 't':
		case 'x':
			if (add_glob(c == 't' ? &o->include : &o->exclude,
				     c == 't' ? &ninc : &nexc, optarg)) {
				snprintf(why, len, "-%c: %s", c, strerror(ENOMEM));
				return ZD_SETUP_BROKEN;
			}
			break;
		case OPT_FORMAT:
			if (cli_parse_format("--format", optarg, &o->format, why, len))
				return ZD_USAGE;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_uint("--timeout", optarg, 1, 86400, &v, why, len))
				return ZD_USAGE;
			o->timeout_s = (unsigned int)v;
			break;
		case OPT_TIMEOUT_SCALE:
			if (cli_parse_uint("--timeout-scale", optarg, 1, 100, &v, why, len))
				return ZD_USAGE;
			o->timeout_scale = (unsigned int)v;
			break;
		case 'j':
			if (cli_parse_uint("--jobs", optarg, 1, RUN_MAX_JOBS, &v, why, len))
				return ZD_USAGE;
			o->jobs = (unsigned int)v;
			break;
		case OPT_HOLD:
			if (cli_parse_uint("--hold", optarg, 1, 600000, &v, why, len))
				return ZD_USAGE;
			o->hold_ms = (unsigned int)v;
			break;
		case OPT_WAKE:
			if (cli_parse_uint("--wake-limit", optarg, 1, 3600, &v, why, len))
				return ZD_USAGE;
			o->wake_limit_s = (unsigned int)v;
			break;
		case OPT_KEEP:
			o->keep = true;
			break;
		case OPT_NON_DAX:
			o->allow_non_dax = true;
			break;
		case OPT_NO_KMSG_VERDICT:
			o->no_kmsg_verdict = true;
			break;
		case OPT_PIN_DEV:
			o->pin_device = optarg;
			break;
		case OPT_SIZE:
			if (cli_parse_size("--size", optarg, &o->size, why, len))
				return ZD_USAGE;
			break;
		case OPT_DESTRUCTIVE:
			o->destructive = true;
			break;
		case OPT_RESTORE:
			o->restore = optarg;
			break;
		case OPT_JOURNAL_DIR:
			o->journal_dir = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_CLEAN:
			o->clean = true;
			break;
		case OPT_DURATION:
			if (cli_parse_uint("--duration", optarg, 1, 7 * 86400, &v, why, len))
				return ZD_USAGE;
			o->duration_s = (unsigned int)v;
			break;
		case OPT_FILES:
			if (cli_parse_uint("--files", optarg, 1, 256, &v, why, len))
				return ZD_USAGE;
			o->files = (unsigned int)v;
			break;
		case OPT_SEED:
			if (cli_parse_uint("--seed", optarg, 0, ULLONG_MAX, &v, why, len))
				return ZD_USAGE;
			o->seed = v;
			break;
		case 'h':
			cl->help = true;
			break;
		case 'V':
			cl->version = true;
			return ZD_PASSED;
		case ':':
			snprintf(why, len, "option '%s' needs an argument",
				 zd_abbrev(argv[optind - 1], shown, sizeof(shown)));
			return ZD_USAGE;
		default:
			snprintf(why, len, "unknown option '%s'",
				 zd_abbrev(argv[optind - 1], shown, sizeof(shown)));
			return ZD_USAGE;
		}
	}

	if (optind == argc) {
		if (cl->help)
			return ZD_PASSED;
		snprintf(why, len, "missing command; see 'zdcheck --help'");
		return ZD_USAGE;
	}
	cl->cmd = find_command(argv[optind]);
	if (!cl->cmd) {
		snprintf(why, len, "unknown command '%s'; see 'zdcheck --help'",
			 zd_abbrev(argv[optind], shown, sizeof(shown)));
		return ZD_USAGE;
	}
	cl->args = argv + optind + 1;
	nargs = argc - optind - 1;
	if (cl->help)
		return ZD_PASSED;
	if (cl->cmd->nargs >= 0 && nargs != cl->cmd->nargs) {
		snprintf(why, len, "%s: expected %s%s, got %d argument%s", cl->cmd->name,
			 cl->cmd->nargs ? "" : "no arguments", cl->cmd->args, nargs,
			 nargs == 1 ? "" : "s");
		return ZD_USAGE;
	}
	if (cl->cmd->nargs < 0 && nargs > 1) {
		snprintf(why, len, "%s: too many arguments", cl->cmd->name);
		return ZD_USAGE;
	}
	return ZD_PASSED;
}

/* Where the options of this command line must apply: the command's, or its mode's. */
static unsigned int mode_of(const struct options *o, const struct command *cmd,
			    char *const *args)
{
	/* stress takes the options of its target kind. */
	if (cmd->in == IN_STRESS_ANY)
		return args[0] && !strcmp(args[0], "devdax") ? IN_STRESS_DEVDAX :
							       IN_STRESS_FSDAX;
	if ((cmd->in & IN_RESTORE) && o->restore)
		return IN_RESTORE;
	if ((cmd->in & IN_CLEAN) && o->clean)
		return IN_CLEAN;
	return cmd->in & ~IN_MODES;
}

/*
 * An option the command does not take would be ignored, silently: refuse
 * it, as any other bad option. devdax --restore runs nothing, so it takes
 * none of the options that shape a run.
 */
static enum zd_outcome check_applies(const struct options *o, const struct cmdline *cl,
				     char *why, size_t len)
{
	unsigned int in = mode_of(o, cl->cmd, cl->args);
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		if (!cl->seen[i] || cli_options[i].in & in)
			continue;
		snprintf(why, len,
			 "option '--%s' does not apply to '%s%s'; see 'zdcheck %s --help'",
			 cli_options[i].opt.name, cl->cmd->name,
			 in == IN_RESTORE	? " --restore" :
			 in == IN_CLEAN		? " --clean" :
			 in == IN_STRESS_FSDAX	? " fsdax" :
			 in == IN_STRESS_DEVDAX ? " devdax" :
						  "",
			 cl->cmd->name);
		return ZD_USAGE;
	}
	return ZD_PASSED;
}

static int exit_code(enum zd_outcome out)
{
	switch (out) {
	case ZD_PASSED:
		return 0;
	case ZD_FAILED:
		return 1;
	case ZD_USAGE:
		return 2;
	case ZD_NOTHING_RAN:
		return 77;
	case ZD_SETUP_BROKEN:
		return 99;
	case ZD_INTERRUPTED:
		/* As a shell reports a command a signal ended: 130 for Ctrl-C. */
		return 128 + (zd_stop > 0 ? zd_stop : SIGINT);
	}
	return 99;
}

/*
 * A selection that leaves the command nothing to run is a mistake in the
 * command line, whatever the machine: a usage error before the target is
 * touched (no work directory, no journal), not "nothing could run" (77),
 * which harnesses take for a skip. That holds for devdax checks selected
 * for the fsdax command (it runs only fs-dax checks) as much as for an
 * -x that takes out everything -t chose.
 */
static enum zd_outcome check_selection(const struct options *o, const struct cmdline *cl,
				       char *why, size_t len)
{
	const char *bad_glob = select_unmatched(o, &zd_checks);
	char shown[ZD_ABBREV];

	/* Its globs name pins and changes, not checks: cmd_stress() judges them. */
	if (cl->cmd->in & IN_STRESS_ANY)
		return ZD_PASSED;
	if (bad_glob) {
		snprintf(why, len, "no check matches '%s'; see 'zdcheck list'",
			 zd_abbrev(bad_glob, shown, sizeof(shown)));
		return ZD_USAGE;
	}
	if (!cl->cmd->kinds || (mode_of(o, cl->cmd, cl->args) & IN_MODES))
		return ZD_PASSED;
	if (!select_count(o, &zd_checks, TARGET_FSDAX | TARGET_DEVDAX)) {
		snprintf(why, len, "-t/-x select no check at all; see 'zdcheck list'");
		return ZD_USAGE;
	}
	if (!select_count(o, &zd_checks, cl->cmd->kinds)) {
		snprintf(why, len, "-t/-x select no %s check; see 'zdcheck list'",
			 cl->cmd->name);
		return ZD_USAGE;
	}
	return ZD_PASSED;
}

/*
 * Paths: an empty one or one over PATH_MAX is a usage error naming it, and
 * --pin-device must be a block device that exists -- a typo there would
 * otherwise only skip the O_DIRECT checks, or not even that when none is
 * selected.
 */
static enum zd_outcome check_paths(const struct options *o, const struct cmdline *cl, char *why,
				   size_t len)
{
	char shown[ZD_ABBREV];
	struct stat st;

	if (cl->cmd->nargs > 0 && cli_parse_path(cl->cmd->name, cl->args[0], why, len))
		return ZD_USAGE;
	if (o->restore && cli_parse_path("--restore", o->restore, why, len))
		return ZD_USAGE;
	if (!o->pin_device)
		return ZD_PASSED;
	if (cli_parse_path("--pin-device", o->pin_device, why, len))
		return ZD_USAGE;
	zd_abbrev(o->pin_device, shown, sizeof(shown));
	if (stat(o->pin_device, &st)) {
		snprintf(why, len, "--pin-device %s: %s", shown, strerror(errno));
		return ZD_USAGE;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(why, len, "--pin-device %s: not a block device", shown);
		return ZD_USAGE;
	}
	return ZD_PASSED;
}

/*
 * A --timeout shorter than a selected check needs for its verdict would
 * turn every slow-but-correct run into "no result after N s: stuck in ...",
 * a FAIL that blames the kernel for an option: refuse it, naming the check.
 */
static enum zd_outcome check_timeout(const struct options *o, const struct cmdline *cl,
				     char *why, size_t len)
{
	const struct check *worst = NULL;
	unsigned long long need = 0, ms;
	char how[160];
	size_t i;

	if (o->timeout_s && o->timeout_scale) {
		snprintf(why, len,
			 "--timeout and --timeout-scale both set the deadlines: give one");
		return ZD_USAGE;
	}
	if (!o->timeout_s)
		return ZD_PASSED;
	for (i = 0; i < zd_checks.n; i++) {
		const struct check *c = &zd_checks.rows[i];

		if (!(c->target & cl->cmd->kinds) || !select_wanted(o, c->name))
			continue;
		ms = check_verdict_ms(c, o);
		if (ms > need) {
			need = ms;
			worst = c;
		}
	}
	if (!worst || o->timeout_s * 1000ULL >= need)
		return ZD_PASSED;
	check_verdict_explain(worst, o, how, sizeof(how));
	snprintf(why, len,
		 "--timeout %u is too short: %s needs up to %llu s for a verdict (%s); see "
		 "zdcheck(1)",
		 o->timeout_s, worst->name, (need + 999) / 1000, how);
	return ZD_USAGE;
}

/*
 * Descriptors: a full fs-dax run with O_DIRECT pins was measured to need 10
 * (the kernel log, a pidfd, the check's files, eventfd, pipe, ring, the slow
 * device); nftw() removing the work directory takes up to 16 more, and a
 * device-dax run libdaxctl's and libndctl's. 64 leaves a margin for all of
 * them. Out of descriptors, a check would fail in the middle and the work
 * directory stay behind: refuse before anything is created.
 */
#define NOFILE_NEED 64

static enum zd_outcome check_nofile(char *why, size_t len)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= NOFILE_NEED)
		return ZD_PASSED;
	/* A soft limit below the hard one is ours to raise. */
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= NOFILE_NEED) {
		rl.rlim_cur = NOFILE_NEED;
		if (!setrlimit(RLIMIT_NOFILE, &rl))
			return ZD_PASSED;
	}
	snprintf(why, len,
		 "RLIMIT_NOFILE is %llu (hard limit %llu): zdcheck needs %d open files",
		 (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, NOFILE_NEED);
	return ZD_SETUP_BROKEN;
}

/*
 * -j's default: two checks per online CPU. A check mostly sleeps (a pin
 * held, a delayed read, a wait in the kernel) and spends the rest faulting
 * and filling its files: in a 2-CPU guest (BENCHMARKS.md) -j 4 ran
 * zdcheck fsdax 3.6 times as fast as -j 1, -j 2 1.7 times, -j 8 3.0 times.
 */
static unsigned int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 2 : 2 * n > RUN_MAX_JOBS ? RUN_MAX_JOBS : 2 * (unsigned int)n;
}

int main(int argc, char **argv)
{
	struct options o = { .hold_ms = ZD_HOLD_MS_DEFAULT,
			     .wake_limit_s = ZD_WAKE_LIMIT_S_DEFAULT };
	struct cmdline cl = { 0 };
	char why[1024] = "";
	enum zd_outcome out;

	o.seed = (unsigned long long)now_us() ^ ((unsigned long long)getpid() << 32);
	out = parse_args(argc, argv, &o, &cl, why, sizeof(why));
	if (out == ZD_PASSED && cl.version) {
		printf("zdcheck %s %s\n", PACKAGE_VERSION, zd_features());
	} else if (out == ZD_PASSED && cl.help) {
		if (cl.cmd)
			command_usage(stdout, cl.cmd);
		else
			usage(stdout);
	} else if (out == ZD_PASSED) {
		zd_verbose = o.verbose;
		if (!o.jobs)
			o.jobs = default_jobs();
		out = check_applies(&o, &cl, why, sizeof(why));
		if (out == ZD_PASSED)
			out = check_paths(&o, &cl, why, sizeof(why));
		if (out == ZD_PASSED)
			out = check_selection(&o, &cl, why, sizeof(why));
		if (out == ZD_PASSED)
			out = check_timeout(&o, &cl, why, sizeof(why));
		if (out == ZD_PASSED && cl.cmd->nargs > 0)
			out = check_nofile(why, sizeof(why));
		if (out == ZD_PASSED)
			out = cl.cmd->fn(&o, cl.args, why, sizeof(why));
	}
	if (why[0])
		zd_err("%s", why);
	free(o.include);
	free(o.exclude);
	return exit_code(out);
}
