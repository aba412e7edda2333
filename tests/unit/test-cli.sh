#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The command line as users meet it: exit codes, one-line errors, --help,
# and the man page naming exactly the options and commands --help names.
set -u
zd=$1
man=$2
fails=0

# expect CODE PATTERN -- ARGS: exit code CODE and PATTERN somewhere in output.
expect() {
	local code=$1 pat=$2 out rc
	shift 3
	out=$("$zd" "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$code" ]; then
		echo "FAIL: zdcheck $* exited $rc, expected $code: $out"
		fails=$((fails + 1))
	elif ! grep -qe "$pat" <<<"$out"; then
		echo "FAIL: zdcheck $* did not print '$pat': $out"
		fails=$((fails + 1))
	fi
}

# Errors are exactly one line on stderr.
one_line() {
	local n
	n=$("$zd" "$@" 2>&1 >/dev/null | wc -l)
	if [ "$n" != 1 ]; then
		echo "FAIL: zdcheck $* printed $n error lines"
		fails=$((fails + 1))
	fi
}

expect 0 '^zdcheck [0-9.]* [+-]URING [+-]AIO [+-]PMEM2 [+-]DEVMAPPER [+-]CXL$' -- --version
expect 0 'Usage: zdcheck' -- --help
expect 0 'Usage: zdcheck' -- help
expect 0 'Usage: zdcheck \[OPTIONS\] fsdax PATH' -- fsdax --help
expect 0 'Usage: zdcheck \[OPTIONS\] devdax DEVICE' -- help devdax
expect 2 'missing command' --
expect 2 "unknown command 'frobnicate'" -- frobnicate
expect 2 "unknown option '--bogus'" -- --bogus list
expect 2 "option '--format' needs an argument" -- list --format
expect 2 "invalid --format 'xml'" -- --format xml list
expect 2 "invalid --timeout 'abc'" -- --timeout abc list
expect 2 "invalid --timeout '0'" -- --timeout 0 list
expect 2 "invalid --timeout-scale '0'" -- --timeout-scale 0 list
expect 2 "invalid --timeout-scale '101'" -- --timeout-scale 101 list
expect 2 "invalid --hold '-5'" -- --hold -5 list
expect 2 "invalid --seed '12x'" -- --seed 12x list
expect 2 "invalid --size '0'" -- --size 0 list
expect 2 "invalid --size '64Q'" -- --size 64Q list
expect 2 "option '--restore' needs an argument" -- devdax /dev/null --restore
expect 2 "no check matches 'fsdax/nonsense'" -- -t fsdax/nonsense list
expect 2 "no check matches 'nope'" -- list -x nope
expect 2 'fsdax: expected PATH, got 0 arguments' -- fsdax
expect 2 'list: expected no arguments, got 1 argument' -- list extra
expect 2 "help: unknown command 'x'" -- help x
expect 2 '/nonexistent: No such file or directory' -- fsdax /nonexistent
expect 2 'not a directory' -- fsdax /etc/passwd
expect 2 '/dev/null: not a device-dax device' -- devdax /dev/null
expect 2 'not a character device' -- devdax /etc/passwd
# A name libdaxctl does not know stays the user's typo, not a device to restore.
expect 2 'dax-none.0: No such file or directory' -- devdax /dev/dax-none.0
expect 2 'dax-none.0: No such file or directory' -- devdax --restore /nonexistent dax-none.0
expect 0 'fsdax/dax/statx-mapsync' -- list
expect 0 'fsdax/dax/pfn-in-region' -- list
expect 0 'fsdax/dax/pmd-punch-refault' -- list
expect 0 'fsdax/dax/pmd-cow-write' -- list
expect 0 'guards:' -- list -v
expect 0 'verdict:' -- probe

# /proc is never a DAX mount: exit 77 with the reason, and no work directory.
expect 77 '/proc: not on a DAX mount (proc on proc' -- fsdax /proc
expect 77 '/proc: not on a DAX mount' -- --no-kmsg-verdict fsdax /proc
one_line fsdax /proc
one_line fsdax /nonexistent
one_line devdax /dev/null
one_line --bogus

# zdcheck stress: its own arguments and options, checked before any target.
expect 0 'Usage: zdcheck \[OPTIONS\] stress KIND PATH' -- stress --help
expect 2 "stress: unknown target kind 'frob': expected fsdax or devdax" -- stress frob /tmp
expect 2 'stress: expected KIND PATH, got 1 argument' -- stress fsdax
expect 2 '/dev/null: not a device-dax device' -- stress devdax /dev/null
expect 2 "option '--size' does not apply to 'stress fsdax'" -- stress fsdax /tmp --size 1M
expect 2 "option '--wake-limit' does not apply to 'stress devdax'" -- stress devdax /dev/null --wake-limit 3
expect 2 "invalid --duration '0'" -- stress fsdax /tmp --duration 0
expect 2 "invalid --files '0'" -- stress fsdax /tmp --files 0
expect 2 "-x 'nope' matches no pin route and no change of stress" -- stress fsdax /tmp -x nope
expect 2 "option '--duration' does not apply to 'fsdax'" -- fsdax /tmp --duration 5
expect 2 '/nonexistent: No such file or directory' -- stress fsdax /nonexistent -x clone-range
expect 77 '/proc: not on a DAX mount' -- stress fsdax /proc --duration 1
one_line stress fsdax /proc

# JSON output parses, and the check list is stable in shape.
if command -v jq >/dev/null; then
	"$zd" list --format json | jq -e 'length > 0 and all(.[]; has("name") and has("needs")
		and has("pin") and has("mutation") and has("timeout_s") and has("guards"))' \
		>/dev/null || { echo "FAIL: list --format json"; fails=$((fails + 1)); }
	"$zd" probe --format json | jq -e '.kernel.release and (.dax_devices | type == "array")
		and (.dax_mounts | type == "array") and .features' >/dev/null ||
		{ echo "FAIL: probe --format json"; fails=$((fails + 1)); }
fi

# The man page documents every option and command --help shows, and no other.
help_opts=$("$zd" --help | grep -oE -- '--[a-z-]+' | sort -u)
man_opts=$(grep -oE -- '\\-\\-([a-z]|\\-)+' "$man" | sed 's/\\//g' | sort -u)
if [ "$help_opts" != "$man_opts" ]; then
	echo "FAIL: options differ between --help and $man:"
	diff <(echo "$help_opts") <(echo "$man_opts")
	fails=$((fails + 1))
fi
for cmd in $("$zd" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	grep -q "^\.BI\? $cmd\b\|^\.B $cmd\b" "$man" ||
		{ echo "FAIL: command $cmd is not in $man"; fails=$((fails + 1)); }
done

echo "$fails failure(s)"
[ "$fails" = 0 ]
