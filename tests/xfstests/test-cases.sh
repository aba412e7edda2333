#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Each case under a stand-in fstests (common/preamble and common/rc reduced
# to what the cases call) and a stand-in zdcheck: on success it must print
# exactly its golden .out file; when zdcheck fails or cannot run, it must
# not.  Also: each case mounts with the DAX mode it names, on ext4 and xfs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fst=$work/fstests
mkdir -p "$fst/common" "$fst/results"
cp "$here/common/zdcheck" "$fst/common/zdcheck"
cat > "$fst/common/preamble" <<'EOS'
_begin_fstest() {
	seq=$(basename "$0")
	seqres=$RESULT_DIR/$seq
	tmp=$RESULT_DIR/tmp.$$
	status=1
	echo "QA output created by $seq"
}
_notrun() { echo "$seq not run: $*"; exit 0; }
_fail() { echo "$*"; exit 1; }
_require_command() { [ -x "$1" ] || _notrun "$2 utility required"; }
_require_scratch_dax_mountopt() { echo "require $1" >> "$RESULT_DIR/calls"; }
_require_dax_iflag() { echo "require iflag" >> "$RESULT_DIR/calls"; }
_scratch_mkfs_geom() { echo "mkfs $* [$MKFS_OPTIONS]" >> "$RESULT_DIR/calls"; }
_scratch_mount() { echo "mount $*" >> "$RESULT_DIR/calls"; }
EOS
cat > "$work/zdcheck" <<'EOS'
#!/bin/bash
[ "$1" = --help ] && { echo "      --no-kmsg-verdict"; exit 0; }
echo "target: /mnt/scratch (ext4 on /dev/pmem1, dax=$ZD_DAX), work dir /mnt/scratch/zdcheck.x"
case $ZD_RC in
0)	echo "PASS  fsdax/vmsplice/truncate-0 (wait_ms=201)" ;;
1)	echo "FAIL  fsdax/vmsplice/truncate-0: the truncate did not wait" ;;
77)	echo "SKIP  fsdax/vmsplice/truncate-0: no"; echo "zdcheck: nothing could run" >&2 ;;
esac
exit "$ZD_RC"
EOS
chmod +x "$work/zdcheck"

# run NAME FSTYP RC: the case's stdout.
run() {
	local mode=always
	[ "$1" = dax-inode ] && mode=inode
	cp "$here/cases/$1" "$fst/zdcheck-$1"
	: > "$fst/results/calls"
	(cd "$fst" && FSTYP=$2 ZD_RC=$3 ZD_DAX=$mode ZDCHECK_PROG=$work/zdcheck \
		RESULT_DIR=$fst/results XFS_IO_PROG=true MKFS_OPTIONS='' \
		MOUNT_OPTIONS='-o dax' bash "./zdcheck-$1")
}

for c in "$here"/cases/*.out; do
	name=$(basename "$c" .out)
	for fs in ext4 xfs; do
		if ! diff -u "$c" <(run "$name" $fs 0); then
			echo "FAIL: $name on $fs: output differs from its golden file"
			fails=$((fails + 1))
		fi
		mode="-o dax=always" mkfs="mkfs 2097152 1 []"
		[ "$name" = dax-inode ] && mode="-o dax=inode"
		if ! grep -qxF "mount $mode" "$fst/results/calls" ||
			! grep -qxF "$mkfs" "$fst/results/calls"; then
			echo "FAIL: $name on $fs: not mkfs with a 2M stripe and mount $mode:"
			cat "$fst/results/calls"
			fails=$((fails + 1))
		fi
		if run "$name" $fs 1 | diff -q "$c" - >/dev/null; then
			echo "FAIL: $name on $fs: a zdcheck failure matched the golden file"
			fails=$((fails + 1))
		fi
		out=$(run "$name" $fs 77 | tail -n 1)
		if [ "$out" != "zdcheck-$name not run: zdcheck: nothing could run (first: fsdax/vmsplice/truncate-0: no)" ]; then
			echo "FAIL: $name on $fs: zdcheck's 77 gave '$out'"
			fails=$((fails + 1))
		fi
	done
done
[ $fails -eq 0 ] && echo "cases: golden files match on success, differ on failure"
exit $((fails > 0))
