# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The matrix mode of tests/vm/run (and --shell): per kernel, the main boot
# (devdax, the filesystems, the data-safety pass) and a boot of its own for
# each check of ALONE, then the verdict (lib/verdict.sh) and one summary
# line per kernel.  Sourced; reads KERNELS, OUTDIR, ZDCHECK_ARGS, ALONE,
# STANDIN and work (the run's scratch directory, holding userland.cpio).

# matrix_run: boot every kernel, print the matrix and the verdict; 0 if
# every guest ran and every result matches its expectation.
matrix_run() {
	local k t0 rc=0 ms
	t0=$(date +%s%N)
	for k in "${KERNELS[@]}"; do
		_matrix_boots "$k"
		[ "$VM_MODE" = shell ] && return 0
	done
	echo
	for k in "${KERNELS[@]}"; do echo "$k: $(results_kernel "$OUTDIR/$k")"; done
	matrix_print "$OUTDIR" || rc=1
	expectations_check "$OUTDIR" || rc=1
	[ -n "$STANDIN" ] || safety_check "$OUTDIR" || rc=1
	for k in "${KERNELS[@]}"; do
		_matrix_summary "$k" || rc=1
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf 'total %d.%d s; results in %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$OUTDIR"
	[ $rc -eq 0 ] && echo "vm: all results match expectations" || echo "vm: FAILED"
	return $rc
}

# _matrix_boots KERNEL: its main boot into OUTDIR/KERNEL/, then a boot of
# its own for each selected check of ALONE into alone-NAME/ there.
# shellcheck disable=SC2154 # work: tests/vm/run's scratch directory
_matrix_boots() {
	local k=$1 res=$OUTDIR/$1 c d initrd=$work/initrd-$1
	kernel_prepare "$k"
	rm -rf "$res" && mkdir -p "$res"
	initramfs_modules "$k" "${K_CACHE[$k]}/modules.cpio"
	initramfs_config "$work/config.cpio" "$k"
	cat "$work/userland.cpio" "${K_CACHE[$k]}/modules.cpio" "$work/config.cpio" > "$initrd"
	log "kernel $k: booting ${K_REL[$k]} (${K_KIND[$k]})"
	guest_boot "$k" "$res" "$initrd"
	[ "$VM_MODE" = shell ] && return 0
	kernel_describe "$k" > "$res/kernel"
	for c in "${ALONE[@]}"; do
		_selected "$c" || continue
		d=$res/alone-${c##*/}
		mkdir -p "$d"
		log "kernel $k: a boot of its own for $c"
		# Setup, one check (at most 60 s) and a margin: a wedged kernel
		# should not cost the whole guest limit.
		VM_TIMEOUT=$((VM_TIMEOUT < 150 ? VM_TIMEOUT : 150)) \
			guest_boot "$k" "$d" "$initrd" "zdcheck.only=$c"
		# The marker lib/verdict.sh reads, written after the boot: a boot
		# that crashed and was retried moved all it found into try1/.
		echo "$c" > "$d/only"
	done
	rm -f "$initrd"
}

# _matrix_summary KERNEL: one line: release, guest time (all its boots),
# and "ok" or why a boot did not run to the end; 1 if one did not.  A boot
# of its own that died in its check is that check's FAIL (lib/verdict.sh),
# not the test bed's.
_matrix_summary() {
	local k=$1 res=$OUTDIR/$1 ms d c v why retried=''
	ms=$(results_boot_ms "$res")
	why=$(results_verdict "$res")
	! results_retried "$res" ||
		retried=" (boot crash on the first try, see $k/try1/console.log)"
	while read -r c d; do
		ms=$((ms + $(results_boot_ms "$d")))
		[ "$(results_status "$d")" = tests ] &&
			[ "$(results_last_check "$d")" = "$c" ] && continue
		v=$(results_verdict "$d")
		[ -z "$v" ] || why="${why:+$why; }$c boot: $v"
	done < <(results_alone "$res")
	printf 'kernel %-4s %-24s guest %3d.%d s  %s\n' "$k" "${K_REL[$k]}" \
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
