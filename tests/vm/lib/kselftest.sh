# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The kselftest mode of the test bed (tests/vm/run --kselftest SRC).
# Sourced.
#
# SRC is a kernel source tree with zdcheck's collection installed
# (tests/kselftest/install SRC). The host installs it the way fleets do,
# make -C SRC/tools/testing/selftests TARGETS=zdcheck install, and each
# guest runs the installed tree's run_kselftest.sh -c zdcheck on legacy
# pmem (memmap=, the e820 provider), with nothing set up for it: the
# wrapper finds the raw namespace and makes what it needs.  The guest is
# the fstests mode's Debian root (lib/fstests.sh: the runner wants bash,
# coreutils' timeout, perl; the wrapper ndctl, blkid, mkfs.ext4), the
# installed tree packed into it at /kselftest, zdcheck on PATH.  Results
# go to OUTDIR/kselftest/<kernel>/: kselftest.log, the runner's output.

# Set by tests/vm/run --kselftest SRC.
KSELFTEST_SRC=''
# The provider: what fleets boot with.  4 GiB of RAM: memmap= takes 2 of
# them, and the Debian root lives in what is left.
KSELFTEST_PROVIDER=e820
# Unless -t or $ZDCHECK_VM_TIMEOUT says otherwise, a guest gets 20 minutes
# (the collection's own timeout), not guest.sh's 240 s.
_kselftest_timeout_default=$VM_TIMEOUT

# _kselftest_extra OUT INSTALLED: /init, zdcheck with the libraries it
# needs, the installed collection at /kselftest, and the settings, as the
# last archive of the initramfs.
_kselftest_extra() {
	local out=$1 stage
	stage=$(root_extra_stage "$VM_DIR/guest/init-kselftest")
	cp -a "$2" "$stage/kselftest"
	{
		printf 'VM_MODE=%s\n' "$VM_MODE"
		printf 'VM_MODULES="%s"\n' "${GUEST_MODULES[*]}"
		printf 'VM_MODULES_BG="%s"\n' "${GUEST_MODULES_BG[*]}"
		printf 'VM_PROVIDER_MODULES="%s"\n' "${P_MODULES[$KSELFTEST_PROVIDER]}"
		printf 'VM_ZDCHECK_ARGS="%s"\n' "${ZDCHECK_ARGS[*]}"
	} > "$stage/etc/zdcheck-vm/config"
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# shellcheck disable=SC2034 # guest_run's setting
_kselftest_guest() {
	local GUEST_MEM=4G
	guest_boot "$@"
}

# _kselftest_verdict KEY LOG: whether kernel KEY's runner output LOG is
# what the kernel deserves: ok, or not ok for exactly the kernel's expected
# failures on ext4 of its provider (lib/verdict.sh _expected; zdcheck's
# failing checks are the nested "not ok" lines).  Says which.
_kselftest_verdict() {
	local k=$1 log=$2 failed unexpected
	if grep -qx 'ok 1 selftests: zdcheck: zdcheck.sh' "$log"; then
		echo "vm: kernel $k: the runner said ok"
		return 0
	fi
	failed=$(sed -n 's/^#   not ok [0-9]* \([^ ]*\).*/\1/p' "$log" | sort -u)
	if ! grep -q '^not ok 1 selftests: zdcheck: zdcheck.sh' "$log" || [ -z "$failed" ]; then
		echo "vm: kernel $k: FAILED: the runner said neither ok nor not ok for zdcheck's checks"
		return 1
	fi
	unexpected=$(comm -23 <(echo "$failed") \
		<(_expected "$k@$KSELFTEST_PROVIDER" | awk '$2 == "ext4" { print $1 }' | sort -u))
	if [ -n "$unexpected" ]; then
		echo "vm: kernel $k: FAILED: not expected: ${unexpected//$'\n'/ }"
		return 1
	fi
	echo "vm: kernel $k: the runner said not ok, for the kernel's expected failures only:" \
		"${failed//$'\n'/ }"
}

# kselftest_main: tests/vm/run --kselftest SRC.  Prints the runner's
# output of each kernel.  Exit 0 when every kernel's runner said ok, not
# skipped, for zdcheck.
kselftest_main() {
	local k res log rc=0 work st
	KSELFTEST_SRC=$(cd "$KSELFTEST_SRC" && pwd) || die "no kernel source tree at $KSELFTEST_SRC"
	st=$KSELFTEST_SRC/tools/testing/selftests
	[ -x "$st/zdcheck/zdcheck.sh" ] ||
		die "no zdcheck collection in $st: run tests/kselftest/install $KSELFTEST_SRC"
	command -v rsync >/dev/null || die "rsync missing (selftests' install): run tests/vm/install-deps"
	[ "$VM_TIMEOUT" != "$_kselftest_timeout_default" ] || VM_TIMEOUT=${ZDCHECK_VM_TIMEOUT:-1200}
	work=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm.XXXXXX")
	# shellcheck disable=SC2064 # $work is fixed now
	trap "rm -rf '$work'" EXIT
	make -s -C "$st" TARGETS=zdcheck install INSTALL_PATH="$work/installed" \
		> "$work/install.log" 2>&1 ||
		die "make -C $st TARGETS=zdcheck install failed: $(tail -n 3 "$work/install.log")"
	fstests_root "$ZDCHECK_CACHE/guest-root.cpio"
	_kselftest_extra "$work/extra.cpio" "$work/installed"
	log "kselftest: run_kselftest.sh -c zdcheck from $KSELFTEST_SRC; zdcheck: $ZDCHECK_BIN"
	for k in "${KERNELS[@]}"; do
		kernel_prepare "$k"
		res=$OUTDIR/kselftest/$k
		rm -rf "$res" && mkdir -p "$res"
		root_initrd "$k" "$work/extra.cpio" "$work/initrd"
		log "kernel $k: booting ${K_REL[$k]} (${K_KIND[$k]}) on ${P_DESC[$KSELFTEST_PROVIDER]}"
		_kselftest_guest "$k@$KSELFTEST_PROVIDER" "$res" "$work/initrd"
		rm -f "$work/initrd"
		[ "$VM_MODE" = shell ] && return 0
		kernel_describe "$k" > "$res/kernel"
		log=$res/kselftest.log
		echo "== kernel $k (${K_REL[$k]}): run_kselftest.sh -c zdcheck"
		if [ ! -s "$log" ]; then
			echo "no runner output (guest: $(results_verdict "$res"))"
			rc=1
			continue
		fi
		cat "$log"
		_kselftest_verdict "$k" "$log" || rc=1
	done
	echo "results in $OUTDIR"
	return $rc
}
