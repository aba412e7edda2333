#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A check that cannot fail proves nothing. On a non-DAX filesystem the page
# cache does not wait for pinned pages, so with --allow-non-dax every
# change that must wait has to FAIL, and nothing may PASS.
set -u
zd=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-control.XXXXXX")
trap 'rm -rf "$dir"' EXIT

out=$("$zd" --allow-non-dax --format json -t 'fsdax/vmsplice/*' --hold 100 fsdax "$dir")
rc=$?
fails=0
if [ "$rc" != 1 ]; then
	echo "FAIL: exit status $rc, expected 1"
	fails=$((fails + 1))
fi
bad=$(jq -r '.checks[] | select(.status == "pass") | .name' <<<"$out")
if [ -n "$bad" ]; then
	echo "FAIL: passed on a non-DAX filesystem: $bad"
	fails=$((fails + 1))
fi
for m in truncate-0 truncate-mid punch-hole zero-range; do
	jq -e --arg n "fsdax/vmsplice/$m" '.checks[] | select(.name == $n) |
		.status == "fail" and (.reason | test("while the page was pinned"))' \
		<<<"$out" >/dev/null ||
		{ echo "FAIL: fsdax/vmsplice/$m did not fail the wait"; fails=$((fails + 1)); }
done
jq -e '.checks[] | select(.name == "fsdax/vmsplice/evict") |
	.status == "skip" and (.reason | test("not DAX"))' <<<"$out" >/dev/null ||
	{ echo "FAIL: evict on non-DAX was not 'not applicable'"; fails=$((fails + 1)); }
if [ -n "$(ls -A "$dir")" ]; then
	echo "FAIL: work directory left behind: $(ls -A "$dir")"
	fails=$((fails + 1))
fi
jq -r '.checks[] | "\(.status) \(.name): \(.reason)"' <<<"$out"

# stopped_by SIG CODE: a run that SIG ends in the middle exits CODE and
# leaves no work directory. Every signal that ends a run cleans up as
# Ctrl-C does, a hangup too.
stopped_by() {
	local pid rc
	"$zd" --allow-non-dax -t 'fsdax/vmsplice*' --hold 500 fsdax "$dir" >/dev/null 2>&1 &
	pid=$!
	sleep 1
	kill -"$1" "$pid"
	wait "$pid"
	rc=$?
	if [ "$rc" != "$2" ] || [ -n "$(ls -A "$dir")" ]; then
		echo "FAIL: SIG$1: exit status $rc (expected $2), left: $(ls -A "$dir")"
		fails=$((fails + 1))
	fi
}
stopped_by INT 130
stopped_by HUP 129
stopped_by TERM 143
# A reader that went away ("| head -1" is common use): SIGPIPE.
rcfile=$(mktemp)
line=$({ "$zd" --allow-non-dax -t 'fsdax/vmsplice*' --hold 100 fsdax "$dir" 2>/dev/null
	echo $? > "$rcfile"; } | head -1)
rc=$(cat "$rcfile")
rm -f "$rcfile"
if [ "$rc" != 141 ] || [ -n "$(ls -A "$dir")" ] || [[ $line != zdcheck* ]]; then
	echo "FAIL: | head -1: exit status $rc (expected 141), line '$line', left: $(ls -A "$dir")"
	fails=$((fails + 1))
fi

# SIGKILL cannot be caught: what the run left, --clean removes, and only that.
"$zd" --allow-non-dax -t 'fsdax/vmsplice*' --hold 2000 fsdax "$dir" >/dev/null 2>&1 &
pid=$!
sleep 1
out=$("$zd" fsdax --clean "$dir")
if ! grep -q "^in use $dir/zdcheck\.......: in use by a running zdcheck (pid $pid)" <<<"$out"; then
	echo "FAIL: --clean during a run: $out"
	fails=$((fails + 1))
fi
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 0.5 # the check's child dies of PR_SET_PDEATHSIG
mkdir "$dir/zdcheck.keepme"
out=$("$zd" fsdax --clean "$dir")
rc=$?
if [ "$rc" != 0 ] || ! grep -q "^removed $dir/zdcheck\.......: left by zdcheck $pid" <<<"$out" ||
	! grep -q "^skipped $dir/zdcheck.keepme: no .zdcheck marker" <<<"$out" ||
	[ "$(ls -A "$dir")" != zdcheck.keepme ]; then
	echo "FAIL: --clean after kill -9: exit $rc, left: $(ls -A "$dir"): $out"
	fails=$((fails + 1))
fi
rmdir "$dir/zdcheck.keepme"

echo "$fails failure(s)"
[ "$fails" = 0 ]
