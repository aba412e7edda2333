#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/compare-runs on made-up result directories: the same statuses
# pass, a changed status, a missing check and a retry are reported.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

# report DIR KERNEL FILE FSTYPE "NAME STATUS ATTEMPTS"...: a zdcheck JSON
# report with those checks; in an alone-* directory (a check's boot of its
# own) with tests/vm/run's marker naming the check.
report() {
	local dir=$1/$2 file=$3 fs=$4 c name status attempts
	shift 4
	mkdir -p "$(dirname "$dir/$file")"
	case $file in
	alone-*/*) read -r name _ <<<"$1"; echo "$name" > "$dir/${file%%/*}/only" ;;
	esac
	for c; do
		read -r name status attempts <<<"$c"
		jq -n --arg n "$name" --arg s "$status" --argjson a "$attempts" \
			'{name: $n, status: $s, values: (if $a > 1 then {attempts: $a} else {} end)}'
	done | jq -s --arg fs "$fs" '{target: {kind: (if $fs == "" then "devdax" else "fsdax" end),
		fstype: (if $fs == "" then null else $fs end)}, checks: .}' > "$dir/$file"
}

# expect WANT-RC WANT-GREP DIR...: compare-runs exits WANT-RC and prints a
# line matching WANT-GREP.
expect() {
	local rc=$1 want=$2 out got l
	shift 2
	out=$("$here/compare-runs" "$@" 2>&1)
	got=$?
	if [ "$got" != "$rc" ] || ! grep -q -- "$want" <<<"$out"; then
		echo "FAIL: compare-runs $*: rc $got (want $rc), output:"
		while IFS= read -r l; do echo "  | $l"; done <<<"$out"
		fails=$((fails + 1))
	fi
}

for r in a b c; do
	report "$work/$r" 7 ext4.json ext4 "fsdax/aio/truncate-0 pass 1" "fsdax/aio/evict fail 1"
	report "$work/$r" 7 alone-disable-aio/devdax.json "" "devdax/teardown/disable-aio fail 1"
done
expect 0 "3 checks in 3 runs: 0 changed" "$work/a" "$work/b" "$work/c"

# A retry is reported, but the result did not change.
report "$work/c" 7 ext4.json ext4 "fsdax/aio/truncate-0 pass 1" "fsdax/aio/evict fail 2"
expect 0 "retried 7 ext4 fsdax/aio/evict: run3:2" "$work/a" "$work/b" "$work/c"

report "$work/c" 7 ext4.json ext4 "fsdax/aio/truncate-0 error 3" "fsdax/aio/evict fail 1"
expect 1 "CHANGED 7 ext4 fsdax/aio/truncate-0: pass pass error" "$work/a" "$work/b" "$work/c"
expect 1 "retried 7 ext4 fsdax/aio/truncate-0: run3:3" "$work/a" "$work/b" "$work/c"

report "$work/b" 7 alone-disable-aio/devdax.json "" "devdax/teardown/disable-aio pass 2"
expect 1 "retried 7 devdax devdax/teardown/disable-aio: run2:2" "$work/a" "$work/b"
expect 1 "CHANGED 7 devdax devdax/teardown/disable-aio: fail pass" "$work/a" "$work/b"

rm "$work/b/7/ext4.json"
expect 1 "CHANGED 7 ext4 fsdax/aio/evict: fail missing" "$work/a" "$work/b"

# Two builds of the user's kernel, one run each: compared by check, the
# release left out, and each run says which kernel it had.
report "$work/before" 6.12.0-zd ext4.json ext4 "fsdax/aio/truncate-0 pass 1" "fsdax/aio-pmd/truncate-0 pass 1"
report "$work/after" 6.12.0-zd-nowake ext4.json ext4 "fsdax/aio/truncate-0 pass 1" "fsdax/aio-pmd/truncate-0 fail 1"
echo "6.12.0-zd-nowake, tree /src/linux, git v6.12-1-gabc" > "$work/after/6.12.0-zd-nowake/kernel"
expect 1 "CHANGED ext4 fsdax/aio-pmd/truncate-0: pass fail" "$work/before" "$work/after"
expect 1 "run 2: .*6.12.0-zd-nowake, tree /src/linux, git v6.12-1-gabc" "$work/before" "$work/after"
expect 1 "2 checks in 2 runs: 1 changed" "$work/before" "$work/after"

expect 2 "usage" "$work/a"
expect 2 "no results directory" "$work/a" "$work/nonexistent"

[ $fails -eq 0 ] && echo "compare-runs: all cases pass"
exit $((fails > 0))
