#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# common/zdcheck without fstests: zdcheck's exit status and report mapped to
# fstests outcomes, with stand-ins for _notrun, _fail and _require_command.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

# outcome RC OUT ERR: what the helper makes of it, one line.
outcome() (
	_notrun() { echo "notrun: $*"; exit 0; }
	_fail() { echo "fail: $*"; exit 1; }
	# shellcheck source=common/zdcheck
	. "$here/common/zdcheck"
	printf '%b' "$2" > "$work/out"
	printf '%b' "$3" > "$work/err"
	_zdcheck_outcome "$1" "$work/out" "$work/err"
	echo "passed"
)

expect() {	# WANT RC OUT ERR
	local got
	got=$(outcome "$2" "$3" "$4")
	if [ "$got" != "$1" ]; then
		echo "FAIL: rc $2: got '$got', want '$1'"
		fails=$((fails + 1))
	fi
}

pass='PASS  fsdax/vmsplice/truncate-0 (wait_ms=201)\nsummary: 1 passed, 0 failed, 0 skipped\n'
expect 'passed' 0 "$pass" ''
expect 'notrun: zdcheck: /mnt/scratch: not on a DAX mount (ext4 on /dev/pmem1: mounted with dax=never)' \
	77 '' 'zdcheck: /mnt/scratch: not on a DAX mount (ext4 on /dev/pmem1: mounted with dax=never)\n'
expect 'notrun: zdcheck: nothing could run: all 2 selected checks were skipped (first: fsdax/uring-register/longterm: io_uring unavailable: io_uring_setup: Operation not permitted)' \
	77 'SKIP  fsdax/uring-register/longterm: io_uring unavailable: io_uring_setup: Operation not permitted\nSKIP  fsdax/uring-register-pmd/longterm: io_uring unavailable\n' \
	'zdcheck: nothing could run: all 2 selected checks were skipped\n'
expect 'notrun: zdcheck: nothing could run' 77 '' ''
expect 'fail: zdcheck: failed: fsdax/aio/evict fsdax/vmsplice-pmd/evict' 1 \
	'PASS  fsdax/vmsplice/evict\nFAIL  fsdax/aio/evict: the block went to a new file\n    evidence\nFAIL  fsdax/vmsplice-pmd/evict: close() did not wait\nSKIP  fsdax/uring/evict: no\n' ''
expect 'fail: zdcheck: failed: (no FAIL line in its report)' 1 '' ''
expect 'fail: zdcheck exited 99: fsdax: cannot create a work file (errors: fsdax/pread/evict)' 99 \
	'ERROR fsdax/pread/evict: fork: Cannot allocate memory\n' 'zdcheck: fsdax: cannot create a work file\n'
expect "fail: zdcheck exited 2: unknown option '--bogus'" 2 '' "zdcheck: unknown option '--bogus'\n"
expect 'fail: zdcheck exited 130' 130 '' ''

# Mount options without dax, whatever form MOUNT_OPTIONS gives it in.
strip() (
	# shellcheck source=common/zdcheck
	. "$here/common/zdcheck"
	_zdcheck_strip_dax "$1"
)
for t in '-o dax|' '-o dax=always|' '-o dax,noatime|-o noatime' '-o noatime,dax|-o noatime' \
	'-o noatime,dax=inode,nodiscard|-o noatime,nodiscard' '-o noatime|-o noatime' '|' \
	'-o dax -o noatime|-o noatime'; do
	got=$(strip "${t%|*}")
	if [ "$got" != "${t#*|}" ]; then
		echo "FAIL: _zdcheck_strip_dax '${t%|*}' gave '$got', want '${t#*|}'"
		fails=$((fails + 1))
	fi
done

# _zdcheck_run: zdcheck's whole report and stderr into $seqres.full, with
# --no-kmsg-verdict; _require_zdcheck refuses a zdcheck without it.
cat > "$work/zd" <<'EOS'
#!/bin/bash
[ "$1" = --help ] && { echo "  --no-kmsg-verdict"; exit 0; }
echo "args: $*"
echo "zdcheck: to stderr" >&2
echo "FAIL  fsdax/x/y: reason"
exit 1
EOS
printf '#!/bin/sh\necho "  --keep"\n' > "$work/old"
chmod +x "$work/zd" "$work/old"
run_case() (	# ZDCHECK ARGS...: _require_zdcheck, then _zdcheck_run ARGS
	_notrun() { echo "notrun: $*"; exit 0; }
	_fail() { echo "fail: $*"; exit 1; }
	_require_command() { [ -x "$1" ] || _notrun "$2 not found"; }
	ZDCHECK_PROG=$1 seqres=$work/res tmp=$work/tmp SCRATCH_MNT=/mnt/scratch
	shift
	# shellcheck source=common/zdcheck
	. "$here/common/zdcheck"
	_require_zdcheck
	_zdcheck_run "$@"
)
got=$(run_case "$work/zd" -t 'fsdax/*')
[ "$got" = 'fail: zdcheck: failed: fsdax/x/y' ] ||
	{ echo "FAIL: _zdcheck_run: $got"; fails=$((fails + 1)); }
for line in "args: --no-kmsg-verdict -v -t fsdax/* fsdax /mnt/scratch" 'zdcheck: to stderr' \
	'zdcheck exit status: 1'; do
	grep -qxF "$line" "$work/res.full" && continue
	echo "FAIL: \$seqres.full lacks '$line':"
	cat "$work/res.full"
	fails=$((fails + 1))
done
got=$(run_case "$work/old")
[ "$got" = "notrun: $work/old has no --no-kmsg-verdict: zdcheck too old" ] ||
	{ echo "FAIL: _require_zdcheck with an old zdcheck: $got"; fails=$((fails + 1)); }

[ $fails -eq 0 ] && echo "common/zdcheck: all mappings as expected"
exit $((fails > 0))
