# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Boot one guest in QEMU and judge how far it got.  Sourced.
#
# Results come back through a virtio-9p share of OUTDIR/<kernel>/: the guest
# writes its files straight into the host directory, one file per result, so
# nothing is parsed out of a console stream, and whatever was written before
# a panic or a hang (status, setup.log, the streamed kernel log, finished
# reports) is still there afterwards.  The cost is four small modules
# (netfs, 9pnet, 9pnet_virtio, 9p), all in every Debian kernel.

# Sizes of the emulated NVDIMMs: devdax, ext4, xfs.  mkfs.xfs (xfsprogs 6.1)
# refuses filesystems under 300 MB, and fsdax keeps its memmap on the device;
# with a 2 MiB stripe unit (for PMD-aligned extents) its log needs 1 GiB.
# The devdax DIMM is the big one: devdax/align/1g needs a whole 1 GiB page
# after the info block, aligned in physical memory.  NFIT region numbers do
# not follow the DIMM order, so the guest picks devdax by region size.  The
# backing files are sparse.
NVDIMM_SIZES=(3G 1G 1G)
# Guest RAM, and more QEMU arguments (another 9p share): the fstests mode
# sets its own.
GUEST_MEM=1G
GUEST_QEMU_EXTRA=()
VM_TIMEOUT=${ZDCHECK_VM_TIMEOUT:-240}

# guest_run KEY RESDIR INITRD [CMDLINE]: boots $KBOOT with $GUEST_MEM of RAM,
# the NVDIMMs of NVDIMM_SIZES, RESDIR shared as "results" and
# GUEST_QEMU_EXTRA, with CMDLINE added to the kernel's; sets GUEST_RC
# (qemu's exit code, 124 on timeout) and GUEST_MS (wall clock).
guest_run() {
	local key=$1 res=$2 initrd=$3 extra=${4:-} scratch i t0
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-nvdimm.XXXXXX")
	local -a dimms=()
	for i in "${!NVDIMM_SIZES[@]}"; do
		# Sparse and fresh for each guest: no state leaks between runs.
		truncate -s "${NVDIMM_SIZES[$i]}" "$scratch/nv$i"
		dimms+=(-object "memory-backend-file,id=m$i,share=on,mem-path=$scratch/nv$i,size=${NVDIMM_SIZES[$i]},align=2M"
			-device "nvdimm,id=nv$i,memdev=m$i")
	done
	# panic=-1 with -no-reboot: a panicking guest ends QEMU at once.
	# tsc=reliable: TCG's TSC trips the clocksource watchdog, and marking
	# it unstable flips static keys at run time (see guest_boot_crashed).
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
	local append="console=ttyS0 rdinit=/init panic=-1 loglevel=4 printk.devkmsg=on mitigations=off tsc=reliable trace_options=norecord-cmd${extra:+ $extra}"
	# shellcheck disable=SC2054 # commas are qemu's
	local -a qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2
		-machine pc,nvdimm=on -m "$GUEST_MEM,slots=4,maxmem=8G"
		-nodefaults -no-user-config -display none -no-reboot
		-kernel "$KBOOT" -initrd "$initrd" -append "$append"
		"${dimms[@]}"
		-fsdev "local,id=res,path=$res,security_model=none"
		-device virtio-9p-pci,fsdev=res,mount_tag=results
		"${GUEST_QEMU_EXTRA[@]}")
	t0=$(date +%s%N)
	if [ "$VM_MODE" = shell ]; then
		log "kernel $key: shell on the console; power the guest off, or Ctrl-a x"
		GUEST_RC=0
		"${qemu[@]}" -serial mon:stdio || GUEST_RC=$?
	else
		GUEST_RC=0
		timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" \
			-chardev "file,id=con,path=$res/console.log" -serial chardev:con \
			</dev/null || GUEST_RC=$?
	fi
	# shellcheck disable=SC2034 # read by tests/vm/run
	GUEST_MS=$((($(date +%s%N) - t0) / 1000000))
	rm -rf "$scratch"
}

# guest_verdict RESDIR: empty if the guest ran the tests to the end, else a
# one-line reason (read through lib/verdict.sh's results_*).
guest_verdict() {
	local res=$1 status
	status=$(results_status "$res")
	case $status in
	done)	;;
	"")	echo "guest never mounted the results share (qemu exit $GUEST_RC)" ;;
	booted)	echo "guest died or hung during setup (qemu exit $GUEST_RC)" ;;
	ready)	echo "guest died or hung after setup, before zdcheck (qemu exit $GUEST_RC)" ;;
	tests)	local last
		last=$(results_last_check "$res")
		echo "guest died or hung while running zdcheck${last:+, during check $last}" \
			"(qemu exit $GUEST_RC)" ;;
	*)	echo "guest $status" ;;
	esac
}

# guest_boot_crashed RESDIR: the kernel oopsed before /init reached the
# results share.  Seen under multi-threaded TCG: "Oops: int3" right after
# "sched_clock: Marking stable", a vCPU running a stale translation of code
# that text_poke_bp() had already patched back.  That is QEMU's fault, not
# the kernel's, so tests/vm/run boots such a guest once more.
guest_boot_crashed() {
	[ ! -e "$1/status" ] && grep -qE 'Oops|Kernel panic' "$1/console.log" 2>/dev/null
}
