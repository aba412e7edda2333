# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The stress mode of tests/vm/run (--stress SECONDS): each kernel's guest
# on nfit, set up as for the checks, runs zdcheck stress for SECONDS on its
# device-dax device and on each filesystem instead of the checks
# (guest/stress), with the ZDCHECK-ARGS stress takes (both kinds must take
# them: --wake-limit is fs-dax's only).  Results in OUTDIR/RUN/stress-FS.*, then one
# line per run: verdict, operations, pins, waits, rates and the reason.
# A run that failed is judged against expected/stress: a known kernel bug
# when its kernel, target and reason match a line there.  Sourced.

STRESS_S=
# -t's default for this mode unless given: guest.sh's is for the checks.
_stress_timeout_default=$VM_TIMEOUT

# stress_line RES FS: the table's line for one run's results.
stress_line() {
	local res=$1 fs=$2 j=$1/stress-$2.json rc
	rc=$(cat "$res/stress-$fs.rc" 2>/dev/null || echo -)
	if [ ! -s "$j" ]; then
		printf '%-8s %-5s %-6s %s\n' "${res##*/}" "$fs" "rc=$rc" \
			"no report: $(tail -n 1 "$res/stress-$fs.stderr" 2>/dev/null)"
		return
	fi
	jq -r --arg k "${res##*/}" --arg fs "$fs" --arg rc "$rc" '.checks[0] as $c |
		($c.values // {}) as $v |
		[$k, $fs, $c.status, ($v.ops // 0), ($v.ops_per_s // 0), ($v.pins // 0),
		 ($v.pins_per_s // 0), ($v.waits // 0), ($v.verified_kb // 0),
		 ($v.violations // 0), "rc=" + $rc, ($c.reason // "")] |
		@tsv' "$j" | awk -F'\t' '{ printf "%-8s %-5s %-5s %8s %6s %7s %6s %6s %10s %4s %-5s %s\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
}

# stress_known KERNEL FS TEXT: the diagnosis expected/stress gives a
# failure of this kernel and target whose reason and evidence are TEXT.
stress_known() {
	local k=$1 fs=$2 reason=$3 ek et diag sig
	while read -r ek et diag sig; do
		if [ "$ek" != "$k" ] || [ "$et" != "$fs" ]; then continue; fi
		_stress_match "$sig" "$reason" && { echo "$diag"; return 0; }
	done < <(sed 's/#.*//; /^[[:space:]]*$/d' "$VM_DIR/expected/stress")
	return 1
}

# _stress_match PATTERNS TEXT: TEXT has a line matching each of PATTERNS
# (extended regular expressions joined by " && ").
_stress_match() {
	local rest=$1 p
	while [ -n "$rest" ]; do
		p=${rest%% && *}
		if [ "$p" = "$rest" ]; then rest=''; else rest=${rest#* && }; fi
		grep -qE -- "$p" <<<"$2" || return 1
	done
	return 0
}

# stress_valid: every diagnosis of expected/stress is defined.
stress_valid() {
	local _k _t diag _p
	while read -r _k _t diag _p; do
		grep -q "^$diag\b" "$VM_DIR/expected/diagnoses" ||
			die "expected/stress: diagnosis $diag is not defined in expected/diagnoses"
	done < <(sed 's/#.*//; /^[[:space:]]*$/d' "$VM_DIR/expected/stress")
}

# stress_run: one boot per kernel (lib/matrix.sh _matrix_boots), then the
# table; 0 if every run ended with exit 0.
stress_run() {
	local k r fs ok=0 status reason diag
	stress_valid
	# Setup, each filesystem's run and the report, with room for a slow host.
	[ "$VM_TIMEOUT" != "$_stress_timeout_default" ] ||
		VM_TIMEOUT=${ZDCHECK_VM_TIMEOUT:-$((120 + 2 * STRESS_S * (1 + ${#FILESYSTEMS[@]})))}
	for k in "${KERNELS[@]}"; do
		r=$(run_key "$k" nfit)
		_matrix_boots "$r"
	done
	printf '%-8s %-5s %-5s %8s %6s %7s %6s %6s %10s %4s %-5s %s\n' kernel fs verdict ops \
		ops/s pins pins/s waits "checked KiB" viol exit reason
	for k in "${KERNELS[@]}"; do
		r=$(run_key "$k" nfit)
		for fs in devdax "${FILESYSTEMS[@]}"; do
			stress_line "$OUTDIR/$r" "$fs"
			[ "$(cat "$OUTDIR/$r/stress-$fs.rc" 2>/dev/null)" = 0 ] && continue
			status=$(jq -r '.checks[0].status // "none"' "$OUTDIR/$r/stress-$fs.json" 2>/dev/null)
			# The reason and the evidence (what the operation in flight was).
			reason=$(jq -r '.checks[0] | (.reason // "") + "\n" + ((.evidence // []) | join("\n"))' \
				"$OUTDIR/$r/stress-$fs.json" 2>/dev/null)
			if [ "$status" = fail ] && diag=$(stress_known "$k" "$fs" "$reason"); then
				echo "  expected failure: $k $fs: $diag"
			else
				echo "  NEW FAILURE: $k $fs"
				ok=1
			fi
		done
	done
	return $ok
}
