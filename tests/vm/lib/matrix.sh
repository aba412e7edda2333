# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The matrix mode of tests/vm/run (and --shell): per kernel and provider
# (a run, lib/providers.sh), the main boot (devdax, the filesystems, the
# data-safety pass) and a boot of its own for each check of ALONE, then the
# verdict (lib/verdict.sh) and one summary line per run.  A run that cannot
# be booted (lib/providers.sh run_unsupported) says why (SKIP in the
# matrix).  Sourced; reads KERNELS, PROVIDERS (PROVIDERS_GIVEN: -p was
# given; else a kernel runs with the providers its machine has), OUTDIR,
# ZDCHECK_ARGS, ALONE, STANDIN and work (the run's scratch directory,
# holding the userland of each architecture, userland-ARCH.cpio).

# matrix_run: boot every run, print the matrix and the verdict; 0 if every
# guest ran and every result matches its expectation.
matrix_run() {
	local k p r t0 rc=0 ms
	local -a RUNS=()
	for k in "${KERNELS[@]}"; do
		for p in "${PROVIDERS[@]}"; do
			[ -n "$PROVIDERS_GIVEN" ] || provider_fits "$p" "$k" || continue
			RUNS+=("$(run_key "$k" "$p")")
		done
	done
	t0=$(date +%s%N)
	for r in "${RUNS[@]}"; do
		_matrix_boots "$r"
		[ "$VM_MODE" = shell ] && return 0
	done
	echo
	for r in "${RUNS[@]}"; do
		echo "$r: $(results_kernel "$OUTDIR/$r"); $(results_provider "$OUTDIR/$r")"
	done
	matrix_print "$OUTDIR" || rc=1
	expectations_check "$OUTDIR" || rc=1
	# The data-safety pass is about zdcheck, not the memory: nfit's boots.
	[ -n "$STANDIN" ] || [[ " ${PROVIDERS[*]} " != *" nfit "* ]] || safety_check "$OUTDIR" || rc=1
	for r in "${RUNS[@]}"; do
		_matrix_summary "$r" || rc=1
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf 'total %d.%d s; results in %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$OUTDIR"
	[ $rc -eq 0 ] && echo "vm: all results match expectations" || echo "vm: FAILED"
	return $rc
}

# _matrix_boots RUN: its main boot into OUTDIR/RUN/, then a boot of its own
# for each selected check of ALONE into alone-NAME/ there; or, if RUN
# cannot be booted, only the reason.
# shellcheck disable=SC2154 # work: tests/vm/run's scratch directory
_matrix_boots() {
	local r=$1 res=$OUTDIR/$1 c d initrd=$work/initrd-$1 k p why userland parts
	k=$(run_kernel "$r") p=$(run_provider "$r")
	kernel_prepare "$k"
	rm -rf "$res" && mkdir -p "$res"
	kernel_describe "$k" > "$res/kernel"
	echo "${P_DESC[$p]}" > "$res/provider"
	why=$(run_unsupported "$r")
	if [ -n "$why" ]; then
		echo "$why" > "$res/skipped"
		log "$r: skipped: $why"
		return 0
	fi
	if [ -n "${P_FSDAX[$p]:-}" ]; then
		for c in "${FILESYSTEMS[@]}"; do echo "${P_FSDAX[$p]:-}" > "$res/$c.unsupported"; done
	fi
	userland=$work/userland-${K_ARCH[$k]}.cpio
	initramfs_userland_for "${K_ARCH[$k]}" "$userland"
	initramfs_modules "$k" "${K_CACHE[$k]}/modules.cpio"
	initramfs_config "$work/config.cpio" "$r"
	parts=("$userland" "${K_CACHE[$k]}/modules.cpio" "$work/config.cpio")
	if [ -n "${P_TRIXIE[$p]:-}" ]; then
		initramfs_trixie "${P_TRIXIE[$p]}" "$work/trixie-$p.cpio"
		parts+=("$work/trixie-$p.cpio")
	fi
	if [ "$VM_MODE" = bench ]; then
		bench_part "$work/bench.cpio"
		parts+=("$work/bench.cpio")
	fi
	cat "${parts[@]}" > "$initrd"
	log "$r: booting ${K_REL[$k]} (${K_ARCH[$k]}, ${K_KIND[$k]}) on ${P_DESC[$p]}"
	guest_boot "$r" "$res" "$initrd"
	# --shell, --bench: the one boot.
	[ "$VM_MODE" = run ] || return 0
	for c in "${ALONE[@]}"; do
		_selected "$c" || continue
		[ "$c" != "$(last_check "$r")" ] || continue
		d=$res/alone-${c##*/}
		mkdir -p "$d"
		log "$r: a boot of its own for $c"
		# Setup, one check (at most 60 s) and a margin: a wedged kernel
		# should not cost the whole guest limit.
		VM_TIMEOUT=$((VM_TIMEOUT < 150 ? VM_TIMEOUT : 150)) \
			guest_boot "$r" "$d" "$initrd" "zdcheck.only=$c"
		# The marker lib/verdict.sh reads, written after the boot: a boot
		# that crashed and was retried moved all it found into try1/.
		echo "$c" > "$d/only"
	done
	rm -f "$initrd"
}

# last_check RUN: LAST (lib/common.sh) if the main boot of RUN runs it at
# its end instead of a boot of its own: the check mode, selected, on nfit
# (whose device-dax namespace is not the fs-dax ones'; a single region is
# made fs-dax after the device-dax checks).
last_check() {
	[ -n "$LAST" ] && [ "$VM_MODE" = run ] && [ "$(run_provider "$1")" = nfit ] &&
		_selected "$LAST" && echo "$LAST"
	return 0
}

# _matrix_summary RUN: one line: release, provider, guest time (all its
# boots), and "ok" or why a boot did not run to the end; 1 if one did not.
# A boot of its own that died in its check is that check's FAIL
# (lib/verdict.sh), not the test bed's; a skipped run is its reason.
_matrix_summary() {
	local r=$1 res=$OUTDIR/$1 ms d c v why retried='' k
	k=$(run_kernel "$r")
	why=$(results_unsupported "$res")
	if [ -n "$why" ]; then
		printf '%-12s %-24s skipped: %s\n' "$r" "${K_REL[$k]}" "$why"
		return 0
	fi
	ms=$(results_boot_ms "$res")
	why=$(results_verdict "$res")
	# Dead in its last check (last_check): that check's FAIL, as below.
	c=$(last_check "$r")
	[ -z "$c" ] || ! results_died_in "$res" "$c" || why=''

	! results_retried "$res" ||
		retried=" (boot crash on the first try, see $r/try1/console.log)"
	while read -r c d; do
		ms=$((ms + $(results_boot_ms "$d")))
		results_died_in "$d" "$c" && continue
		v=$(results_verdict "$d")
		[ -z "$v" ] || why="${why:+$why; }$c boot: $v"
	done < <(results_alone "$res")
	printf '%-12s %-24s guest %3d.%d s  %s\n' "$r" "${K_REL[$k]}" \
		$((ms / 1000)) $((ms % 1000 / 100)) "${why:-ok}$retried"
	[ -z "$why" ]
}

# _selected CHECK: whether ZDCHECK-ARGS (-t/-x globs) leave CHECK in.
_selected() {
	local i a in=1
	for ((i = 0; i < ${#ZDCHECK_ARGS[@]}; i++)); do
		a=${ZDCHECK_ARGS[i]}
		case $a in
		-t|--test)	[ "$in" = 1 ] && in=0
				# shellcheck disable=SC2053 # a glob on purpose
				[[ $1 == ${ZDCHECK_ARGS[i + 1]:-} ]] && in=2; i=$((i + 1)) ;;
		-x|--exclude)	# shellcheck disable=SC2053
				[[ $1 == ${ZDCHECK_ARGS[i + 1]:-} ]] && return 1; i=$((i + 1)) ;;
		esac
	done
	[ "$in" != 0 ]
}
