#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# zdcheck as a kselftest: does this kernel handle DAX page references
# (pins against truncate, punch and eviction, on fs-dax and device-dax)?
# Runs zdcheck on the DAX memory the machine has and prints KTAP, one
# subtest per zdcheck run, each zdcheck's own KTAP report nested in it.
#
# What it runs on:
#   $ZDCHECK_FSDAX (a directory on a DAX mount) and $ZDCHECK_DEVDAX
#   (/dev/daxX.Y), when set; else every filesystem mounted with DAX and
#   every device-dax device (not destroyed: zdcheck saves the window it
#   writes and puts it back); else, as fleets boot legacy pmem
#   (memmap=SIZE!START), a pmem disk that holds nothing blkid knows and is
#   not in use: a raw namespace is made fsdax (ndctl), then ext4 on it is
#   mounted -o dax in a private directory, removed with the mount after.
# $ZDCHECK is the zdcheck to run (default: the one on PATH), and
# $ZDCHECK_ARGS more arguments for every run (e.g. --wake-limit 2).
#
# Exit: 0 every run passed, 1 one failed, 4 (kselftest's skip) nothing to
# run on or no zdcheck, with the reason.
set -u

ksft_skip=4
zd=${ZDCHECK:-zdcheck}
read -r -a extra <<< "${ZDCHECK_ARGS:-}"

# What setting up did, as diagnostic lines after the plan.
work=''
say() { echo "# $*" >> "$work/setup"; }
skip() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	[ -z "$work" ] || cat "$work/setup"
	exit $ksft_skip
}

command -v "$zd" > /dev/null || skip "no zdcheck on PATH (set ZDCHECK)"
[ "$(id -u)" = 0 ] || skip "zdcheck needs root for its slow device and tracing"

work=$(mktemp -d /tmp/zdcheck-ksft.XXXXXX) || exit 1
: > "$work/setup"
mnt=''
# Never rm -r through a mount that would not go.
trap '{ [ -z "$mnt" ] || umount "$mnt"; } && rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The runs, as "fsdax DIR" or "devdax DEV", one a line.
runs=()
[ -n "${ZDCHECK_FSDAX:-}" ] && runs+=("fsdax $ZDCHECK_FSDAX")
[ -n "${ZDCHECK_DEVDAX:-}" ] && runs+=("devdax $ZDCHECK_DEVDAX")

# idle_pmem: a pmem disk that holds nothing and is not in use, its name on
# stdout (the first such one).
idle_pmem() {
	local b dev
	for b in /sys/block/pmem*; do
		[ -e "$b" ] || continue
		dev=/dev/${b##*/}
		[ -b "$dev" ] || continue
		[ -z "$(ls "$b/holders" 2> /dev/null)" ] || continue
		grep -q "^$dev " /proc/mounts && continue
		# blkid -p exits 2 when it finds no signature at all.
		blkid -p "$dev" > /dev/null 2>&1
		[ $? -eq 2 ] || continue
		echo "${b##*/}"
		return 0
	done
	return 1
}

# fsdax_pmem: an idle pmem disk made ready for fs-dax: a raw namespace
# (legacy memmap= pmem has no labels) has no struct pages, which fs-dax
# needs, so it becomes an fsdax one first. Its name on stdout.
fsdax_pmem() {
	local b ns
	b=$(idle_pmem) || return 1
	ns=$(basename "$(readlink -f "/sys/block/$b/device")")
	case $ns in
	pfn*) echo "$b"; return 0 ;;
	namespace*) ;;
	*) return 1 ;;
	esac
	command -v ndctl > /dev/null || { say "no ndctl to make $ns fsdax"; return 1; }
	if ! ndctl create-namespace -f -e "$ns" -m fsdax > "$work/ndctl" 2>&1; then
		sed "s/^/# ndctl: /" "$work/ndctl" >> "$work/setup"
		return 1
	fi
	say "/dev/$b: raw namespace $ns made fsdax"
	# Its disk comes back when the driver has probed it, which may be later.
	for _ in $(seq 50); do
		idle_pmem && return 0
		sleep 0.1
	done
	return 1
}

if [ ${#runs[@]} -eq 0 ]; then
	while read -r _ dir _ opts _; do
		case ",$opts," in
		*,dax,* | *,dax=always,* | *,dax=inode,*) runs+=("fsdax $dir") ;;
		esac
	done < /proc/mounts
	for d in /dev/dax*.*; do
		[ -c "$d" ] && runs+=("devdax $d")
	done
fi
why_none="no DAX mount, no device-dax device"
if [ ${#runs[@]} -eq 0 ]; then
	if b=$(fsdax_pmem); then
		mkdir "$work/mnt"
		# A 2 MiB stripe, as tests/vm does: extents aligned for PMD faults.
		if mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 "/dev/$b" \
			> "$work/mkfs" 2>&1 && mount -t ext4 -o dax "/dev/$b" "$work/mnt" 2>> "$work/mkfs"; then
			mnt=$work/mnt
			runs+=("fsdax $mnt")
			say "ext4 on /dev/$b mounted -o dax at $mnt"
		else
			sed "s/^/# /" "$work/mkfs" >> "$work/setup"
			why_none="$why_none, and ext4 -o dax on /dev/$b failed"
		fi
	else
		why_none="$why_none, no idle pmem disk (boot with memmap=2G!4G for legacy pmem)"
	fi
fi
[ ${#runs[@]} -gt 0 ] || skip "$why_none"

echo "KTAP version 1"
echo "1..${#runs[@]}"
cat "$work/setup"
n=0 failed=0 passed=0
for r in "${runs[@]}"; do
	n=$((n + 1))
	read -r kind target <<< "$r"
	"$zd" --format ktap "${extra[@]}" "$kind" "$target" > "$work/out" 2> "$work/err"
	rc=$?
	# Its report nested, then what it said on stderr as diagnostic lines.
	sed 's/^/  /' "$work/out"
	sed 's/^/# /' "$work/err"
	case $rc in
	0)	echo "ok $n $kind $target"; passed=$((passed + 1)) ;;
	77)	echo "ok $n $kind $target # SKIP zdcheck found nothing it could run" ;;
	*)	echo "# zdcheck exited $rc"; echo "not ok $n $kind $target"; failed=1 ;;
	esac
done
[ $failed = 0 ] || exit 1
[ $passed -gt 0 ] || exit $ksft_skip
exit 0
