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
#include <unistd.h>

#include "discover/probe.h"
#include "report/report.h"
#include "run/select.h"

struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help; /* shown by "zdcheck COMMAND --help" */
	int nargs;
	enum zd_outcome (*fn)(struct options *o, char **argv, char *why, size_t len);
};

static const struct command commands[];

static const char options_help[] =
	"Options:\n"
	"  -t, --test GLOB      run only checks whose name matches GLOB (repeatable)\n"
	"  -x, --exclude GLOB   skip checks whose name matches GLOB (repeatable)\n"
	"      --format FORMAT  text (default), json or tap\n"
	"  -v, --verbose        show evidence for passing checks too; repeat for more\n"
	"      --timeout SEC    deadline for each check (default: the check's own)\n"
	"      --hold MS        how long pins are held (default 200)\n"
	"      --wake-limit SEC a layout change must end this soon after release (default 5)\n"
	"      --keep           keep the fs-dax work directory for debugging\n"
	"      --allow-non-dax  run fsdax checks on a non-DAX filesystem (control run)\n"
	"      --no-kmsg-verdict\n"
	"                       report kernel log lines, but fail no check on them\n"
	"                       (for a harness that judges the log, as fstests does)\n"
	"      --pin-device DEV slow non-DAX block device for O_DIRECT pins (default:\n"
	"                       as root, zdcheck builds one from null_blk and dm-delay)\n"
	"      --size BYTES     device-dax window the checks may write (default 64M)\n"
	"      --destructive    device-dax: do not save the window; allow teardown checks\n"
	"      --restore FILE   device-dax: put a window back from its journal, run nothing\n"
	"      --seed N         seed for data patterns (default: from the clock)\n"
	"  -h, --help           show help (for a command: zdcheck COMMAND --help)\n"
	"  -V, --version        show version and built-in features\n";

static const char exit_help[] =
	"Exit status: 0 all selected checks passed, 1 a check failed, 2 usage error,\n"
	"77 nothing could run, 99 setup broke, 130 interrupted.\n";

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
	fprintf(out, "\n%s\n%s", options_help, exit_help);
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
	fprintf(out, "Usage: zdcheck [OPTIONS] %s %s\n\n%s\n%s\n%s", c->name, c->args,
		c->summary, c->help, options_help);
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

static enum zd_outcome run_target(struct options *o, struct target *t)
{
	struct report rp;
	struct run run = {
		.opt = o,
		.target = t,
		.table = &zd_checks,
		.on_begin = report_on_begin,
		.on_start = progress,
		.on_result = report_on_result,
		.arg = &rp,
	};
	enum zd_outcome out;
	char why[512];
	size_t i;
	int ret;

	report_init(&rp, stdout, &run);
	ret = run_checks(&run);
	if (ret) {
		zd_err("runner: %s", strerror(-ret));
		return ZD_SETUP_BROKEN;
	}
	/* The window goes back before the report, which records its crc32. */
	ret = target_restore(t, why, sizeof(why));
	report_end(&rp);
	if (ret) {
		zd_err("%s; the journal is kept: %s", why, t->journal);
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
	if (out == ZD_NOTHING_RAN && run.nselected)
		zd_err("nothing could run: all %zu selected checks were skipped",
		       run.nselected);
	else if (out == ZD_NOTHING_RAN)
		zd_err("nothing could run: no %s check matches the selection",
		       t->kind == TARGET_FSDAX ? "fsdax" : "devdax");
	for (i = 0; i < run.nstuck; i++)
		zd_err("process group %d is still stuck in the kernel and was left behind",
		       run.stuck[i]);
	run_free(&run);
	return out;
}

/* zdcheck devdax --restore JOURNAL DEVICE: put a saved window back, nothing else. */
static enum zd_outcome restore_window(struct target *t, const char *journal, char *why,
				      size_t len)
{
	int ret = journal_read_id(journal, &t->saved);

	if (ret) {
		snprintf(why, len, "%s: %s", journal,
			 ret == -EINVAL ? "not a zdcheck journal" : strerror(-ret));
		return ZD_USAGE;
	}
	snprintf(t->journal, sizeof(t->journal), "%s", journal);
	t->window = t->saved.length;
	ret = target_restore(t, why, len);
	if (ret)
		return ret == -ENODEV ? ZD_USAGE : ZD_SETUP_BROKEN;
	printf("restored %s bytes 0-%llu from %s: crc32 %08x verified, journal removed\n",
	       t->path, t->window - 1, journal, t->crc_after);
	return ZD_PASSED;
}

static enum zd_outcome cmd_target(struct options *o, const char *path, enum target_kind kind,
				  char *why, size_t len)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	enum zd_outcome out;
	struct target t;

	/* No SA_RESTART: the runner's waits must return to notice the stop. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	out = kind == TARGET_FSDAX ? fsdax_target_open(&t, path, o, why, len) :
				     devdax_target_open(&t, path, o, why, len);
	if (out == ZD_PASSED && kind == TARGET_DEVDAX && o->restore)
		return restore_window(&t, o->restore, why, len);
	if (out == ZD_PASSED && kind == TARGET_DEVDAX)
		out = devdax_window_open(&t, o, why, len);
	if (out != ZD_PASSED)
		return out;
	/* Reads must outlast the hold; failing to build it only skips those checks. */
	if (select_needs(o, &zd_checks, kind) & NEED_SLOW_BDEV)
		slowdev_open(&t.slow, o->pin_device, o->hold_ms, o->seed + 0x51);
	out = run_target(o, &t);
	target_close(&t);
	return out;
}

static enum zd_outcome cmd_fsdax(struct options *o, char **argv, char *why, size_t len)
{
	return cmd_target(o, argv[0], TARGET_FSDAX, why, len);
}

static enum zd_outcome cmd_devdax(struct options *o, char **argv, char *why, size_t len)
{
	return cmd_target(o, argv[0], TARGET_DEVDAX, why, len);
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

	if (argv[0] && !c) {
		snprintf(why, len, "help: unknown command '%s'", argv[0]);
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
	  "STATX_ATTR_DAX and a MAP_SYNC mapping) and removes it at the end, also\n"
	  "on SIGINT/SIGTERM, unless --keep is given. Nothing else is touched.\n"
	  "Each check's files are removed after it by a child with a deadline: a\n"
	  "removal stuck in the kernel (eviction waiting for a page that never goes\n"
	  "idle) fails that check, and zdcheck goes on.\n",
	  1, cmd_fsdax },
	{ "devdax", "DEVICE", "run the device-dax checks on DEVICE (/dev/daxX.Y)",
	  "DEVICE is a device-dax character device in devdax mode, found through\n"
	  "libdaxctl. Checks write only a window at its start (--size, default 64M),\n"
	  "which zdcheck first saves to a journal file and writes back at the end,\n"
	  "also on SIGINT/SIGTERM; 'zdcheck devdax --restore JOURNAL DEVICE' puts it\n"
	  "back after a crash. --destructive saves nothing.\n",
	  1, cmd_devdax },
	{ "list", "", "list the checks (select with -t/-x, --format json, -v for details)",
	  "Prints one line per check: its name and what it proves. With -v also\n"
	  "what it needs, its pin, its mutation, its timeout, what is expected and\n"
	  "which kernel behaviour it guards.\n",
	  0, cmd_list },
	{ "probe", "", "report what this machine offers: kernel, DAX devices and mounts",
	  "Reports the kernel release and configuration, device-dax devices and\n"
	  "NVDIMM regions (libdaxctl, libndctl), DAX mounts, and whether io_uring,\n"
	  "libaio, null_blk, dm-delay and /dev/kmsg are usable. Changes nothing.\n",
	  0, cmd_probe },
	{ "help", "[COMMAND]", "show help for zdcheck or for one command", "", -1, cmd_help },
	{ NULL },
};

static int parse_uint(const char *opt, const char *s, unsigned long long min,
		      unsigned long long max, unsigned long long *out, char *why, size_t len)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || *out < min || *out > max) {
		snprintf(why, len, "invalid %s '%s': expected a number from %llu to %llu", opt,
			 s, min, max);
		return -1;
	}
	return 0;
}

/* "64M", "2G", "4096": a byte count with an optional K/M/G suffix. */
static int parse_size(const char *s, unsigned long long *out, char *why, size_t len)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (!*s || *s == '-' || *end || errno || !v || v > (1ULL << 50) >> shift) {
		snprintf(why, len, "invalid --size '%s': expected bytes, with K, M or G", s);
		return -1;
	}
	*out = v << shift;
	return 0;
}

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

enum {
	OPT_FORMAT = 256,
	OPT_TIMEOUT,
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
};

static const struct option long_options[] = {
	{ "test", required_argument, NULL, 't' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "wake-limit", required_argument, NULL, OPT_WAKE },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "allow-non-dax", no_argument, NULL, OPT_NON_DAX },
	{ "no-kmsg-verdict", no_argument, NULL, OPT_NO_KMSG_VERDICT },
	{ "pin-device", required_argument, NULL, OPT_PIN_DEV },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "destructive", no_argument, NULL, OPT_DESTRUCTIVE },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Returns ZD_PASSED to go on; anything else ends the program with that outcome. */
static enum zd_outcome parse_args(int argc, char **argv, struct options *o,
				  const struct command **cmd, char ***args, bool *help,
				  bool *version, char *why, size_t len)
{
	size_t ninc = 0, nexc = 0;
	unsigned long long v;
	int c, nargs;

	opterr = 0; /* our own one-line messages instead of getopt's */
	while ((c = getopt_long(argc, argv, ":t:x:vhV", long_options, NULL)) != -1) {
		switch (c) {
		case 't':
		case 'x':
			if (add_glob(c == 't' ? &o->include : &o->exclude,
				     c == 't' ? &ninc : &nexc, optarg))
				return ZD_SETUP_BROKEN;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = FORMAT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = FORMAT_JSON;
			else if (!strcmp(optarg, "tap"))
				o->format = FORMAT_TAP;
			else {
				snprintf(why, len,
					 "invalid --format '%s': expected text, json or tap",
					 optarg);
				return ZD_USAGE;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_TIMEOUT:
			if (parse_uint("--timeout", optarg, 1, 86400, &v, why, len))
				return ZD_USAGE;
			o->timeout_s = (unsigned int)v;
			break;
		case OPT_HOLD:
			if (parse_uint("--hold", optarg, 1, 600000, &v, why, len))
				return ZD_USAGE;
			o->hold_ms = (unsigned int)v;
			break;
		case OPT_WAKE:
			if (parse_uint("--wake-limit", optarg, 1, 3600, &v, why, len))
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
			if (parse_size(optarg, &o->size, why, len))
				return ZD_USAGE;
			break;
		case OPT_DESTRUCTIVE:
			o->destructive = true;
			break;
		case OPT_RESTORE:
			o->restore = optarg;
			break;
		case OPT_SEED:
			if (parse_uint("--seed", optarg, 0, ULLONG_MAX, &v, why, len))
				return ZD_USAGE;
			o->seed = v;
			break;
		case 'h':
			*help = true;
			break;
		case 'V':
			*version = true;
			return ZD_PASSED;
		case ':':
			snprintf(why, len, "option '%s' needs an argument", argv[optind - 1]);
			return ZD_USAGE;
		default:
			snprintf(why, len, "unknown option '%s'", argv[optind - 1]);
			return ZD_USAGE;
		}
	}

	if (optind == argc) {
		if (*help)
			return ZD_PASSED;
		snprintf(why, len, "missing command; see 'zdcheck --help'");
		return ZD_USAGE;
	}
	*cmd = find_command(argv[optind]);
	if (!*cmd) {
		snprintf(why, len, "unknown command '%s'; see 'zdcheck --help'", argv[optind]);
		return ZD_USAGE;
	}
	*args = argv + optind + 1;
	nargs = argc - optind - 1;
	if (*help)
		return ZD_PASSED;
	if ((*cmd)->nargs >= 0 && nargs != (*cmd)->nargs) {
		snprintf(why, len, "%s: expected %s%s, got %d argument%s", (*cmd)->name,
			 (*cmd)->nargs ? "" : "no arguments", (*cmd)->args, nargs,
			 nargs == 1 ? "" : "s");
		return ZD_USAGE;
	}
	if ((*cmd)->nargs < 0 && nargs > 1) {
		snprintf(why, len, "%s: too many arguments", (*cmd)->name);
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
		return 130;
	}
	return 99;
}

int main(int argc, char **argv)
{
	struct options o = { .hold_ms = 200, .wake_limit_s = 5 };
	const struct command *cmd = NULL;
	char **args = NULL, why[1024] = "";
	const char *bad_glob;
	enum zd_outcome out;
	bool help = false, version = false;

	o.seed = (unsigned long long)now_us() ^ ((unsigned long long)getpid() << 32);
	out = parse_args(argc, argv, &o, &cmd, &args, &help, &version, why, sizeof(why));
	if (out == ZD_PASSED && version) {
		printf("zdcheck %s %s\n", PACKAGE_VERSION, zd_features());
	} else if (out == ZD_PASSED && help) {
		if (cmd)
			command_usage(stdout, cmd);
		else
			usage(stdout);
	} else if (out == ZD_PASSED) {
		zd_verbose = o.verbose;
		bad_glob = select_unmatched(&o, &zd_checks);
		if (bad_glob) {
			snprintf(why, sizeof(why), "no check matches '%s'; see 'zdcheck list'",
				 bad_glob);
			out = ZD_USAGE;
		} else {
			out = cmd->fn(&o, args, why, sizeof(why));
		}
	}
	if (why[0])
		zd_err("%s", why);
	free(o.include);
	free(o.exclude);
	return exit_code(out);
}
