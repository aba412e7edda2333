#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/lib/verdict.sh on the canned results of tests/vm/testdata/verdict/
# (one case a directory, as tests/vm/run leaves OUTDIR; kernel "k" judged by
# the case's "expectations"): the matrix, the comparison with the
# expectations, the problems of the reports, the mutant table, and the
# expectations files themselves.  TAP output; needs bash, jq and awk.
set -u
here=$(cd "$(dirname "$0")" && pwd)
data=$here/testdata/verdict
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/guest.sh
. "$here/lib/guest.sh"
# shellcheck source=lib/verdict.sh
. "$here/lib/verdict.sh"
# shellcheck source=lib/stress.sh
. "$here/lib/stress.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 fails=0 case=''
# What tests/vm/run sets for the verdict.
RUNS=() FILESYSTEMS=() ZDCHECK_ARGS=()

# judge CASE KERNEL...: matrix_print and expectations_check over CASE as
# tests/vm/run calls them; their output into $work/out, each followed by
# "matrix rc N" and "expectations rc N".
judge() {
	case=$1
	shift
	RUNS=("$@")
	EXPECT_FILE=()
	[ ! -e "$data/$case/expectations" ] || EXPECT_FILE[k]=$data/$case/expectations
	(
		matrix_print "$data/$case"
		echo "matrix rc $?"
		expectations_check "$data/$case"
		echo "expectations rc $?"
	) > "$work/out" 2>&1
}

# result OK WHAT: one TAP line; on a failure, the output it was about.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $case: $2"
	else
		echo "not ok $n - $case: $2"
		fails=$((fails + 1))
		sed 's/^/# | /' "$work/out"
	fi
}

# has LINE: the output has this line.  lacks TEXT: no line holds TEXT.
has() { grep -Fxq -- "$1" "$work/out"; result $? "says \"$1\""; }
lacks() { ! grep -Fq -- "$1" "$work/out"; result $? "does not say \"$1\""; }

# cell CHECK COLUMN WANT: the matrix shows WANT in CHECK's row, in COLUMN
# (KERNEL/TARGET).  Cells are two or more spaces apart.
cell() {
	local got
	got=$(awk -F'  +' -v c="$1" -v col="$2" '
		{ sub(/ +$/, "") }
		$1 == "check" { for (i = 2; i <= NF; i++) at[$i] = i; next }
		$1 == c && (col in at) { print $at[col]; exit }' "$work/out")
	[ "$got" = "$3" ]
	result $? "cell $1 $2 is \"$3\" (got \"$got\")"
}

# pass: every check passes, the teardown pass in the devdax column, and
# kernel k has no expectations file: it expects no failure.
FILESYSTEMS=(ext4)
judge pass k
cell devdax/map/alignment k/devdax "PASS align=2097152 fault_size=2097152"
cell devdax/map/alignment k/ext4 "-"
cell devdax/align/4k k/devdax "PASS align=4096 fault_size=4096"
cell fsdax/vmsplice/truncate-0 k/ext4 "PASS wake_us=4807"
cell fsdax/vmsplice-pmd/punch-hole k/ext4 "PASS wake_us=1572 fault_size=2097152"
has "matrix rc 0"
has "expectations rc 0"
lacks PROBLEM
lacks failure

# A provider the kernel cannot do: its run holds only the reason, its
# cells say skip, and the reason is printed; not a problem.
judge skipped k k@cxl k@cxlram
cell devdax/map/alignment k@cxlram/devdax "PASS align=2097152 fault_size=2097152"
cell fsdax/vmsplice/truncate-0 k@cxlram/ext4 "skip"
has "k@cxlram/ext4: SKIP: volatile CXL memory has no block device: no fs-dax"
cell devdax/map/alignment k@cxl/devdax "skip"
cell fsdax/vmsplice/truncate-0 k@cxl/ext4 "skip"
cell devdax/map/alignment k@cxl/ext4 "-"
cell fsdax/vmsplice/truncate-0 k/ext4 "PASS wake_us=4807"
has "k@cxl: SKIP: kernel 6.0.0 lacks CONFIG_CXL_PMEM"
has "matrix rc 0"
has "expectations rc 0"
lacks PROBLEM
# An expected failure of a skipped run is not "not run": the matrix says why.
lacks "expected failure not run: k@cxl"

judge expected-fail k
cell fsdax/aio/evict k/ext4 "FAIL evict_waited=0"
has "expected failure: k ext4 fsdax/aio/evict"
has "expectations rc 0"

# An error is never expected, even where a failure is.
judge new-failure k
has "NEW FAILURE: k ext4 fsdax/aio/evict"
cell fsdax/aio/punch-hole k/ext4 "ERROR"
has "NEW FAILURE: k ext4 fsdax/aio/punch-hole"
has "note: expected failure not run: k ext4 fsdax/aio/punch-hole (error)"
has "expectations rc 1"

judge now-passes k
has "EXPECTED FAILURE NOW PASSES: k ext4 fsdax/aio/evict (update $data/now-passes/expectations)"
has "note: expected failure not run: k ext4 fsdax/pread/evict (missing)"
has "expectations rc 1"

# k's provider has no ext4 (ext4.unsupported): an expected ext4 failure
# is not "not run", it cannot run there.
judge no-target k
has "expected failure: k devdax devdax/map/alignment"
lacks "fsdax/aio/evict"
has "expectations rc 0"

judge intermittent k
has "note: intermittent expected failure did not show this run: k ext4 fsdax/vmsplice/truncate-0"
has "expected failure: k ext4 fsdax/aio/truncate-0"
has "expectations rc 0"

# k's guest died in fsdax/aio/evict (status "tests", the last marker in
# kmsg.txt; ext4 began, no exit code) and its boot of its own in
# devdax/teardown/disable-aio; k2 finished.  A check k did not reach shows
# "died"; a dead guest's missing reports are not problems.
judge died k k2
cell fsdax/aio/evict k/ext4 "FAIL died"
cell fsdax/aio/evict k2/ext4 "PASS evict_waited=1"
cell fsdax/vmsplice/truncate-0 k/ext4 "died"
cell devdax/teardown/disable-aio k/devdax "FAIL died"
cell devdax/map/alignment k/devdax "PASS align=2097152 fault_size=2097152"
has "NEW FAILURE: k ext4 fsdax/aio/evict"
has "expected failure: k devdax devdax/teardown/disable-aio"
has "matrix rc 0"
has "expectations rc 1"

# LAST (lib/common.sh) at the end of the main boot, into devdax-last.json:
# k reported it; k2 died in it (its last marker, the report begun).
judge last k
cell devdax/teardown/disable-vmsplice k/devdax "FAIL disable_us=5000"
has "expected failure: k devdax devdax/teardown/disable-vmsplice"
has "matrix rc 0"
has "expectations rc 0"
judge last k2
cell devdax/teardown/disable-vmsplice k2/devdax "FAIL died"
cell devdax/map/alignment k2/devdax "PASS align=2097152 fault_size=2097152"
has "matrix rc 0"
results_died_in "$data/last/k2" devdax/teardown/disable-vmsplice
result $? "k2 died in devdax/teardown/disable-vmsplice"
results_died_in "$data/last/k" devdax/teardown/disable-vmsplice
result $((!$?)) "k finished: it died in nothing"

# Both boots crashed once: try1/ (with a report of its own) is not read.
judge retried k
lacks devdax/data/pmem2
cell devdax/teardown/disable-vmsplice k/devdax "PASS disable_us=5000"
has "matrix rc 0"
has "expectations rc 0"

# No ext4 report, a truncated teardown report; xfs refused (.skipped).
FILESYSTEMS=(ext4 xfs)
judge missing k
has "PROBLEM k ext4: no valid JSON report (zdcheck exit 139); stderr:"
has "    | Segmentation fault"
has "PROBLEM k devdax-teardown: no valid JSON report (zdcheck exit 1); stderr:"
lacks "PROBLEM k xfs"
has "matrix rc 1"

FILESYSTEMS=(ext4)
judge rc-mismatch k
has "PROBLEM k devdax: exit 0 with 1 failed checks"
has "PROBLEM k ext4: exit 1 with no failed check"
has "PROBLEM k devdax-teardown: zdcheck could run nothing (exit 77) in a guest built for it"
has "PROBLEM k alone-disable-vmsplice/devdax: zdcheck exit 3"
has "matrix rc 1"
# Exit 77 is fine when ZDCHECK-ARGS narrowed the selection.
ZDCHECK_ARGS=(-t 'fsdax/*')
judge rc-mismatch k
lacks "exit 77"
ZDCHECK_ARGS=()

# The mutant rows: caught, a failure for another reason, missed (the
# failures were there in the clean boot or are expected of k), caught by
# dying in a check, never run.  Then the table.
case=mutants
EXPECT_FILE=([k]=$data/mutants/expectations)
re='while the page was pinned'
for m in zdm_caught zdm_wrong zdm_missed zdm_died zdm_notrun; do
	mutant_rows "$data/mutants" k "$m" "$re"
done > "$work/rows" 2>&1
cp "$work/rows" "$work/out"
tab=$'\t'
has "k${tab}zdm_caught${tab}ext4${tab}caught${tab}fsdax/vmsplice/truncate-0${tab}ftruncate(0) returned 5 us after it started, while the page was pinned (mutant fired 8 times)"
has "k${tab}zdm_wrong${tab}ext4${tab}WRONG-DIAG${tab}fsdax/vmsplice/truncate-0${tab}the pipe returned short data (expected /$re/; mutant fired 2 times)"
has "k${tab}zdm_missed${tab}ext4${tab}MISSED${tab}-${tab}mutant fired 0 times; the guest finished"
has "k${tab}zdm_died${tab}ext4${tab}caught${tab}fsdax/vmsplice/truncate-0 (guest died)${tab}[   9.1] BUG: kernel NULL pointer dereference, address: 0000000000000008 (mutant fired 1 times)"
has "k${tab}zdm_notrun${tab}ext4${tab}NOT-RUN${tab}-${tab}guest died or hung after setup, before zdcheck (qemu exit 0)"
# zdcheck stress in the same boots: caught with the right reason, or
# for another, or not at all; and nothing is judged when the clean boot's
# run did not pass.
for m in zdm_caught zdm_wrong zdm_missed zdm_notrun; do
	mutant_stress_row "$data/mutants" k "$m" "$re" ext4
done > "$work/out" 2>&1
has "k${tab}zdm_caught${tab}stress:ext4${tab}caught${tab}stress/fsdax in 3 s${tab}fallocate(PUNCH_HOLE) returned 40 us after it started, while the page was pinned by vmsplice (the pin was let go 199000 us later)"
has "k${tab}zdm_wrong${tab}stress:ext4${tab}WRONG-DIAG${tab}stress/fsdax in 9 s${tab}data corruption in file 1 at offset 0x2000 (whole file): expected 0x1, found 0x2 (expected /$re/)"
has "k${tab}zdm_missed${tab}stress:ext4${tab}MISSED${tab}-${tab}60 s of stress passed"
has "k${tab}zdm_notrun${tab}stress:ext4${tab}NOT-RUN${tab}-${tab}no report: guest died or hung after setup, before zdcheck (qemu exit 0)"
mutant_stress_row "$data/mutants" k zdm_caught "$re" xfs > "$work/out" 2>&1
has "k${tab}zdm_caught${tab}stress:xfs${tab}NOT-RUN${tab}-${tab}the clean boot's stress run did not pass: no report"
# A mutant that shows only now and then may be missed by the checks.
printf 'k\tzdm_rare\text4\tnot-seen\t-\tmutant fired 1 times\nk\tzdm_rare\tstress:ext4\tcaught\tstress/fsdax in 20 s\tx\n' > "$work/rare"
mutant_table "$work/rare" > "$work/out"
echo "table rc $?" >> "$work/out"
has "table rc 0"

mutant_table "$work/rows" > "$work/out"
echo "table rc $?" >> "$work/out"
has "k       zdm_caught    ext4        caught     fsdax/vmsplice/truncate-0"
has "k       zdm_missed    ext4        MISSED     -"
has "table rc 1"
grep "${tab}caught${tab}" "$work/rows" > "$work/caught"
mutant_table "$work/caught" > "$work/out"
echo "table rc $?" >> "$work/out"
has "table rc 0"
mutant_table /dev/null > "$work/out"
echo "table rc $?" >> "$work/out"
has "(no mutant ran)"
has "table rc 1"

# The expectations files: every committed one reads; a diagnosis not
# defined, a line of another shape, a missing --expect file or a diagnosis
# defined twice stop the run (99) with the file and line.
case=expectations
for f in "$VM_DIR"/expected/*; do
	k=${f##*/}
	# expected/stress has lines of its own shape (below).
	case $k in diagnoses|stress) continue ;; esac
	EXPECT_FILE=()
	_expected "$k" > "$work/out" 2>&1 && [ -s "$work/out" ] &&
		! grep -qv ' \(always\|intermittent\)$' "$work/out"
	result $? "expected/$k reads"
done
# expected/stress: its diagnoses are defined, and a stress failure is known
# only for its kernel and target, and only with a reason that matches.
(stress_valid) > "$work/out" 2>&1
result $? "expected/stress reads"
warn="kernel log: [ 70.8] WARNING: fs/dax.c:452 at dax_disassociate_entry.isra.0+0x9c/0xc0"
[ "$(stress_known 7 xfs "$warn")" = cow-split-mapped-folio ]
result $? "stress: a known failure is recognised"
[ "$(stress_known 7 xfs "$warn"$'\nno clone-range: left out by -x')" = alloc-write-fault-race ] &&
	[ "$(stress_known 7 ext4 "$warn")" = alloc-write-fault-race ]
result $? "stress: the first line that matches names it"
! stress_known 6.12 xfs "$warn" && ! stress_known 6.12 ext4 "$warn" &&
	! stress_known 7 xfs "data corruption in file 2 at offset 0x1000"
result $? "stress: another kernel, target or reason is not"
gap=$'kernel log: WARNING: CPU: 1 PID: 197 at fs/dax.c:398 dax_disassociate_entry+0x87/0xb0\n2 evictions returned while the page was pinned, the last 40 ms before: w3 #0 pin uring-pmd evict'
[ "$(stress_known 6.1 ext4 "$gap")" = eviction-gap-warn ] &&
	! stress_known 6.1 ext4 "${gap%%$'\n'*}"
result $? "stress: every pattern of a line must match"

# expect99 WHAT COMMAND...: COMMAND exits 99, with the message in $work/out.
expect99() {
	local what=$1
	shift
	("$@") > "$work/out" 2>&1
	echo "rc $?" >> "$work/out"
	grep -Fxq "rc 99" "$work/out"
	result $? "$what: exit 99"
}
EXPECT_FILE=([k]=$data/bad-diagnosis)
expect99 "undefined" _expected k
has "vm: error: $data/bad-diagnosis:2: diagnosis no-such-diagnosis is not defined in $VM_DIR/expected/diagnoses"
RUNS=(k)
expect99 "undefined, in expectations_check" expectations_check "$data/pass"
EXPECT_FILE=([k]=$data/bad-shape)
expect99 "shape" _expected k
has "vm: error: $data/bad-shape:2: not CHECKNAME TARGET[@PROVIDER,...] [intermittent] DIAGNOSIS: fsdax/aio/evict  ext4"
EXPECT_FILE=([k]=$data/no-such-file)
expect99 "missing file" _expected k
has "vm: error: no expectations file $data/no-such-file for kernel k"
mkdir -p "$work/vm/expected"
printf 'a  one\n\tgoing on\nb  two\na  three\n' > "$work/vm/expected/diagnoses"
printf 'fsdax/aio/evict  ext4  b\n' > "$work/vm/expected/k"
EXPECT_FILE=()
VM_DIR=$work/vm expect99 "twice" _expected k
has "vm: error: $work/vm/expected/diagnoses:4: diagnosis a defined twice"
sed -i '$d' "$work/vm/expected/diagnoses"
VM_DIR=$work/vm _expected k > "$work/out" 2>&1
has "fsdax/aio/evict ext4 always"
# A TARGET@PROVIDER,... entry holds for the providers it names only; a
# plain TARGET for all of them, and the run k is k's nfit run.
printf 'fsdax/aio/evict  ext4  b\nfsdax/pread/evict  xfs@virtio,cxl  b\nfsdax/uring/evict  ext4@nfit  intermittent  b\n' \
	> "$work/vm/expected/k"
VM_DIR=$work/vm _expected k@cxl > "$work/out" 2>&1
has "fsdax/aio/evict ext4 always"
has "fsdax/pread/evict xfs always"
! grep -q uring "$work/out"
result $? "expectations: ext4@nfit is not for k@cxl"
VM_DIR=$work/vm _expected k > "$work/out" 2>&1
has "fsdax/uring/evict ext4 intermittent"
! grep -q pread "$work/out"
result $? "expectations: xfs@virtio,cxl is not for k"

# results_verdict: how far a boot got, from the guest's status and kernel
# log and the host's boot file (qemu's exit code and the limit).
case=boot-layer
b=$work/boot
mkdir -p "$b"
echo "done" > "$b/status"
results_verdict "$b" > "$work/out"
[ ! -s "$work/out" ]
result $? "a guest that finished has no verdict"
echo tests > "$b/status"
echo "[ 9.1] zdcheck: begin fsdax/aio/evict" > "$b/kmsg.txt"
echo "124 400012 400" > "$b/boot"
results_verdict "$b" > "$work/out"
has "timed out after 400s: guest died or hung while running zdcheck, during check fsdax/aio/evict (qemu exit 124)"
rm "$b/status" "$b/boot"
results_verdict "$b" > "$work/out"
has "guest never mounted the results share (qemu exit ?)"
results_boot_ms "$b" > "$work/out"
has "0"
results_retried "$b"
result $((!$?)) "no try1/: not retried"
mkdir "$b/try1"
results_retried "$b"
result $? "try1/: retried"

echo "1..$n"
[ $fails -eq 0 ]
