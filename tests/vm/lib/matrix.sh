# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Read the guests' JSON reports: print the check x (kernel, target) matrix
# and compare failures with tests/vm/expected/<kernel>.  Sourced; uses
# KERNELS and FILESYSTEMS from tests/vm/run.

_targets() { printf '%s\n' devdax "${FILESYSTEMS[@]}"; }

# _reports OUTDIR KERNEL: "target file" for each report a kernel's guests
# wrote: the main boot's, then the boots of their own (ALONE, devdax).
_reports() {
	local out=$1 k=$2 t d
	for t in $(_targets); do
		# devdax-teardown.json: the destructive pass the guest runs last.
		echo "$t $out/$k/$t.json"
		echo "$t $out/$k/$t-teardown.json"
	done
	for d in "$out/$k"/alone-*/; do
		[ -e "$d/only" ] && echo "devdax ${d}devdax.json"
	done
}

# _died DIR: "target check" for a guest that died or hung during the tests
# in a check it did not report: a FAIL of that check.  fs-dax checks ran on
# the first filesystem without an exit code.
_died() {
	local c t=devdax fs
	[ "$(cat "$1/status" 2>/dev/null)" = tests ] || return 0
	c=$(guest_last_check "$1")
	[ -n "$c" ] || return 0
	jq -e --arg c "$c" '.checks[]? | select(.name == $c)' "$1"/*.json >/dev/null 2>&1 &&
		return 0
	if [ "${c%%/*}" = fsdax ]; then
		for fs in "${FILESYSTEMS[@]}"; do
			[ -e "$1/$fs.rc" ] || { t=$fs; break; }
		done
	fi
	echo "$t $c"
}

# _results OUTDIR: one TSV line per check: kernel, target, name, status, the
# first measured value as key=value and, when the check reports it later,
# fault_size=N too (what a -pmd check's name claims: the size its pin's page
# was mapped at) ("died" for a guest that died in it), how many attempts
# the runner made ("?" for a death).
# Unreadable reports are left out here and reported by matrix_print.
_results() {
	local out=$1 k t f d c
	for k in "${KERNELS[@]}"; do
		while read -r t f; do
			[ -s "$f" ] || continue
			jq -r --arg k "$k" --arg t "$t" '.checks[]? |
				[$k, $t, .name, .status,
				 ((.values // {}) | to_entries |
				  [(first // empty), (.[1:][] | select(.key == "fault_size"))] |
				  map("\(.key)=\(.value | tostring)") | join(" ")),
				 (.values.attempts // 1)] |
				@tsv' "$f" 2>/dev/null || true
		done < <(_reports "$out" "$k")
		for d in "$out/$k" "$out/$k"/alone-*; do
			[ -d "$d" ] || continue
			read -r t c < <(_died "$d") || continue
			printf '%s\t%s\t%s\tfail\tdied\t?\n' "$k" "$t" "$c"
		done
	done
}

# matrix_print OUTDIR: the matrix, then every report problem; 1 if any.
matrix_print() {
	local out=$1 k t f rc problems=0
	local -a cols=() dead=()
	for k in "${KERNELS[@]}"; do
		for t in $(_targets); do cols+=("$k/$t"); done
		[ "$(cat "$out/$k/status" 2>/dev/null)" = "done" ] || dead+=("$k")
	done
	echo
	# A guest that did not finish shows "died" where it has no result.
	_results "$out" | awk -F'\t' -v cols="${cols[*]}" -v dead=" ${dead[*]} " '
		BEGIN { nc = split(cols, col, " "); w0 = length("check") }
		{
			if (!($3 in seen)) { seen[$3] = 1; row[++nr] = $3 }
			cell[$3, $1 "/" $2] = toupper($4) ($5 != "" ? " " $5 : "")
			if (length($3) > w0) w0 = length($3)
		}
		END {
			for (c = 1; c <= nc; c++) {
				w[c] = length(col[c])
				for (r = 1; r <= nr; r++)
					if (length(cell[row[r], col[c]]) > w[c])
						w[c] = length(cell[row[r], col[c]])
			}
			printf "%-" w0 "s", "check"
			for (c = 1; c <= nc; c++) printf "  %-" w[c] "s", col[c]
			printf "\n"
			for (r = 1; r <= nr; r++) {
				printf "%-" w0 "s", row[r]
				for (c = 1; c <= nc; c++) {
					v = cell[row[r], col[c]]
					k = col[c]; sub(/\/.*/, "", k)
					# devdax/* checks belong to devdax, fsdax/* to ext4, xfs
					t = col[c]; sub(/.*\//, "", t)
					mine = (row[r] ~ /^devdax\//) == (t == "devdax")
					if (v == "") v = (mine && index(dead, " " k " ")) ? "died" : "-"
					printf "  %-" w[c] "s", v
				}
				printf "\n"
			}
			if (nr == 0) print "(no results)"
		}'
	echo
	# The report and the exit code must tell the same story (zdcheck's
	# contract: 0 all passed, 1 a check failed).
	local base fails
	for k in "${KERNELS[@]}"; do
		while read -r t f; do
			# A guest that did not finish is reported by its verdict.
			[ "$(cat "${f%/*}/status" 2>/dev/null)" = "done" ] || continue
			base=${f#"$out/$k/"} base=${base%.json}
			[ "$base" = "$t" ] || [ -e "${f%.json}.rc" ] || continue
			# ZDCHECK-ARGS selected none of this command's checks.
			[ -e "${f%.json}.skipped" ] && continue
			rc=$(cat "${f%.json}.rc" 2>/dev/null || echo none)
			if ! jq -e '.checks and .summary' "$f" >/dev/null 2>&1; then
				echo "PROBLEM $k $base: no valid JSON report (zdcheck exit $rc); stderr:"
				tail -n 5 "${f%.json}.stderr" 2>/dev/null | sed 's/^/    | /'
				problems=1
				continue
			fi
			fails=$(jq '.summary.fail' "$f")
			case $rc in
			0)	[ "$fails" -eq 0 ] || { echo "PROBLEM $k $base: exit 0 with $fails failed checks"; problems=1; } ;;
			1)	[ "$fails" -gt 0 ] || { echo "PROBLEM $k $base: exit 1 with no failed check"; problems=1; } ;;
			77)	# Fine when ZDCHECK-ARGS narrowed the selection.
				if [ ${#ZDCHECK_ARGS[@]} -eq 0 ]; then
					echo "PROBLEM $k $base: zdcheck could run nothing (exit 77) in a guest built for it"
					problems=1
				fi ;;
			*)	echo "PROBLEM $k $base: zdcheck exit $rc"; problems=1 ;;
			esac
		done < <(_reports "$out" "$k")
	done
	return $problems
}

# _expected KERNEL: "name target how" lines from tests/vm/expected/KERNEL;
# how is "intermittent" for a kernel failure that does not show every run
# (a race in the kernel), else "always".
_expected() {
	local f=$VM_DIR/expected/$1
	[ -e "$f" ] || return 0
	sed 's/#.*//' "$f" | awk 'NF >= 2 { print $1, $2, ($3 == "intermittent" ? $3 : "always") }'
}

# expectations_check OUTDIR: 1 on a new failure or an expected failure that
# now passes (unless intermittent).  An expected failure that was skipped or
# not run is only noted.
expectations_check() {
	local out=$1 bad=0 k t name status exp how
	local all
	all=$(_results "$out")
	for k in "${KERNELS[@]}"; do
		exp=$(_expected "$k")
		while IFS=$'\t' read -r _ t name status _; do
			# An error (zdcheck could not set a check up) is never expected.
			[ "$status" = fail ] || [ "$status" = error ] || continue
			if [ "$status" = fail ] && grep -q "^$name $t " <<<"$exp"; then
				echo "expected failure: $k $t $name"
			else
				echo "NEW FAILURE: $k $t $name"
				bad=1
			fi
		done < <(awk -F'\t' -v k="$k" '$1 == k' <<<"$all")
		while read -r name t how; do
			[ -n "$name" ] || continue
			status=$(awk -F'\t' -v k="$k" -v t="$t" -v n="$name" \
				'$1 == k && $2 == t && $3 == n { print $4 }' <<<"$all")
			case $status/$how in
			fail/*)	;;
			pass/intermittent)
				echo "note: intermittent expected failure did not show this run: $k $t $name" ;;
			pass/*)	echo "EXPECTED FAILURE NOW PASSES: $k $t $name (update tests/vm/expected/$k)"
				bad=1 ;;
			*)	echo "note: expected failure not run: $k $t $name (${status:-missing})" ;;
			esac
		done <<<"$exp"
	done
	return $bad
}
