#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Targets zdcheck must refuse with a one-line reason and exit 77: a
# read-only mount and one with too little room (tmpfs stands in; with
# --allow-non-dax zdcheck gets past the DAX test to these).
set -u
zd=$1
if [ "$(id -u)" != 0 ]; then
	echo "needs root to mount tmpfs"
	exit 77
fi
top=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-target.XXXXXX")
trap 'umount "$top/ro" "$top/small" 2>/dev/null; rm -rf "$top"' EXIT
mkdir "$top/ro" "$top/small"
mount -t tmpfs -o ro,size=128m tmpfs "$top/ro" || exit 77
mount -t tmpfs -o size=16m tmpfs "$top/small" || exit 77
fails=0

expect() {
	local code=$1 pat=$2 out rc n
	shift 2
	out=$("$zd" "$@" 2>&1 >/dev/null)
	rc=$?
	n=$(wc -l <<<"$out")
	if [ "$rc" != "$code" ] || ! grep -q -- "$pat" <<<"$out" || [ "$n" != 1 ]; then
		echo "FAIL: zdcheck $*: exit $rc, expected $code and one line with '$pat': $out"
		fails=$((fails + 1))
	fi
}

expect 77 'not on a DAX mount (tmpfs' fsdax "$top/ro"
expect 77 'read-only mount' --allow-non-dax fsdax "$top/ro"
expect 77 'MiB free, zdcheck needs 64 MiB' --allow-non-dax fsdax "$top/small"
if [ -n "$(ls -A "$top/small")" ]; then
	echo "FAIL: left files on a target it refused"
	fails=$((fails + 1))
fi
echo "$fails failure(s)"
[ "$fails" = 0 ]
