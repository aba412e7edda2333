# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# tests/vm/run --mutants: build the fault-injecting modules of tests/mutants/
# for each guest kernel, boot the kernel once clean and once with each
# mutant loaded, run the same fs-dax checks every time, then zdcheck stress
# on the first filesystem, and print which mutant zdcheck caught, by which
# checks and by stress, with which diagnosis.  Sourced by tests/vm/run
# after its helpers.
#
# Headers: Debian's linux-headers-REL, linux-headers-*-common and
# linux-kbuild-* of the exact guest kernel, downloaded through the private
# apt state of lib/kernels.sh and unpacked once into
# $ZDCHECK_CACHE/headers/<kernel>/.  Their Makefile names the compiler the
# kernel was built with (.kernelvariables); when the host lacks it (7.x is
# built with trixie's gcc-14, this host is bookworm with gcc-12, whose
# flags differ: -fmin-function-alignment), the modules are built in a trixie
# chroot made with debootstrap from the host's own archive and cached in
# $ZDCHECK_CACHE/chroot-trixie/, the headers unpacked inside it.

MUTANTS_SRC=$VM_DIR/../mutants
# shellcheck disable=SC2034 # read by tests/vm/run
MUTANT_MODE=''	# tests/vm/run --mutants
# Every mutant, as module name: the fault it injects.
MUTANTS=(zdm_nowait zdm_lostwake zdm_leak zdm_longterm zdm_warn zdm_rarewake)
declare -A MUTANT_WHAT=(
	[zdm_nowait]="no wait: busy-page search finds nothing"
	[zdm_lostwake]="lost wake-up of an idle fs-dax page"
	[zdm_leak]="a vmsplice pipe buffer leaks its fs-dax page reference"
	[zdm_longterm]="FOLL_LONGTERM pin of fs-dax accepted"
	[zdm_warn]="WARN on the DAX fault path"
	[zdm_rarewake]="one lost wake-up in 20 (the checks may miss it; stress must not)"
)
# Mutants that misbehave only now and then: their checks' rows may miss
# (verdict "not-seen"); stress must catch them.
MUTANT_RARE=" zdm_rarewake "
# Mutants that misbehave once per filesystem: the checks use that up, so
# their stress run gets a boot of its own (OUTDIR/KERNEL/MUTANT-stress/).
MUTANT_ONCE=" zdm_leak zdm_warn "
# What zdcheck must say to have caught each mutant for the right reason
# (an extended regex over a caught check's reason and its "also:"
# evidence): a failure for another reason is a side effect, not a catch.
# A change stuck in an uninterruptible sleep (stress's eviction, from
# 6.15) cannot be signalled to re-check: zdcheck names both causes
# there, which is right for either mutant.
MUTANT_DIAG_D="uninterruptible sleep .* a lost wake-up or a leaked reference"
declare -A MUTANT_DIAG=(
	[zdm_nowait]="while the page was pinned|landed in another file|stale pin read another file"
	[zdm_lostwake]="never woke up after the pin was released|after the release, over the|$MUTANT_DIAG_D"
	[zdm_leak]="still referenced \\(leaked reference\\)|$MUTANT_DIAG_D"
	[zdm_longterm]="accepted a long-term pin"
	[zdm_warn]="kernel log: .*WARNING"
	[zdm_rarewake]="never woke up after the pin was released|after the release, over the|$MUTANT_DIAG_D"
)
# zdcheck stress in every mutant boot (and the clean one), on the first
# filesystem, for this long ($ZDCHECK_VM_MUTANT_STRESS seconds; 0: none).
MUTANT_STRESS_S=${ZDCHECK_VM_MUTANT_STRESS:-60}
# What those runs leave out, by kernel: the triggers of the kernel's own
# known bugs (expected/stress: eviction before 6.15, 6.1's lost wake-ups
# after O_DIRECT reads), so that the clean boot's run passes and a failure
# is the mutant's. vmsplice and the long-term pin stay.
declare -A MUTANT_STRESS_X=(
	[6.1]="-x evict -x aio -x uring -x pread"
	[6.12]="-x evict"
)
# The checks every boot runs (clean and mutant alike, so a failure can be
# blamed on the mutant): the waits of truncate and punch hole under
# vmsplice pins (PTE and PMD) and an O_DIRECT pin, and the long-term pin
# refusal.
MUTANT_CHECKS=(fsdax/vmsplice/truncate-0 fsdax/vmsplice/punch-hole
	fsdax/vmsplice-pmd/punch-hole fsdax/aio/punch-hole fsdax/uring-register/longterm)
# More checks for one mutant; the clean boot runs them too.  Eviction only
# under "no wait": from 6.15 eviction waits uninterruptibly, and under the
# lost wake-up it would wait for ever.  zdm_leak needs nothing more: the
# removal of truncate-0's files is its eviction (tests/vm/README.md).
declare -A MUTANT_EXTRA=(
	[zdm_nowait]="fsdax/vmsplice/evict fsdax/aio/evict"
)
# _mutant_cc DIR: the compiler the headers in DIR (…/usr/src/linux-headers-REL)
# ask for, e.g. x86_64-linux-gnu-gcc-14.
_mutant_cc() {
	local v cross=''
	v=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$1/.kernelvariables")
	grep -q '^override CROSS_COMPILE = x86_64-linux-gnu-' "$1/.kernelvariables" &&
		cross=x86_64-linux-gnu-
	echo "$cross$v"
}

# mutants_headers KEY: the headers to build against: the user kernel's own
# tree (K_HDR), else Debian's package for $krel, unpacked.  Sets MUT_ROOT
# (the filesystem root to build in: / or the chroot), MUT_HDR (the
# headers' path inside that root) and MUT_MAKE (make's -C and O= for them).
mutants_headers() {
	local key=$1 dir=$ZDCHECK_CACHE/headers/$1 pkg ver cc krel=${K_REL[$1]}
	if [ "${K_SRC[$key]}" != debian ]; then
		[ -n "${K_HDR[$key]}" ] ||
			usage_error "kernel $key (${K_DESC[$key]}): no headers to build the mutants against (no lib/modules/$krel/build)"
		# Built with the host's compiler, as the tree was.
		MUT_ROOT=/ MUT_HDR=${K_HDR[$key]} MUT_MAKE=(-C "${K_HDR[$key]}")
		return 0
	fi
	pkg=linux-headers-$krel
	MUT_HDR=/usr/src/$pkg
	if [ ! -e "$dir/ready" ] || [ "$(cat "$dir/release")" != "$krel" ]; then
		apt_private_update
		ver=$(apt-cache "${APT_OPTS[@]}" show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
		[ -n "$ver" ] || die "no $pkg in the private apt state"
		local -a pkgs=("$pkg=$ver")
		# -common and linux-kbuild-*, at the same version (6.1's kbuild
		# package name carries no ABI number, so pin the version).
		mapfile -t -O 1 pkgs < <(apt-cache "${APT_OPTS[@]}" show "$pkg=$ver" |
			sed -n 's/^Depends: //p' | tr ',' '\n' |
			sed -n "s/^ *\(linux-\(headers-[^ ]*-common\|kbuild-[^ ]*\)\).*/\1=$ver/p")
		[ ${#pkgs[@]} -eq 3 ] || die "unexpected dependencies of $pkg: ${pkgs[*]}"
		log "kernel $key: downloading ${pkgs[*]%%=*}"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/debs" "$dir.tmp/root"
		(cd "$dir.tmp/debs" && apt-get "${APT_OPTS[@]}" download "${pkgs[@]}" >&2) ||
			die "apt-get download ${pkgs[*]} failed"
		for d in "$dir.tmp"/debs/*.deb; do dpkg-deb -x "$d" "$dir.tmp/root"; done
		mv "$dir.tmp/debs" "$dir.tmp/debs.keep"
		echo "$krel" > "$dir.tmp/release"
		rm -rf "$dir" && mv "$dir.tmp" "$dir" && touch "$dir/ready"
	fi
	cc=$(_mutant_cc "$dir/root$MUT_HDR")
	if command -v "$cc" >/dev/null; then
		# The Makefile in .../-amd64 includes -common by its absolute
		# path: on the host, call -common's with O= instead.
		MUT_ROOT=/ MUT_HDR=$dir/root$MUT_HDR
		MUT_MAKE=(-C "${MUT_HDR%-amd64}-common" O="$MUT_HDR")
		return 0
	fi
	log "kernel $key: no $cc on this host, building in a $CHROOT_SUITE chroot"
	MUT_ROOT=$(trixie_chroot) MUT_MAKE=(-C "$MUT_HDR")
	# The headers at their own paths inside the chroot, once per release.
	if [ ! -e "$MUT_ROOT/.headers-$krel" ]; then
		for d in "$dir"/debs.keep/*.deb; do dpkg-deb -x "$d" "$MUT_ROOT"; done
		touch "$MUT_ROOT/.headers-$krel"
	fi
	chroot "$MUT_ROOT" sh -c "command -v $cc" >/dev/null ||
		die "the $CHROOT_SUITE chroot has no $cc either"
}

# mutants_build KEY OUT: build every mutant for kernel KEY into OUT/*.ko.
mutants_build() {
	local key=$1 out=$2 b krel=${K_REL[$1]}
	mutants_headers "$key"
	mkdir -p "$out"
	# No BTF for the modules: the host may have no pahole, and nothing
	# here needs it.
	local -a make_args=(-j2 CONFIG_DEBUG_INFO_BTF_MODULES= modules)
	if [ "$MUT_ROOT" = / ]; then
		# Built next to the results: a WARNING names this path.
		b=$out/src
		rm -rf "$b" && mkdir -p "$b"
		cp "$MUTANTS_SRC"/Kbuild "$MUTANTS_SRC"/*.[ch] "$b/"
		nice -n 19 make "${MUT_MAKE[@]}" M="$b" \
			"${make_args[@]}" > "$out/build.log" 2>&1 ||
			{ tail -n 20 "$out/build.log" >&2; die "building the mutants for $krel failed"; }
	else
		b=$MUT_ROOT/build/zdcheck-mutants
		rm -rf "$b" && mkdir -p "$b"
		cp "$MUTANTS_SRC"/Kbuild "$MUTANTS_SRC"/*.[ch] "$b/"
		in_chroot "$MUT_ROOT" nice -n 19 make "${MUT_MAKE[@]}" M=/build/zdcheck-mutants \
			"${make_args[@]}" > "$out/build.log" 2>&1 ||
			{ tail -n 20 "$out/build.log" >&2; die "building the mutants for $krel failed"; }
	fi
	cp "$b"/*.ko "$out/"
	[ "$MUT_ROOT" = / ] || rm -rf "$b"
	for b in "${MUTANTS[@]}"; do
		[ -e "$out/$b.ko" ] || die "no $b.ko built for $krel"
		[ "$(modinfo -F vermagic "$out/$b.ko" | cut -d' ' -f1)" = "$krel" ] ||
			die "$b.ko was built for another kernel than $krel"
	done
}

# _mutant_cpio OUT KERNEL STRESS [KO]: /mutant/run (guest/mutant), the
# stress run's seconds and arguments (STRESS: "" none, "after" the checks,
# "only" instead of them), and the module, if any.
_mutant_cpio() {
	local out=$1 k=$2 stress=$3 ko=${4:-} stage a
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-mut.XXXXXX")
	mkdir -p "$stage/mutant"
	install -m 0644 "$VM_DIR/guest/mutant" "$stage/mutant/run"
	[ -z "$stress" ] || echo "$MUTANT_STRESS_S" > "$stage/mutant/stress-seconds"
	[ "$stress" != only ] || touch "$stage/mutant/stress-only"
	for a in ${MUTANT_STRESS_X[$k]:-}; do echo "$a"; done > "$stage/mutant/stress-args"
	[ -z "$ko" ] || cp "$ko" "$stage/mutant/"
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# mutants_run: the whole mode; returns 0 when the clean boots match their
# expectations and every mutant was caught on every kernel and filesystem.
mutants_run() {
	# shellcheck disable=SC2154 # work: tests/vm/run's scratch directory
	local k m boot rc=0 rows=$work/mutant-rows
	local -a sel=() list extra args=("${ZDCHECK_ARGS[@]}")
	# ZDCHECK_VM_MUTANTS="zdm_a zdm_b": only those (the clean boot always runs).
	read -r -a list <<<"${ZDCHECK_VM_MUTANTS:-${MUTANTS[*]}}"
	for m in "${list[@]}"; do
		[ -n "${MUTANT_WHAT[$m]:-}" ] || die "unknown mutant $m (${MUTANTS[*]})"
	done
	# _sel MUTANT...: the -t options for these mutants' boot.
	_sel() {
		local c m
		sel=()
		for c in "${MUTANT_CHECKS[@]}"; do sel+=(-t "$c"); done
		for m; do
			read -r -a extra <<<"${MUTANT_EXTRA[$m]:-}"
			for c in "${extra[@]}"; do sel+=(-t "$c"); done
		done
	}
	: > "$rows"
	initramfs_userland_for x86_64 "$work/userland-x86_64.cpio"
	for k in "${KERNELS[@]}"; do
		kernel_prepare "$k"
		rm -rf "${OUTDIR:?}/$k" && mkdir -p "$OUTDIR/$k"
		mutants_build "$k" "$OUTDIR/$k/modules"
		initramfs_modules "$k" "${K_CACHE[$k]}/modules.cpio"
		local stress=after
		[ "$MUTANT_STRESS_S" != 0 ] || stress=''
		for m in clean "${list[@]}"; do
			if [ "$m" = clean ]; then
				_sel "${list[@]}"
				_mutant_boot "$k" "$m" "$m" "$stress" || { rc=1; break; }
				continue
			fi
			_sel "$m"
			if [[ $MUTANT_ONCE == *" $m "* ]]; then
				_mutant_boot "$k" "$m" "$m" ''
				[ -z "$stress" ] || _mutant_boot "$k" "$m" "$m-stress" only
			else
				_mutant_boot "$k" "$m" "$m" "$stress"
			fi
			if [[ $MUTANT_RARE == *" $m "* ]]; then
				mutant_rows "$OUTDIR" "$k" "$m" "${MUTANT_DIAG[$m]}" |
					awk -F'\t' -v OFS='\t' '$4 == "MISSED" { $4 = "not-seen" } 1' >> "$rows"
			else
				mutant_rows "$OUTDIR" "$k" "$m" "${MUTANT_DIAG[$m]}" >> "$rows"
			fi
			boot=$m
			if [[ $MUTANT_ONCE == *" $m "* ]]; then boot=$m-stress; fi
			[ -z "$stress" ] || mutant_stress_row "$OUTDIR" "$k" "$m" "${MUTANT_DIAG[$m]}" \
				"${FILESYSTEMS[0]}" "$boot" >> "$rows"
		done
		rm -f "$work/initrd-$k"
	done
	_mutant_table "$rows" || rc=1
	# The clean boots are judged like any run, by the expectations; they
	# ran fs-dax only.
	local out_clean=$work/clean
	mkdir -p "$out_clean"
	for k in "${KERNELS[@]}"; do
		[ -d "$OUTDIR/$k/clean" ] && ln -sfn "$OUTDIR/$k/clean" "$out_clean/$k"
	done
	# shellcheck disable=SC2034 # read by lib/verdict.sh
	local -a MATRIX_TARGETS=("${FILESYSTEMS[@]}") RUNS=("${KERNELS[@]}")
	echo "clean boots (the same checks, no mutant):"
	matrix_print "$out_clean" || rc=1
	# Notes about the expected failures of checks outside the selection
	# would bury the rest.
	expectations_check "$out_clean" > "$work/expectations" || rc=1
	grep -v '^note: expected failure not run' "$work/expectations" || true
	return $rc
}

# _mutant_boot KERNEL MUTANT BOOT STRESS: one boot of KERNEL with MUTANT
# (clean: none) into OUTDIR/KERNEL/BOOT/, the checks of sel (mutants_run)
# and the stress run STRESS says (_mutant_cpio); 1 when the clean boot
# failed, and nothing can be judged.
_mutant_boot() {
	local k=$1 m=$2 d=$OUTDIR/$1/$3 stress=$4 why
	mkdir -p "$d"
	if [ "$m" = clean ]; then
		_mutant_cpio "$work/mutant.cpio" "$k" "$stress"
	else
		_mutant_cpio "$work/mutant.cpio" "$k" "$stress" "$OUTDIR/$k/modules/$m.ko"
	fi
	ZDCHECK_ARGS=("${sel[@]}" "${args[@]}")
	initramfs_config "$work/config.cpio" "$k"
	cat "$work/userland-x86_64.cpio" "${K_CACHE[$k]}/modules.cpio" \
		"$work/config.cpio" "$work/mutant.cpio" > "$work/initrd-$k"
	log "kernel $k: booting ${K_REL[$k]} with mutant $m${stress:+ (stress $stress)}"
	guest_boot "$k" "$d" "$work/initrd-$k"
	why=$(results_verdict "$d")
	if [ "$m" = clean ] && [ -n "$why" ]; then
		log "kernel $k: the clean boot failed ($why): no mutant can be judged"
		return 1
	fi
	return 0
}

# _mutant_table ROWS: the mutation table (lib/verdict.sh's mutant_table)
# with the checks and the mutants; 1 if a mutant was not caught.
_mutant_table() {
	echo
	echo "mutation table (checks: ${MUTANT_CHECKS[*]}; for zdm_nowait also ${MUTANT_EXTRA[zdm_nowait]};"
	echo "stress:FS: zdcheck stress fsdax for ${MUTANT_STRESS_S} s on FS in the same boot)"
	mutant_table "$1"
	local r=$?
	echo
	for m in "${MUTANTS[@]}"; do printf '  %-13s %s\n' "$m" "${MUTANT_WHAT[$m]}"; done
	return $r
}
