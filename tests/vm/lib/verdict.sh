# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The verdict: read what the guests wrote, print the check x (kernel,
# target) matrix, compare the failures with the expectations
# (tests/vm/expected/) and judge the mutant boots.  Sourced; nothing here
# boots a guest or writes a result, and tests/vm/test-verdict.sh runs it on
# the canned results of tests/vm/testdata/verdict/.  Every function answers
# on stdout and by its exit status; none sets a global.
#
# Read from the caller (tests/vm/run, compare-runs, the test):
#   RUNS             the runs, by key (a kernel's KEY with the nfit provider,
#                    KEY@PROVIDER with another, lib/providers.sh): OUTDIR/RUN/
#                    holds each one's results
#   FILESYSTEMS      the fs-dax targets (ext4, xfs)
#   MATRIX_TARGETS   the targets each kernel ran, if not devdax and
#                    FILESYSTEMS (the mutant mode's boots ran fs-dax only)
#   ZDCHECK_ARGS     zdcheck's arguments: without any, exit 77 is a problem
#   EXPECT_FILE[KEY] kernel KEY's expectations, if not $VM_DIR/expected/KEY
#                    (the same for every provider, except entries whose
#                    TARGET says @PROVIDER)
#   VM_DIR           tests/vm (lib/common.sh)
# It reads the results directories only through lib/guest.sh's results_*
# readers, which know their layout.

# _targets: the targets of each kernel's matrix columns.
_targets() {
	if [ -n "${MATRIX_TARGETS[*]:-}" ]; then
		printf '%s\n' "${MATRIX_TARGETS[@]}"
	else
		printf '%s\n' devdax "${FILESYSTEMS[@]}"
	fi
}

# _died DIR: "target check" for a guest that died or hung during the tests
# in a check it did not report: a FAIL of that check.  fs-dax checks ran on
# the first filesystem without an exit code.
_died() {
	local c t=devdax fs
	[ "$(results_status "$1")" = tests ] || return 0
	c=$(results_last_check "$1")
	[ -n "$c" ] || return 0
	results_reported "$1" "$c" && return 0
	if [ "${c%%/*}" = fsdax ]; then
		for fs in "${FILESYSTEMS[@]}"; do
			results_ended "$(results_report "$1" "$fs")" || { t=$fs; break; }
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
	for k in "${RUNS[@]}"; do
		while read -r t f; do
			[ -s "$f" ] || continue
			jq -r --arg k "$k" --arg t "$t" '.checks[]? |
				[$k, $t, .name, .status,
				 ((.values // {}) | to_entries |
				  [(first // empty), (.[1:][] | select(.key == "fault_size"))] |
				  map("\(.key)=\(.value | tostring)") | join(" ")),
				 (.values.attempts // 1)] |
				@tsv' "$f" 2>/dev/null || true
		done < <(results_reports "$out/$k")
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
	local -a cols=() dead=() skipped=()
	local why
	for k in "${RUNS[@]}"; do
		for t in $(_targets); do
			cols+=("$k/$t")
			why=$(results_unsupported "$out/$k" "$t")
			[ -z "$why" ] || skipped+=("$k/$t")
		done
		[ -n "$(results_unsupported "$out/$k")" ] ||
			[ "$(results_status "$out/$k")" = "done" ] || dead+=("$k")
	done
	echo
	# A guest that did not finish shows "died" where it has no result.
	# A target the run cannot do (its provider cannot, or its kernel cannot
	# do the provider) shows "skip" in its own checks' cells.
	_results "$out" | awk -F'\t' -v cols="${cols[*]}" -v dead=" ${dead[*]} " \
		-v skipped=" ${skipped[*]} " '
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
					if (v == "" && mine && index(skipped, " " col[c] " ")) v = "skip"
					if (v == "") v = (mine && index(dead, " " k " ")) ? "died" : "-"
					printf "  %-" w[c] "s", v
				}
				printf "\n"
			}
			if (nr == 0) print "(no results)"
		}'
	# Why: one line for a run its kernel cannot do, else one per target.
	for k in "${RUNS[@]}"; do
		why=$(results_unsupported "$out/$k")
		if [ -n "$why" ]; then
			echo "$k: SKIP: $why"
			continue
		fi
		for t in $(_targets); do
			why=$(results_unsupported "$out/$k" "$t")
			[ -z "$why" ] || echo "$k/$t: SKIP: $why"
		done
	done
	echo
	# The report and the exit code must tell the same story (zdcheck's
	# contract: 0 all passed, 1 a check failed).
	local base fails
	for k in "${RUNS[@]}"; do
		while read -r t f; do
			# A guest that did not finish is reported by its verdict, a
			# target the run cannot do above.
			[ "$(results_status "$(results_dir "$f")")" = "done" ] || continue
			[ -z "$(results_unsupported "$out/$k" "$t")" ] || continue
			base=${f#"$out/$k/"} base=${base%.json}
			[ "$base" = "$t" ] || results_ended "$f" || continue
			# ZDCHECK-ARGS selected none of this command's checks.
			results_skipped "$f" && continue
			rc=$(results_rc "$f")
			if ! jq -e '.checks and .summary' "$f" >/dev/null 2>&1; then
				echo "PROBLEM $k $base: no valid JSON report (zdcheck exit $rc); stderr:"
				results_stderr_tail "$f" | sed 's/^/    | /'
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
		done < <(results_reports "$out/$k")
	done
	return $problems
}

# The hook for kernels named elsewhere (tests/vm/run --expect FILE, a kernel
# built by the user): EXPECT_FILE[KEY] is kernel KEY's expectations file.
declare -p EXPECT_FILE >/dev/null 2>&1 || declare -gA EXPECT_FILE=()

# _expected RUN: "name target how" lines from the expectations of RUN's
# kernel (EXPECT_FILE[KERNEL], else tests/vm/expected/KERNEL; none, none
# expected) that hold for RUN's provider: a TARGET of ext4 holds for every
# provider, ext4@virtio or ext4@e820,cxl only for those named.  how is
# "intermittent" for a kernel failure that does not show every run (a race
# in the kernel), else "always".  Returns 99, with a message naming the
# file and line, on an entry that is not "CHECKNAME TARGET[@PROVIDER,...]
# [intermittent] DIAGNOSIS" or whose DIAGNOSIS tests/vm/expected/diagnoses
# does not define (once).
_expected() {
	local k=${1%@*} p=nfit diag=$VM_DIR/expected/diagnoses f
	[ "$k" = "$1" ] || p=${1#*@}
	f=${EXPECT_FILE[$k]:-}
	if [ -z "$f" ]; then
		f=$VM_DIR/expected/$k
		[ -e "$f" ] || return 0
	elif [ ! -e "$f" ]; then
		echo "vm: error: no expectations file $f for kernel $k" >&2
		return 99
	fi
	[ -s "$diag" ] || { echo "vm: error: no diagnoses in $diag" >&2; return 99; }
	awk -v diag="$diag" -v prov="$p" '
		function bad(msg) {
			printf "vm: error: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
			failed = 1
			exit 99
		}
		# The diagnoses: a name at the start of a line, then its
		# paragraph, continued on indented lines.
		NR == FNR {
			if ($0 ~ /^[^ \t#]/) {
				if ($1 in defined) bad("diagnosis " $1 " defined twice")
				defined[$1] = 1
			}
			next
		}
		{ sub(/#.*/, "") }
		NF == 0 { next }
		{
			how = "always"
			d = $3
			if (NF == 4 && $3 == "intermittent") { how = $3; d = $4 }
			else if (NF != 3) bad("not CHECKNAME TARGET[@PROVIDER,...] [intermittent] DIAGNOSIS: " $0)
			if (!(d in defined)) bad("diagnosis " d " is not defined in " diag)
			t = $2
			if (split(t, tp, "@") == 2) {
				t = tp[1]
				if (index("," tp[2] ",", "," prov ",") == 0) next
			}
			print $1, t, how
		}
		END { if (failed) exit 99 }' "$diag" "$f"
}

# expectations_valid KERNEL: KERNEL's expectations parse (else 99 and a
# line naming the file and line), checked before anything boots.
expectations_valid() { _expected "$1" > /dev/null; }

# expectations_check OUTDIR: 1 on a new failure or an expected failure that
# now passes (unless intermittent).  An expected failure that was skipped or
# not run is only noted.  Exits 99 on a bad expectations file.
expectations_check() {
	local out=$1 bad=0 k t name status exp how
	local all
	all=$(_results "$out")
	for k in "${RUNS[@]}"; do
		exp=$(_expected "$k") || exit 99
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
			# A target its provider does not have (ext4 on cxlram) never
			# runs, nor does a run the bed skipped: the matrix says why.
			[ -e "$out/$k/$t.unsupported" ] || [ -e "$out/$k/skipped" ] && continue
			status=$(awk -F'\t' -v k="$k" -v t="$t" -v n="$name" \
				'$1 == k && $2 == t && $3 == n { print $4 }' <<<"$all")
			case $status/$how in
			fail/*)	;;
			pass/intermittent)
				echo "note: intermittent expected failure did not show this run: $k $t $name" ;;
			pass/*)	echo "EXPECTED FAILURE NOW PASSES: $k $t $name (update ${EXPECT_FILE[${k%@*}]:-tests/vm/expected/${k%@*}})"
				bad=1 ;;
			*)	echo "note: expected failure not run: $k $t $name (${status:-missing})" ;;
			esac
		done <<<"$exp"
	done
	return $bad
}

# mutant_rows OUTDIR KERNEL MUTANT REGEX: one TSV line per filesystem of
# the boot OUTDIR/KERNEL/MUTANT/: kernel, mutant, fs, verdict, checks,
# diagnosis.  A check catches the mutant when it fails (or errs) with the
# mutant loaded, passed in the clean boot (OUTDIR/KERNEL/clean/), is not an
# expected failure of that kernel, and says what REGEX (an extended regex,
# lib/mutants.sh's MUTANT_DIAG) expects; checks that fail otherwise make
# the verdict WRONG-DIAG.  Exits 99 on a bad expectations file.
mutant_rows() {
	local k=$2 m=$3 re=$4 fs d=$1/$2/$3 clean=$1/$2/clean
	local hits caught diag last status failed exp r
	exp=$(_expected "$k") || exit 99
	hits=$(results_hits "$d")
	status=$(results_status "$d")
	for fs in "${FILESYSTEMS[@]}"; do
		caught='' diag='' r=$(results_report "$d" "$fs")
		if [ -s "$r" ]; then
			# A check that fails on this kernel anyway (expected/<kernel>)
			# proves nothing about the mutant, even if it passed clean.
			caught=$(jq -r --slurpfile c <(cat "$(results_report "$clean" "$fs")" 2>/dev/null || echo '{}') \
				--arg bad "$(awk -v t="$fs" '$2 == t { print $1 }' <<<"$exp")" '
				($bad | split("\n")) as $bad |
				[($c[0].checks // [])[] | select(.status == "pass") | .name |
					select(. as $n | $bad | index($n) | not)] as $ok |
				[.checks[] | select((.status == "fail" or .status == "error") and
					(.name as $n | $ok | index($n)))] |
				map(.name) | join(" ")' "$r" 2>/dev/null)
			failed=$caught
			{ IFS= read -r caught; IFS= read -r diag; } < \
				<(_mutant_diag "$r" "$re" "$failed")
			if [ -n "$failed" ] && [ -z "$caught" ]; then
				# What they said instead: the first failed check's reason.
				{ read -r _; IFS= read -r diag; } < <(_mutant_diag "$r" . "$failed")
				printf '%s\t%s\t%s\tWRONG-DIAG\t%s\t%s (expected /%s/; mutant fired %s times)\n' \
					"$k" "$m" "$fs" "$failed" "$diag" "$re" "$hits"
				continue
			fi
		fi
		if [ -z "$caught" ] && [ "$status" != "done" ] && ! results_ended "$r"; then
			# The guest died or hung before this filesystem's report:
			# caught only if the test bed can name the check it died in.
			last=$(results_last_check "$d")
			if [ "$status" = tests ] && [ -n "$last" ] &&
				{ results_started "$r" || [ "$fs" = "${FILESYSTEMS[0]}" ]; }; then
				caught="$last (guest died)"
				diag=$(results_oops "$d")
				diag="${diag:-$(results_verdict "$d")}"
			fi
		fi
		if [ -n "$caught" ]; then
			printf '%s\t%s\t%s\tcaught\t%s\t%s (mutant fired %s times)\n' "$k" "$m" "$fs" "$caught" "$diag" "$hits"
		elif [ "$status" != "done" ] && ! results_started "$r"; then
			# Never reached: neither caught nor missed, and not a pass.
			printf '%s\t%s\t%s\tNOT-RUN\t-\t%s\n' "$k" "$m" "$fs" "$(results_verdict "$d")"
		else
			last=$(results_verdict "$d")
			printf '%s\t%s\t%s\tMISSED\t-\tmutant fired %s times; %s\n' "$k" "$m" "$fs" \
				"$hits" "${last:-the guest finished}"
		fi
	done
}

# _mutant_diag JSON REGEX "CHECK...": of the CHECKs in zdcheck's report
# JSON, those whose reason or "also:" evidence matches REGEX, on one line,
# and the first matching text on the next.
_mutant_diag() {
	jq -r --arg re "$2" --arg names "$3" '
		($names | split(" ")) as $n |
		[.checks[] | select(.name as $c | $n | index($c)) |
			{name, text: ([.reason // ""] + [(.evidence // [])[] |
				select(startswith("also: ")) | ltrimstr("also: ")] |
				map(select(test($re))))} | select(.text | length > 0)] |
		(map(.name) | join(" ")), (.[0].text[0] // "")' "$1" 2>/dev/null
}

# mutant_stress_row OUTDIR KERNEL MUTANT REGEX FS [BOOT]: the row of zdcheck
# stress on FS in that mutant's boot (OUTDIR/KERNEL/BOOT/stress-FS.json,
# BOOT by default MUTANT),
# as mutant_rows' lines with "stress:FS" for the target: caught when the
# run failed with a reason, or an evidence line, that matches REGEX, and
# the clean boot's run passed (else a failure proves nothing about the
# mutant).
mutant_stress_row() {
	local k=$2 m=$3 re=$4 fs=$5 d=$1/$2/${6:-$3} clean=$1/$2/clean j status secs text
	j=$d/stress-$fs.json
	if [ "$(jq -r '.checks[0].status // ""' "$clean/stress-$fs.json" 2>/dev/null)" != pass ]; then
		printf '%s	%s	stress:%s	NOT-RUN	-	the clean boot'"'"'s stress run did not pass: %s\n' \
			"$k" "$m" "$fs" "$(jq -r '.checks[0].reason // "no report"' "$clean/stress-$fs.json" 2>/dev/null || echo "no report")"
		return
	fi
	status=$(jq -r '.checks[0].status // ""' "$j" 2>/dev/null)
	if [ -z "$status" ]; then
		printf '%s	%s	stress:%s	NOT-RUN	-	no report: %s\n' "$k" "$m" "$fs" "$(results_verdict "$d")"
		return
	fi
	secs=$(jq -r '.checks[0].duration_us / 1000000 | floor' "$j")
	text=$(jq -r --arg re "$re" '.checks[0] | [.reason // ""] + (.evidence // []) |
		map(select(test($re))) | .[0] // ""' "$j")
	if [ "$status" = fail ] && [ -n "$text" ]; then
		printf '%s	%s	stress:%s	caught	stress/fsdax in %s s	%s\n' "$k" "$m" "$fs" "$secs" "$text"
	elif [ "$status" = fail ] || [ "$status" = error ]; then
		printf '%s	%s	stress:%s	WRONG-DIAG	stress/fsdax in %s s	%s (expected /%s/)\n' \
			"$k" "$m" "$fs" "$secs" "$(jq -r '.checks[0].reason' "$j")" "$re"
	else
		printf '%s	%s	stress:%s	MISSED	-	%s s of stress passed\n' "$k" "$m" "$fs" "$secs"
	fi
}

# mutant_table ROWS: the table of mutant_rows' lines in file ROWS; 1 if a
# mutant was not caught, or none ran. "not-seen" is a row allowed to miss:
# the checks' rows of a mutant that misbehaves only now and then.
mutant_table() {
	awk -F'\t' '
		{ n++; k[n] = $1; m[n] = $2; f[n] = $3; v[n] = $4; c[n] = $5; g[n] = $6
		  if ($4 != "caught" && $4 != "not-seen") bad = 1 }
		END {
			printf "%-7s %-13s %-11s %-10s %s\n", "kernel", "mutant", "fs", "verdict", "caught by / diagnosis"
			for (i = 1; i <= n; i++) {
				printf "%-7s %-13s %-11s %-10s %s\n", k[i], m[i], f[i], v[i], c[i]
				printf "%-7s %-13s %-11s %-10s   %s\n", "", "", "", "", g[i]
			}
			if (n == 0) print "(no mutant ran)"
			exit bad || n == 0
		}' "$1"
}
