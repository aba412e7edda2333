# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The boot layer: boot one guest in QEMU (guest_run), boot it once more if
# QEMU broke its boot, collect what it left (guest_boot), and the layout of
# a results directory with the only functions that read it (results_*).
# Sourced.
#
# Results come back through a virtio-9p share of the results directory: the
# guest writes its files straight into the host directory, one file per
# result, so nothing is parsed out of a console stream, and whatever was
# written before a panic or a hang (status, setup.log, the streamed kernel
# log, finished reports) is still there afterwards.  The cost is four small
# modules (netfs, 9pnet, 9pnet_virtio, 9p), all in every Debian kernel.
#
# A results directory: what one guest boot wrote, and what the host added.
#   status           how far the guest got: booted, ready, tests, done, or
#                    "setup-failed: REASON"; none: it never mounted the share
#   release          the kernel's release string
#   setup.log        the guest's setup steps, with uptime stamps
#   kmsg.txt         the kernel log (kmsg.live while the guest streams it;
#                    guest_boot converts what a dead guest left);
#                    zdcheck writes "zdcheck: begin CHECK" before each check
#   console.log      the serial console
#   TARGET.json      zdcheck's --format json report: TARGET is devdax, ext4,
#                    xfs, or devdax-teardown (the destructive pass, last)
#   TARGET.stderr    zdcheck's stderr: there once zdcheck was started
#   TARGET.rc        its exit code: there once it ended
#   TARGET.skipped   ZDCHECK-ARGS selected none of the command's checks
#                    (zdcheck refused to run): no result, no problem
#   safety.tap       the data-safety pass (lib/safety.sh reads it)
#   probe.txt        zdcheck probe after the setup (probe-FS.txt: with FS
#                    mounted, where the filesystems take turns)
#   fstests-FS.log, fstests-FS.rc, fstests-FS/: the fstests mode's
#   mutant.hits      the mutant mode: how often the mutant fired
#                    (mutant.load: insmod's stderr)
# and from the host:
#   boot             "QEMU-EXIT MILLISECONDS LIMIT" of the last boot (exit
#                    124: it hit the LIMIT seconds and was killed)
#   try1/            the first try of a boot that crashed before its first
#                    result, moved there by guest_boot; never read
#   kernel           which kernel it was (lib/kernels.sh kernel_describe)
#   provider         which DAX memory (lib/providers.sh P_DESC)
#   skipped          the kernel cannot do the provider: why (then nothing
#                    booted, and this is all there is)
#   TARGET.unsupported  the provider cannot do TARGET: why (no report)
#   alone-NAME/      a boot of its own for one check (ALONE): the same
#                    layout, with "only" naming the check
# A run's OUTDIR holds one per kernel and provider, OUTDIR/RUN/ (RUN: the
# kernel's KEY for the nfit provider, KEY@PROVIDER for the others,
# lib/providers.sh run_key); in the mutant mode
# OUTDIR/KEY/clean/ and OUTDIR/KEY/zdm_*/, with the modules in
# OUTDIR/KEY/modules/; in the fstests mode OUTDIR/fstests/KEY/.

# Sizes of the emulated NVDIMMs of the nfit provider (lib/providers.sh):
# devdax, ext4, xfs.  mkfs.xfs (xfsprogs 6.1) refuses filesystems under
# 300 MB, and fsdax keeps its memmap on the device; with a 2 MiB stripe unit
# (for PMD-aligned extents) its log needs 1 GiB.  The devdax DIMM is the big
# one: devdax/align/1g needs a whole 1 GiB page after the info block,
# aligned in physical memory.  NFIT region numbers do not follow the DIMM
# order, so the guest picks devdax by region size.  The backing files are
# sparse.
# shellcheck disable=SC2034 # read by lib/providers.sh
NVDIMM_SIZES=(3G 1G 1G)
# Guest RAM if not the provider's, and more QEMU arguments (another 9p
# share): the fstests mode sets its own.
GUEST_MEM=''
GUEST_QEMU_EXTRA=()
VM_TIMEOUT=${ZDCHECK_VM_TIMEOUT:-240}

# The machine of each kernel architecture (lib/kernels.sh K_ARCH):
#   GUEST_QEMU[arch]      the host's emulator (lib/providers.sh
#                         provider_emulator: unless the provider's own)
#   GUEST_MACHINE[arch], GUEST_CPU[arch]  QEMU's -machine and -cpu, if not
#                         the provider's (P_MACHINE, P_CPU)
#   GUEST_FIRMWARE[arch]  QEMU's -bios, if not its default
#   GUEST_CONSOLE[arch]   the guest's serial console
#   GUEST_APPEND[arch]    what the kernel command line adds
# x86_64: the providers' PC machines.  tsc=reliable: TCG's TSC trips the
# clocksource watchdog, and marking it unstable flips static keys at run
# time (see _boot_crashed).
# arm64: one machine, QEMU's virt with NVDIMMs (its providers, P_ARCHES:
# nfit), under UEFI: virt has ACPI, and so an NFIT, only then; acpi=force,
# or a kernel offered a device tree as well takes that.  pauth-impdef:
# TCG's pointer authentication with the architected QARMA cipher costs
# every function return of a Debian kernel dearly.
# shellcheck disable=SC2034 # read by lib/providers.sh
declare -gA GUEST_QEMU=([x86_64]=qemu-system-x86_64 [arm64]=qemu-system-aarch64)
# shellcheck disable=SC2054 # commas are QEMU's
declare -gA GUEST_MACHINE=([arm64]=virt,nvdimm=on) GUEST_CPU=([arm64]=max,pauth-impdef=on)
declare -gA GUEST_FIRMWARE=([arm64]=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd)
declare -gA GUEST_CONSOLE=([x86_64]=ttyS0 [arm64]=ttyAMA0)
declare -gA GUEST_APPEND=([x86_64]=tsc=reliable [arm64]=acpi=force)

# guest_run RUN RESDIR INITRD [CMDLINE]: boots run RUN's kernel on its
# architecture's machine with its provider's memory (lib/providers.sh),
# RESDIR shared as "results" and GUEST_QEMU_EXTRA, with CMDLINE added to
# the kernel's; writes RESDIR/boot (qemu's exit code, 124 on timeout, and
# the wall clock).
guest_run() {
	local run=$1 res=$2 initrd=$3 extra=${4:-} scratch t0 key p arch
	key=$(run_kernel "$run") p=$(run_provider "$run")
	arch=${K_ARCH[$key]}
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-mem.XXXXXX")
	# Fresh for each guest: no state leaks between runs.
	provider_devices "$p" "$scratch"
	provider_emulator "$p" "$arch"
	local -a firmware=()
	[ -z "${GUEST_FIRMWARE[$arch]:-}" ] || firmware=(-bios "${GUEST_FIRMWARE[$arch]}")
	# panic=-1 with -no-reboot: a panicking guest ends QEMU at once.
	# printk.devkmsg=on: zdcheck writes a marker per check to /dev/kmsg,
	# which the default rate limit would drop.
	# trace_options=norecord-cmd: with it on (the default, and instances
	# inherit it), the first event zdcheck enables in its tracefs instance
	# also registers the scheduler's comm-recording probes, and removing
	# the instance unregisters them: two text_poke_bp() of sched_wakeup's
	# site in ttwu_do_activate() per zdcheck run, the hottest code there
	# is. Twice (two CI runs, the 7.x zdm_leak boot) a vCPU then ran a
	# stale int3 there: "Oops: int3" in ttwu_do_activate, in an irq on the
	# CPU that was in instance_rmdir. Off, only the fs_dax tracepoints
	# switch, whose sites no one else runs meanwhile.
	local append="console=${GUEST_CONSOLE[$arch]} rdinit=/init panic=-1 loglevel=4 printk.devkmsg=on mitigations=off trace_options=norecord-cmd ${GUEST_APPEND[$arch]}${P_CMDLINE[$p]:+ ${P_CMDLINE[$p]}}${extra:+ $extra}"
	# shellcheck disable=SC2054 # commas are qemu's
	local -a qemu=("${PROVIDER_QEMU[@]}" -accel tcg,thread=multi
		-cpu "${GUEST_CPU[$arch]:-${P_CPU[$p]}}" -smp 2
		-machine "${GUEST_MACHINE[$arch]:-${P_MACHINE[$p]}}"
		-m "${GUEST_MEM:-${P_MEM[$p]}},slots=4,maxmem=8G" "${firmware[@]}"
		-nodefaults -no-user-config -display none -no-reboot
		-kernel "${K_BOOT[$key]}" -initrd "$initrd" -append "$append"
		-fsdev "local,id=res,path=$res,security_model=none"
		-device virtio-9p-pci,fsdev=res,mount_tag=results
		"${GUEST_QEMU_EXTRA[@]}"
		# After the PCI devices above: QEMU plugs a device without a
		# bus into the last bus made, which for cxl is its host bridge.
		"${PROVIDER_ARGS[@]}")
	local rc=0 limit=$((VM_TIMEOUT * ${P_TIME[$p]:-1}))
	t0=$(date +%s%N)
	if [ "$VM_MODE" = shell ]; then
		log "$run: shell on the console; power the guest off, or Ctrl-a x"
		"${qemu[@]}" -serial mon:stdio || rc=$?
	else
		timeout -k 10 "$limit" "${qemu[@]}" \
			-chardev "file,id=con,path=$res/console.log" -serial chardev:con \
			</dev/null || rc=$?
	fi
	echo "$rc $((($(date +%s%N) - t0) / 1000000)) $limit" > "$res/boot"
	rm -rf "$scratch"
}

# guest_boot KEY RESDIR INITRD [CMDLINE]: one guest (guest_run), booted once
# more if QEMU broke its boot; then its kernel log collected and how far
# it got logged.  What it found is in RESDIR, read by results_*.
guest_boot() {
	local key=$1 res=$2 verdict
	guest_run "$@"
	[ "$VM_MODE" = shell ] && return 0
	if _boot_crashed "$res"; then
		log "kernel $key: crashed during boot, before the tests; booting again"
		grep -m1 -E 'Oops|Kernel panic' "$res/console.log" | sed 's/^/    | /' >&2
		mkdir -p "$res.try1" && mv "$res"/* "$res.try1/"
		mv "$res.try1" "$res/try1"
		guest_run "$@"
	fi
	if [ -e "$res/kmsg.live" ] && [ ! -e "$res/kmsg.txt" ]; then
		awk -F';' '/^[0-9]/ { split($1, h, ","); sub(/^[^;]*;/, "")
			printf "[%5d.%06d] %s\n", h[3] / 1000000, h[3] % 1000000, $0 }' \
			"$res/kmsg.live" > "$res/kmsg.txt" && rm "$res/kmsg.live"
	fi
	verdict=$(results_verdict "$res")
	if [ -n "$verdict" ]; then
		log "kernel $key: $verdict; console (first oops lines, then the tail):"
		{
			grep -m 5 -E 'Oops|BUG:|Kernel panic|sysrq: Trigger' "$res/console.log" &&
				echo ...
			tail -n 15 "$res/console.log"
		} 2>/dev/null | sed "s/^/    | /" >&2
	fi
	local ms
	ms=$(results_boot_ms "$res")
	log "kernel $key: guest took $((ms / 1000)).$((ms % 1000 / 100)) s"
}

# _boot_crashed RESDIR: the kernel oopsed before /init reached the results
# share.  Seen under multi-threaded TCG: "Oops: int3" right after
# "sched_clock: Marking stable", a vCPU running a stale translation of code
# that text_poke_bp() had already patched back.  That is QEMU's fault, not
# the kernel's, so guest_boot boots such a guest once more.
_boot_crashed() {
	[ -z "$(results_status "$1")" ] && grep -qE 'Oops|Kernel panic' "$1/console.log" 2>/dev/null
}

# The readers of a results directory.

# results_status DIR: how far the guest got, empty if it never said.
results_status() { cat "$1/status" 2>/dev/null || true; }

# results_boot DIR: "QEMU-EXIT MILLISECONDS LIMIT" of the boot, "? 0 ?" if
# the host did not say; results_boot_ms DIR: the milliseconds alone.
results_boot() { cat "$1/boot" 2>/dev/null || echo '? 0 ?'; }
results_boot_ms() { local _ ms; read -r _ ms _ < <(results_boot "$1"); echo "$ms"; }

# results_kernel DIR: which kernel the boot was ("?" if the host did not say).
results_kernel() { cat "$1/kernel" 2>/dev/null || echo '?'; }

# results_provider DIR: which DAX memory it was ("?" if the host did not say).
results_provider() { cat "$1/provider" 2>/dev/null || echo '?'; }

# results_unsupported DIR [TARGET]: why the kernel could not do the provider
# (nothing booted), or, for TARGET, that or why the provider cannot do
# TARGET; empty if it could.
results_unsupported() {
	cat "$1/skipped" 2>/dev/null || { [ -n "${2:-}" ] && cat "$1/$2.unsupported" 2>/dev/null; } || true
}

# results_alone DIR: "CHECK ALONE-DIR" for each boot of its own in a
# kernel's results directory.
results_alone() {
	local d
	for d in "$1"/alone-*/; do
		[ -e "$d/only" ] && echo "$(cat "$d/only") ${d%/}"
	done
	return 0
}

# results_retried DIR: whether the boot was retried (try1/ holds the first).
results_retried() { [ -d "$1/try1" ]; }

# results_verdict DIR: empty if the guest ran the tests to the end, else a
# one-line reason.
results_verdict() {
	local res=$1 status rc limit last why
	status=$(results_status "$res")
	read -r rc _ limit < <(results_boot "$res")
	case $status in
	done)	return 0 ;;
	"")	why="guest never mounted the results share (qemu exit $rc)" ;;
	booted)	why="guest died or hung during setup (qemu exit $rc)" ;;
	ready)	why="guest died or hung after setup, before zdcheck (qemu exit $rc)" ;;
	tests)	last=$(results_last_check "$res")
		why="guest died or hung while running zdcheck${last:+, during check $last} (qemu exit $rc)" ;;
	*)	why="guest $status" ;;
	esac
	[ "$rc" != 124 ] || why="timed out after ${limit}s: $why"
	echo "$why"
}

# results_last_check DIR: the check a guest that stopped during the tests
# was running: the last "zdcheck: begin" marker in its kernel log.
results_last_check() {
	sed -n 's/.*zdcheck: begin \([^ ]*\).*/\1/p' "$1/kmsg.txt" 2>/dev/null | tail -n 1
}

# results_died_in DIR CHECK: whether the guest stopped during the tests in
# CHECK (the last it began).
results_died_in() {
	[ "$(results_status "$1")" = tests ] && [ "$(results_last_check "$1")" = "$2" ]
}

# results_report DIR NAME: the path of report NAME (devdax, ext4, ...).
results_report() { echo "$1/$2.json"; }

# results_reports DIR: "TARGET REPORT" for each report the guests of a
# kernel may have written (whether they did or not): the main boot's, then
# the boots of their own (ALONE, devdax).
results_reports() {
	local t d
	for t in $(_targets); do
		echo "$t $(results_report "$1" "$t")"
		# devdax-teardown.json: the destructive pass the guest runs last;
		# devdax-last.json: the check of lib/common.sh's LAST after it.
		echo "$t $(results_report "$1" "$t-teardown")"
		echo "$t $(results_report "$1" "$t-last")"
	done
	for d in "$1"/alone-*/; do
		[ -e "$d/only" ] && echo "devdax $(results_report "${d%/}" devdax)"
	done
}

# results_dir REPORT: the results directory a report is in.
results_dir() { echo "${1%/*}"; }

# results_started REPORT, results_ended REPORT, results_skipped REPORT:
# whether zdcheck was started for it, ended, or refused to run because
# ZDCHECK-ARGS selected none of its checks.
results_started() { [ -e "${1%.json}.stderr" ]; }
results_ended() { [ -e "${1%.json}.rc" ]; }
results_skipped() { [ -e "${1%.json}.skipped" ]; }

# results_rc REPORT: zdcheck's exit code, "none" if it did not end.
results_rc() { cat "${1%.json}.rc" 2>/dev/null || echo none; }

# results_stderr_tail REPORT: the last 5 lines of zdcheck's stderr.
results_stderr_tail() { tail -n 5 "${1%.json}.stderr" 2>/dev/null; }

# results_reported DIR CHECK: whether a report in DIR has a result of CHECK.
# zdcheck writes its report at the end: the run it died in left an empty
# file, which must not count (jq -e without -n says yes to no input).
results_reported() {
	jq -n -e --arg c "$2" 'any(inputs | .checks[]?; .name == $c)' "$1"/*.json >/dev/null 2>&1
}

# results_hits DIR: how often the mutant fired, "?" if unknown.
results_hits() { cat "$1/mutant.hits" 2>/dev/null || echo '?'; }

# results_oops DIR: the first BUG, Oops, WARNING or panic line on the console.
results_oops() { grep -m1 -E 'BUG:|Oops|WARNING:|Kernel panic' "$1/console.log" 2>/dev/null; }
