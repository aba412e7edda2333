# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The data-safety pass the main boot of every kernel runs after its checks
# (guest/safety: crafted journals, kill -9, a second run, | head -1,
# SIGHUP, each judged by the device against a snapshot).  Sourced;
# uses KERNELS from tests/vm/run.  ZDCHECK_VM_SAFETY=0 leaves it out.

VM_SAFETY=${ZDCHECK_VM_SAFETY:-1}

# safety_check OUTDIR: prints each kernel's safety results; returns 1 if a
# step failed or a guest that reached it wrote no complete result.
safety_check() {
	local out=$1 k f ok total rc=0
	[ "$VM_SAFETY" = 1 ] || return 0
	for k in "${KERNELS[@]}"; do
		# Not booted: the matrix says why.
		[ -z "$(results_unsupported "$out/$k")" ] || continue
		f=$out/$k/safety.tap
		if ! grep -q '^1\.\.[0-9]' "$f" 2>/dev/null; then
			echo "safety $k: no complete result ($f)"
			rc=1
			continue
		fi
		total=$(sed -n 's/^1\.\.//p' "$f")
		ok=$(grep -c '^ok ' "$f")
		echo "safety $k: $ok of $total ok"
		grep '^not ok ' "$f" | sed 's/^/    /'
		[ "$ok" = "$total" ] || rc=1
	done
	return $rc
}
