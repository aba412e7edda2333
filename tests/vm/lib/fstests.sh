# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The fstests mode of the test bed (tests/vm/run --fstests DIR).  Sourced.
#
# fstests needs a real userland (bash, gawk, perl, xfsprogs, e2fsprogs,
# util-linux, ...), which the busybox initramfs lacks.  So this mode boots a
# Debian bookworm root made by debootstrap from the host's own archive,
# cached as one uncompressed newc archive and used as the initramfs itself
# (no switch_root: /init is tests/vm/guest/init-fstests).  The kernel's
# modules, zdcheck and its libraries, and the per-run settings are further
# archives appended to it.  The user's fstests checkout, built on the host
# (bookworm too, so its binaries run in the guest), is shared with virtio-9p
# at /fstests; its results go to OUTDIR/fstests/<kernel>/.

# Packages of the guest root on top of debootstrap's minbase: what fstests'
# common/config and the generic cases need, and the namespace tools.
FSTESTS_ROOT_PACKAGES=(acl attr bc gawk e2fsprogs xfsprogs util-linux psmisc
	procps kmod ndctl daxctl dmsetup perl libaio1 liburing2 libgdbm6
	libgdbm-compat4 libcap2 libssl3 uuid-runtime file hostname bsdextrautils
	xfsdump)

# Set by tests/vm/run --fstests DIR.
FSTESTS_DIR=''
# A guest runs several fstests cases per filesystem: unless -t or
# $ZDCHECK_VM_TIMEOUT says otherwise, it gets 30 minutes, not guest.sh's 240 s.
_fstests_timeout_default=$VM_TIMEOUT

# fstests_root OUT: the guest root as a newc archive, built once into the
# cache (ZDCHECK_VM_REFRESH=1 builds it again).
fstests_root() {
	local out=$1 key dir=$ZDCHECK_CACHE/guest-root mirror
	key=$(printf '%s\n' 1 "${FSTESTS_ROOT_PACKAGES[@]}" | md5sum | cut -c1-12)
	if [ -e "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ] &&
		[ -z "${ZDCHECK_VM_REFRESH:-}" ]; then
		return 0
	fi
	command -v debootstrap >/dev/null || PATH=$PATH:/usr/sbin
	command -v debootstrap >/dev/null || die "debootstrap missing: run tests/vm/install-deps"
	mirror=$(_host_archive bookworm) || die "the host's apt has no bookworm/main source"
	log "building the guest's Debian root (debootstrap bookworm, once)"
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	local inc
	inc=$(IFS=,; echo "${FSTESTS_ROOT_PACKAGES[*]}")
	nice -n 19 debootstrap --variant=minbase --include="$inc" \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		bookworm "$dir.tmp/root" "$mirror" > "$dir.tmp/debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $dir.tmp/debootstrap.log"
	# Nothing in the guest needs the package cache or the docs.
	rm -rf "$dir.tmp/root/var/cache/apt/archives/"*.deb \
		"$dir.tmp/root/usr/share/doc" "$dir.tmp/root/usr/share/man" \
		"$dir.tmp/root/usr/share/locale"
	cpio_pack "$dir.tmp/root" "$out.tmp"
	mv "$out.tmp" "$out"
	echo "$key" > "$out.key"
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# _usrmerge STAGE: move STAGE's /lib, /lib64, /bin and /sbin under /usr.
# The root has them as symlinks into /usr (merged /usr), and the kernel,
# unpacking a later archive, replaces a symlink by a directory entry of the
# same name instead of following it: the root would lose its /lib.
_usrmerge() {
	local d
	for d in lib lib64 bin sbin; do
		if [ ! -d "$1/$d" ] || [ -L "$1/$d" ]; then
			continue
		fi
		mkdir -p "$1/usr/$d"
		cp -a "$1/$d/." "$1/usr/$d/"
		rm -rf "${1:?}/$d"
	done
}

# _fstests_modules KEY OUT: the kernel's module archive (lib/initramfs.sh's,
# cached per kernel) with its paths under /usr.
_fstests_modules() {
	local mods=${K_CACHE[$1]}/modules.cpio out=$2 stage
	initramfs_modules "$1" "$mods"
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-mods.XXXXXX")
	(cd "$stage" && cpio -id --quiet < "$mods")
	_usrmerge "$stage"
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# root_initrd KEY EXTRA OUT: the initramfs of a Debian-root guest of
# kernel KEY: the root, the kernel's modules, then the archive EXTRA (the
# mode's /init, zdcheck and settings, the same for every kernel).
root_initrd() {
	_fstests_modules "$1" "$3.modules"
	cat "$ZDCHECK_CACHE/guest-root.cpio" "$3.modules" "$2" > "$3"
	rm -f "$3.modules"
}

# fstests_cases DIR: the zdcheck cases installed in the checkout DIR, as
# check's test names (generic/NNN), in the order tests/xfstests/install
# gave them.
fstests_cases() {
	"$VM_DIR/../xfstests/install" --list "$1" | awk '{ print $2 }'
}

# _fstests_guest KEY RESDIR INITRD: guest_boot with two fs-dax NVDIMMs
# (1 GiB each: mkfs.xfs of xfsprogs 6.1 wants 300 MB, and a 2 MiB stripe unit
# a large log) and the fstests checkout shared as "fstests".  The Debian root
# lives in guest RAM (the kernel gives half of it to the initramfs), hence
# 3 GiB.
# shellcheck disable=SC2034 # the locals are guest_run's settings
_fstests_guest() {
	local NVDIMM_SIZES=(1G 1G) GUEST_MEM=3G
	# shellcheck disable=SC2054 # commas are qemu's
	local GUEST_QEMU_EXTRA=(-fsdev "local,id=fst,path=$FSTESTS_DIR,security_model=none"
		-device virtio-9p-pci,fsdev=fst,mount_tag=fstests)
	guest_boot "$@"
}

# root_extra_stage INIT: a new stage directory (its path on stdout) with
# INIT as /init, guest/prologue, zdcheck and the libraries it needs, laid
# out for the Debian root (lib/kselftest.sh uses it too).
root_extra_stage() {
	local stage
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-root.XXXXXX")
	mkdir -p "$stage/usr/local/bin" "$stage/etc/zdcheck-vm"
	install -m 0755 "$1" "$stage/init"
	install -m 0644 "$VM_DIR/guest/prologue" "$stage/prologue"
	install -m 0755 "$ZDCHECK_BIN" "$stage/usr/local/bin/zdcheck"
	# Built on this bookworm host; of its libraries only those the root
	# lacks are added (never a second libc over the root's own).
	_copy_libs "$stage" "$ZDCHECK_BIN"
	_usrmerge "$stage"
	(cd "$stage" && find usr/lib* -type f) | while read -r f; do
		[ ! -e "$ZDCHECK_CACHE/guest-root/root/$f" ] || rm "$stage/$f"
	done
	echo "$stage"
}

# _fstests_extra OUT: /init, zdcheck with the libraries it needs,
# and the settings, as the last archive of the initramfs.
_fstests_extra() {
	local out=$1 stage
	stage=$(root_extra_stage "$VM_DIR/guest/init-fstests")
	{
		printf 'VM_MODE=%s\n' "$VM_MODE"
		printf 'VM_FILESYSTEMS="%s"\n' "${FILESYSTEMS[*]}"
		printf 'VM_MODULES="%s"\n' "${GUEST_MODULES[*]}"
		printf 'VM_MODULES_BG="%s"\n' "${GUEST_MODULES_BG[*]}"
		printf 'VM_FSTESTS="%s"\n' "${FSTESTS_CASES[*]}"
	} > "$stage/etc/zdcheck-vm/config"
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# fstests_main: tests/vm/run --fstests DIR.  Runs the zdcheck cases
# installed in DIR with ./check on each kernel and filesystem and prints
# check's own summary lines.  Exit 0 when no case failed.
fstests_main() {
	local k fs res flog rc=0 work
	FSTESTS_DIR=$(cd "$FSTESTS_DIR" && pwd) || die "no fstests checkout at $FSTESTS_DIR"
	if [ ! -x "$FSTESTS_DIR/check" ] || [ ! -x "$FSTESTS_DIR/ltp/fsstress" ]; then
		die "$FSTESTS_DIR: not a built fstests checkout (./check, ltp/fsstress): run make there"
	fi
	mapfile -t FSTESTS_CASES < <(fstests_cases "$FSTESTS_DIR")
	[ ${#FSTESTS_CASES[@]} -gt 0 ] ||
		die "no zdcheck cases in $FSTESTS_DIR: run tests/xfstests/install $FSTESTS_DIR"
	[ "$VM_TIMEOUT" != "$_fstests_timeout_default" ] || VM_TIMEOUT=${ZDCHECK_VM_TIMEOUT:-1800}
	work=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm.XXXXXX")
	# shellcheck disable=SC2064 # $work is fixed now
	trap "rm -rf '$work'" EXIT
	fstests_root "$ZDCHECK_CACHE/guest-root.cpio"
	_fstests_extra "$work/extra.cpio"
	log "fstests: ${FSTESTS_CASES[*]} from $FSTESTS_DIR; zdcheck: $ZDCHECK_BIN"
	for k in "${KERNELS[@]}"; do
		kernel_prepare "$k"
		res=$OUTDIR/fstests/$k
		rm -rf "$res" && mkdir -p "$res"
		root_initrd "$k" "$work/extra.cpio" "$work/initrd"
		log "kernel $k: booting ${K_REL[$k]} (${K_KIND[$k]}) with the Debian root"
		_fstests_guest "$k" "$res" "$work/initrd"
		rm -f "$work/initrd"
		[ "$VM_MODE" = shell ] && return 0
		kernel_describe "$k" > "$res/kernel"
		for fs in "${FILESYSTEMS[@]}"; do
			flog=$res/fstests-$fs.log
			echo "== kernel $k (${K_REL[$k]}), $fs: ./check ${FSTESTS_CASES[*]}"
			if ! grep -q '^Ran:' "$flog" 2>/dev/null; then
				echo "no fstests summary (guest: $(results_verdict "$res"))"
				tail -n 5 "$flog" 2>/dev/null
				rc=1
				continue
			fi
			sed -n '/^Ran:/,$p' "$flog"
			! grep -q '^Failures:' "$flog" || rc=1
		done
	done
	echo "results in $OUTDIR"
	return $rc
}
