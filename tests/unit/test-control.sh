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

# Ctrl-C in the middle of a run: exit 130 and the work directory is gone.
"$zd" --allow-non-dax -t 'fsdax/vmsplice*' --hold 500 fsdax "$dir" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" != 130 ]; then
	echo "FAIL: SIGINT: exit status $rc, expected 130"
	fails=$((fails + 1))
fi
if [ -n "$(ls -A "$dir")" ]; then
	echo "FAIL: SIGINT left the work directory behind: $(ls -A "$dir")"
	fails=$((fails + 1))
fi
echo "$fails failure(s)"
[ "$fails" = 0 ]
