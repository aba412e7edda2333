#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Style as CI enforces it: clang-format on C, shellcheck on shell scripts,
# groff's warnings on the man page.
set -u
cd "$1" || exit 1
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "not a git checkout: nothing to list"
	exit 77
fi
bad=0
while read -r f; do
	clang-format --dry-run --Werror "$f" || bad=1
done < <(git ls-files '*.c' '*.h')
# Scripts by their #! line (fstests cases write '#! /bin/bash'), and files
# only ever sourced, by their '# shellcheck shell=' line.
mapfile -t sh < <(git ls-files | while read -r f; do
	head -3 "$f" 2>/dev/null |
		grep -q '^#! *\(/bin/bash\|/usr/bin/env bash\|/bin/sh\)\|^# shellcheck shell=' &&
		echo "$f"
done)
[ ${#sh[@]} -eq 0 ] || shellcheck -x -P SCRIPTDIR "${sh[@]}" || bad=1
# A stray control character (a "\f" that became a form feed) is only a
# warning to man(1), and lintian does not see it.
while read -r f; do
	w=$(groff -man -ww -z "$f" 2>&1)
	[ -z "$w" ] || { echo "$w"; bad=1; }
done < <(git ls-files 'man/*.[1-9]')
exit $bad
