#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Bad input and exhausted resources must not look like kernel failures. Each
# row of TABLE runs zdcheck with its arguments, under its wrapper (a ulimit,
# as an unprivileged user), and expects its exit code and its message; an
# error (exit 2, 77, 99) must be exactly one line on stderr, and no row may
# leave a work directory behind. A row that cannot run here is skipped with
# the reason, never silently.
set -euo pipefail
zd=$1
table=$2

top=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-bad-input.XXXXXX")
trap 'rm -rf "$top"' EXIT
# For the arguments in TABLE: an empty directory on a non-DAX filesystem
# (--allow-non-dax runs there) that an unprivileged user may write, ...
DIR=$top/dir
mkdir "$DIR"
chmod 0777 "$top" "$DIR"
# ... a path longer than PATH_MAX, a long one that does not exist, a
# directory that exists but leaves no room under PATH_MAX for zdcheck's work
# files, and a number of 5000 digits.
LONG=/$(printf 'a%.0s' {1..5000})
c100=$(printf 'c%.0s' {1..100})
LONGISH=/zdcheck-nonexistent
DEEP=$top/deep
for _ in {1..39}; do
	LONGISH+=/$c100
done
while [ $((${#DEEP} + 101)) -le 4060 ]; do
	DEEP+=/$c100
done
DEEP+=/$(printf 'c%.0s' $(seq $((4060 - ${#DEEP}))))
mkdir -p "$DEEP"
LONGNUM=$(printf '7%.0s' {1..5000})
export DIR LONG LONGISH DEEP LONGNUM

pass=0 fails=0 skips=0

# run WRAPPER ARGS...: zdcheck ARGS after the WRAPPER's shell commands;
# "nobody: CMDS" runs them, and zdcheck, as the user nobody.
run() {
	local wrap=$1
	shift
	case $wrap in
	-) bash -c 'exec "$@"' zdcheck "$zd" "$@" ;;
	nobody:*)
		# LeakSanitizer (the ASan build) checks at exit from a task of its
		# own, which RLIMIT_NPROC forbids: these rows go without it.
		ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
			bash -c "${wrap#nobody:}"'; exec "$@"' zdcheck "$zd" "$@" ;;
	*) bash -c "$wrap"'; exec "$@"' zdcheck "$zd" "$@" ;;
	esac
}

# cannot_run WRAPPER: why a row with this wrapper cannot run here, if it cannot.
cannot_run() {
	local out
	case $1 in
	nobody:*)
		if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
			echo "needs root and setpriv to run as nobody"
			return
		fi
		# RLIMIT_NPROC counts every process of the user.
		if pgrep -u nobody >/dev/null; then
			echo "nobody already runs processes: $(pgrep -u nobody | wc -l)"
			return
		fi ;;
	esac
	if ! out=$(run "$1" --version 2>&1); then
		echo "this build cannot start under '$1': $(head -n 1 <<<"$out")"
	fi
}

n=0
while IFS=$'\t' read -r wrap code pat args; do
	case $wrap in '' | '#'*) continue ;; esac
	n=$((n + 1))
	argv=()
	eval "argv=($args)"
	why=$(cannot_run "$wrap")
	if [ -n "$why" ]; then
		echo "SKIP $n: zdcheck $args ($wrap): $why"
		skips=$((skips + 1))
		continue
	fi
	rc=0
	run "$wrap" "${argv[@]}" >"$top/out" 2>"$top/err" || rc=$?
	bad=''
	if [ "$rc" != "$code" ]; then
		bad="exit $rc, expected $code"
	elif [ "$code" != 0 ] && [ "$code" != 1 ]; then
		if [ "$(wc -l <"$top/err")" != 1 ]; then
			bad="$(wc -l <"$top/err") lines on stderr, expected one"
		elif ! grep -qe "$pat" "$top/err"; then
			bad="stderr does not match '$pat'"
		fi
	elif ! cat "$top/out" "$top/err" | grep -qe "$pat"; then
		bad="output does not match '$pat'"
	fi
	if [ -n "$(ls -A "$DIR")" ]; then
		bad="${bad:+$bad; }left behind: $(ls -A "$DIR")"
		rm -rf "${DIR:?}"/*
	fi
	if [ -n "$bad" ]; then
		echo "FAIL $n: zdcheck $args ($wrap): $bad"
		sed 's/^/    | /' "$top/err"
		grep -E '^(FAIL|ERROR) ' "$top/out" | sed 's/^/    | /' || true
		fails=$((fails + 1))
	else
		echo "ok $n: zdcheck $args ($wrap): exit $rc: $(head -n 1 "$top/err")"
		pass=$((pass + 1))
	fi
done <"$table"
echo "$pass passed, $fails failed, $skips skipped"
[ "$fails" = 0 ]
