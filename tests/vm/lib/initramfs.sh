# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Build the guest's initramfs from the host's installed Debian packages.
# Sourced.  The kernel accepts concatenated newc archives, so the image is
# three parts: the userland of the kernel's architecture (built once per
# run, it carries zdcheck), the modules of one kernel (cached next to the
# kernel) and a tiny per-run config.  All parts are uncompressed: under TCG the guest would spend longer
# decompressing than the host spends copying.

# Modules the guest loads at boot.  Optional ones may be built in or absent
# (crc32c is a library in 7.x, virtio_pci is a module only in 6.1).
GUEST_MODULES=(nfit nd_pmem dax_pmem device_dax ext4 configfs null_blk
	dm_mod dm_delay virtio_pci 9pnet_virtio 9p)
# Loaded in the background by /init, waited for only where needed.
GUEST_MODULES_BG=(xfs)
GUEST_MODULES_OPTIONAL=(crc32c_intel crc32c_generic)
# The providers' modules (lib/providers.sh), loaded by /init for its
# provider only, and kmem (device-dax as system RAM): packed when the kernel
# has them; a provider whose options the kernel lacks is not booted.
GUEST_MODULES_PROVIDERS=(kmem)
for _p in "${PROVIDERS_ALL[@]}"; do
	# shellcheck disable=SC2206 # a list
	GUEST_MODULES_PROVIDERS+=(${P_MODULES[$_p]})
done
unset _p

# Host binaries copied into the guest, with their place there.  Real tools go
# to /usr/{s,}bin; busybox's applet links go to /bin only, so that no copy
# lands on a busybox link (which would overwrite busybox itself).
GUEST_BINARIES=(
	/usr/bin/kmod:/usr/bin/kmod
	/usr/bin/ndctl:/usr/bin/ndctl
	/usr/bin/daxctl:/usr/bin/daxctl
	/usr/sbin/mke2fs:/usr/sbin/mke2fs
	/usr/sbin/mkfs.xfs:/usr/sbin/mkfs.xfs
	/usr/sbin/xfs_io:/usr/sbin/xfs_io
	/usr/sbin/dmsetup:/usr/sbin/dmsetup
	/usr/bin/daxio:/usr/bin/daxio
	/usr/bin/cmp:/usr/bin/cmp
)

cpio_pack() {	# DIR OUT
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$2"
}

# _copy_libs STAGE FILE...: the ldd closure of FILEs, at the same paths.
_copy_libs() {
	local stage=$1 lib
	shift
	# "lib => /path (addr)" and "\t/lib64/ld-linux... (addr)"; with several
	# files ldd also prints "file:" headers, which are skipped.
	for lib in $(ldd "$@" 2>/dev/null |
		awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && NF == 2 {print $1}' | sort -u); do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# initramfs_stage STAGE ROOT ZDCHECK: the userland's files into STAGE from
# the system at ROOT ('' for the host's own; lib/arm64.sh's arm64 packages):
# busybox (its applet links are the caller's, as are the libraries),
# GUEST_BINARIES, the kmod and mkfs.ext4 links, ZDCHECK, mke2fs.conf, and
# the guest's /init, prologue and safety.
initramfs_stage() {
	local stage=$1 root=$2 zd=$3 e
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,run,mnt,results}
	cp "$root/usr/bin/busybox" "$stage/bin/busybox"
	for e in "${GUEST_BINARIES[@]}"; do
		cp "$root${e%%:*}" "$stage${e#*:}"
	done
	for e in modprobe insmod rmmod lsmod depmod modinfo; do
		ln -s ../bin/kmod "$stage/usr/sbin/$e"
	done
	ln -s mke2fs "$stage/usr/sbin/mkfs.ext4"
	install -m 0755 "$zd" "$stage/usr/bin/zdcheck"
	cp "$root/etc/mke2fs.conf" "$stage/etc/"
	install -m 0755 "$VM_DIR/guest/init" "$stage/init"
	install -m 0644 "$VM_DIR/guest/prologue" "$stage/prologue"
	install -m 0644 "$VM_DIR/guest/safety" "$stage/safety"
	install -m 0644 "$VM_DIR/guest/stress" "$stage/stress"
}

# initramfs_userland ZDCHECK OUT: busybox, the tools, zdcheck and /init.
initramfs_userland() {
	local zd=$1 out=$2 stage e
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-stage.XXXXXX")
	initramfs_stage "$stage" '' "$zd"
	for e in $("$stage/bin/busybox" --list); do
		[ "$e" = busybox ] || ln -s busybox "$stage/bin/$e"
	done
	_copy_libs "$stage" "$stage"/usr/bin/* "$stage"/usr/sbin/mke2fs \
		"$stage"/usr/sbin/mkfs.xfs "$stage"/usr/sbin/xfs_io "$stage"/usr/sbin/dmsetup
	ldconfig -r "$stage" 2>/dev/null || true
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# initramfs_trixie TOOLS OUT: OUT, unless it is there already, the tools
# TOOLS (PATH:PACKAGE ..., lib/providers.sh P_TRIXIE) from the trixie
# chroot, at PATH in the guest.  Trixie's binaries want trixie's C library:
# each is packed under /opt/trixie with the loader and libraries it needs,
# and PATH is a script running it through that loader.
initramfs_trixie() {
	local tools=$1 out=$2 root stage e path pkg lib ld=/usr/lib64/ld-linux-x86-64.so.2
	local libdir=/usr/lib/x86_64-linux-gnu pkgs=()
	[ ! -e "$out" ] || return 0
	for e in $tools; do pkgs+=("${e#*:}"); done
	root=$(trixie_install "${pkgs[@]}") || exit
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-trixie.XXXXXX")
	mkdir -p "$stage/opt/trixie/lib" "$stage/opt/trixie/bin"
	cp -L "$root$ld" "$stage/opt/trixie/lib/"
	for e in $tools; do
		path=${e%%:*} pkg=${e#*:}
		[ -x "$root$path" ] || die "trixie's $pkg has no $path"
		cp "$root$path" "$stage/opt/trixie/bin/"
		for lib in $("$root$ld" --library-path "$root$libdir" --list "$root$path" |
			awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do
			cp -L "$lib" "$stage/opt/trixie/lib/"
		done
		mkdir -p "$stage$(dirname "$path")"
		printf '#!/bin/sh\nexec /opt/trixie/lib/%s --library-path /opt/trixie/lib --argv0 %s /opt/trixie/bin/%s "$@"\n' \
			"${ld##*/}" "${path##*/}" "${path##*/}" > "$stage$path"
		chmod 0755 "$stage$path"
	done
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}

# initramfs_userland_for ARCH OUT: OUT, unless it is there already, the
# userland of ARCH's guests (lib/kernels.sh K_ARCH): initramfs_userland
# with ZDCHECK_BIN for x86_64; lib/arm64.sh's arm64_userland for arm64,
# with zdcheck cross-built from this source tree (or the stand-in, a
# script).
initramfs_userland_for() {
	local arch=$1 out=$2 zd
	[ ! -e "$out" ] || return 0
	case $arch in
	x86_64)	initramfs_userland "$ZDCHECK_BIN" "$out" ;;
	arm64)	arm64_root
		if [ -n "${STANDIN:-}" ]; then
			zd=$ZDCHECK_BIN
		else
			zd=$(arm64_zdcheck "$VM_DIR/../..") || exit
			log "zdcheck (arm64): $zd"
		fi
		arm64_userland "$zd" "$out" ;;
	*)	die "no userland for architecture $arch" ;;
	esac
}

# module_decompress MODULE DIR/NAME.ko[.xz|.zst]: MODULE as a plain .ko at
# DIR/NAME.ko, whatever its compression.  From stdin: zstd and xz skip a
# symbolic link given by name, and a user kernel's module tree is made of
# them.
module_decompress() {
	local out=${2%.xz}
	out=${out%.zst}
	case $1 in
	*.xz)	xz -dc < "$1" > "$out" ;;
	*.zst)	zstd -dcq < "$1" > "$out" ;;
	*)	cp "$1" "$out" ;;
	esac
}

# initramfs_modules KERNEL OUT: the closure of GUEST_MODULES for KERNEL,
# decompressed, with its own modules.dep.  Cached per kernel and module list.
initramfs_modules() {
	local k=$1 out=$2 key stage m line path rel
	local krel=${K_REL[$1]} kroot=${K_ROOT[$1]}
	local mdir=$kroot/lib/modules/$krel
	key=$(printf '%s\n' 2 "$krel" "${K_STAMP[$k]}" "${GUEST_MODULES[@]}" "${GUEST_MODULES_BG[@]}" \
		"${GUEST_MODULES_OPTIONAL[@]}" "${GUEST_MODULES_PROVIDERS[@]}" | md5sum | cut -c1-12)
	if [ -e "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-mods.XXXXXX")
	mkdir -p "$stage/lib/modules/$krel"
	local -a paths=()
	# -C /dev/null: the host's /etc/modprobe.d (ndctl installs one) would
	# otherwise change what gets resolved.
	for m in "${GUEST_MODULES[@]}" "${GUEST_MODULES_BG[@]}"; do
		mapfile -t -O "${#paths[@]}" paths < <(modprobe -C /dev/null -d "$kroot" -S "$krel" \
			--show-depends "$m" | awk '$1 == "insmod" {print $2}') ||
			die "module $m not found for $krel"
	done
	for m in "${GUEST_MODULES_OPTIONAL[@]}" "${GUEST_MODULES_PROVIDERS[@]}"; do
		mapfile -t -O "${#paths[@]}" paths < <(modprobe -C /dev/null -d "$kroot" -S "$krel" \
			--show-depends "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}') || true
	done
	for path in $(printf '%s\n' "${paths[@]}" | sort -u); do
		rel=${path#"$mdir"/}
		mkdir -p "$stage/lib/modules/$krel/$(dirname "$rel")"
		module_decompress "$path" "$stage/lib/modules/$krel/$rel"
	done
	for line in modules.builtin modules.builtin.modinfo modules.order; do
		[ -e "$mdir/$line" ] && cp "$mdir/$line" "$stage/lib/modules/$krel/"
	done
	# The kernel's config where tools look for it (zdcheck probe reports it).
	mkdir -p "$stage/boot"
	for line in "$kroot/boot/config-$krel" "$mdir/config"; do
		[ -e "$line" ] && cp "$line" "$stage/boot/config-$krel" && break
	done
	depmod -b "$stage" "$krel" || die "depmod of the guest modules failed"
	cpio_pack "$stage" "$out"
	echo "$key" > "$out.key"
	rm -rf "$stage"
}

# _hook_on VALUE KERNEL: a debug hook given as 1, all, or a list of kernels
# (ZDCHECK_VM_CRASH=6.12 or 6.1,7) is on for KERNEL.
_hook_on() {
	case ",$1," in
	,1,|,all,|*,"$2",*)	echo 1 ;;
	*)			echo 0 ;;
	esac
}

# _args_for CMD: ZDCHECK_ARGS, one a line, without the options "zdcheck CMD"
# does not take and would refuse: the ones its --help does not list (and
# their values). The stand-in takes them all.
_args_for() {
	local cmd=$1 takes valued a i
	if [ -n "${STANDIN:-}" ]; then
		printf '%s\n' "${ZDCHECK_ARGS[@]}"
		return
	fi
	takes=" $("$ZDCHECK_BIN" "$cmd" --help | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' |
		tr '\n' ' ') "
	valued=" $("$ZDCHECK_BIN" --help | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\) [A-Z].*/\2/p' |
		tr '\n' ' ') -t -x "
	for ((i = 0; i < ${#ZDCHECK_ARGS[@]}; i++)); do
		a=${ZDCHECK_ARGS[i]}
		if [[ $a == --* && $takes != *" ${a%%=*} "* ]]; then
			[[ $a != *=* && $valued == *" $a "* ]] && i=$((i + 1))
			continue
		fi
		printf '%s\n' "$a"
		# A value is never taken for an option.
		[[ $a != *=* && $valued == *" $a "* ]] &&
			i=$((i + 1)) && printf '%s\n' "${ZDCHECK_ARGS[i]}"
	done
}

# initramfs_config OUT RUN: per-guest settings for /init, as shell
# assignments plus one zdcheck argument per line (ash has no arrays); RUN
# is a kernel's key or KERNEL@PROVIDER (lib/providers.sh).
initramfs_config() {
	local out=$1 kernel stage p
	kernel=$(run_kernel "$2") p=$(run_provider "$2")
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-vm-conf.XXXXXX")
	mkdir -p "$stage/etc/zdcheck-vm"
	{
		printf 'VM_MODE=%s\n' "$VM_MODE"
		printf 'STRESS_S=%s\n' "${STRESS_S:-}"
		# No filesystems where the provider has no fs-dax.
		printf 'VM_FILESYSTEMS="%s"\n' "$([ -n "${P_FSDAX[$p]:-}" ] || echo "${FILESYSTEMS[*]}")"
		printf 'VM_CRASH=%s\n' "$(_hook_on "${ZDCHECK_VM_CRASH:-}" "$kernel")"
		printf 'VM_HANG=%s\n' "$(_hook_on "${ZDCHECK_VM_HANG:-}" "$kernel")"
		printf 'VM_CRASH_IN=%s\n' "${ZDCHECK_VM_CRASH_IN:-}"
		printf 'VM_MODULES="%s"\n' "${GUEST_MODULES[*]}"
		printf 'VM_MODULES_BG="%s"\n' "${GUEST_MODULES_BG[*]}"
		printf 'VM_PROVIDER=%s\n' "$p"
		printf 'VM_PROVIDER_MODULES="%s"\n' "${P_MODULES[$p]}"
		printf 'VM_ALONE="%s"\n' "${ALONE[*]}"
		printf 'VM_LAST=%s\n' "$(last_check "$2")"
		# The data-safety pass (guest/safety), not for the stand-in.
		# It needs nfit's separate device-dax and fs-dax regions.
		printf 'VM_SAFETY=%s\n' "$([ -z "${STANDIN:-}" ] && [ "$p" = nfit ] && echo "$VM_SAFETY" || echo 0)"
	} > "$stage/etc/zdcheck-vm/config"
	# The checks' deadlines grow with the guest's (P_TIME) unless the
	# run set them with --timeout.
	local -a args=("${ZDCHECK_ARGS[@]}")
	if [ "${P_TIME[$p]:-1}" -gt 1 ] && [[ " ${args[*]} " != *" --timeout"[\ =]* ]]; then
		args=(--timeout-scale "${P_TIME[$p]}" "${args[@]}")
	fi
	# And the device-dax window shrinks to the provider's (P_SIZE) unless
	# the run chose it.
	if [ -n "${P_SIZE[$p]:-}" ] && [[ " ${args[*]} " != *" --size"[\ =]* ]]; then
		args=(--size "${P_SIZE[$p]}" "${args[@]}")
	fi
	local -a ZDCHECK_ARGS=("${args[@]}")
	_args_for devdax > "$stage/etc/zdcheck-vm/args-devdax"
	_args_for fsdax > "$stage/etc/zdcheck-vm/args-fsdax"
	_args_for stress > "$stage/etc/zdcheck-vm/args-stress"
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}
