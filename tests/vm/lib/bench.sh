# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The bench mode of tests/vm/run (--bench): one guest of the first kernel
# and provider, set up as for the checks, runs tests/bench/guest instead of
# them: the benchmarks of tests/bench/, built in BUILDDIR, on the guest's
# DAX memory, each against its peer.  Their tables land in
# OUTDIR/RUN/bench-NAME.txt and are printed.  Sourced.

BENCH_PROGRAMS=(bench-data bench-pin)
# The peers that are not written here: Debian's own (tests/vm/install-deps),
# and fstests' t_mmap_collision from a built fstests checkout given to
# tests/bench/run --fstests DIR ($ZDCHECK_BENCH_FSTESTS): without it
# bench-collide says it did not run.
BENCH_PEERS=(/usr/bin/fio)
# Only these benchmarks (tests/bench/run --only NAME, $ZDCHECK_BENCH_ONLY:
# data, pin, jobs, collide), or all.
BENCH_ONLY=${ZDCHECK_BENCH_ONLY:-}

# bench_part OUT: the benchmarks and their peers (in /usr/bin, with the
# libraries the userland lacks) and the guest's script (/bench).
bench_part() {
	local out=$1 stage b
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-bench.XXXXXX")
	mkdir -p "$stage/usr/bin"
	for b in "${BENCH_PROGRAMS[@]}"; do
		[ -x "$BUILDDIR/tests/bench/$b" ] ||
			die "no $BUILDDIR/tests/bench/$b: build it (meson compile -C $BUILDDIR)"
		cp "$BUILDDIR/tests/bench/$b" "$stage/usr/bin/"
	done
	for b in "${BENCH_PEERS[@]}"; do
		[ -x "$b" ] || die "no $b: run tests/vm/install-deps"
		cp "$b" "$stage/usr/bin/"
	done
	if [ -n "${ZDCHECK_BENCH_FSTESTS:-}" ]; then
		b=$ZDCHECK_BENCH_FSTESTS/src/t_mmap_collision
		[ -x "$b" ] || die "no $b: build fstests there (make)"
		cp "$b" "$stage/usr/bin/"
	fi
	mkdir -p "$stage/etc"
	printf 'BENCH_ONLY="%s"\n' "$BENCH_ONLY" > "$stage/etc/zdcheck-bench"
	_copy_libs "$stage" "$stage"/usr/bin/*
	install -m 0644 "$VM_DIR/../bench/guest" "$stage/bench"
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# bench_run: the one boot (lib/matrix.sh _matrix_boots), then its tables;
# 0 if the guest got through them.
bench_run() {
	local r
	# BUILDDIR's benchmarks are this machine's.
	[ "${K_ARCH[${KERNELS[0]}]}" = x86_64 ] ||
		usage_error "--bench runs x86_64 kernels only: the benchmarks are built for this machine"
	r=$(run_key "${KERNELS[0]}" "${PROVIDERS[0]}")
	_matrix_boots "$r"
	cat "$OUTDIR/$r"/bench-*.txt 2>/dev/null
	[ "$(results_status "$OUTDIR/$r")" = "done" ] && return 0
	echo "vm: the bench guest did not finish ($(results_verdict "$OUTDIR/$r")), see $OUTDIR/$r/console.log"
	return 1
}
