# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Debian's arm64 kernels as records (lib/kernels.sh: keys 6.1-arm64,
# 6.12-arm64, 7-arm64, K_ARCH arm64), zdcheck built with a cross compiler
# and the arm64 guest userland (lib/initramfs.sh initramfs_userland_for);
# lib/guest.sh boots them on QEMU's virt machine.  Sourced after
# lib/common.sh, lib/kernels.sh and lib/initramfs.sh.
#
# Nothing here runs an arm64 binary on the host: libraries are found by
# their ELF NEEDED entries, busybox's applets by the name table in its
# binary.  Everything arm64 comes from Debian's arm64 packages through a
# private apt state of its own, $ARM64_CACHE/apt (the bed's amd64 one is
# left alone): the kernel like the bed's (kernel_package), the userland
# and the cross build's libraries from bookworm, the suite the x86 bed's
# userland (the host's packages) comes from.
#
# $ARM64_CACHE holds:
#   apt/            the private apt state (arm64), bookworm.pref its pin
#   kernels/KERNEL/ the kernel (6.1, 6.12, 7): root/ (unpacked packages,
#                   modules.dep), Image, release, packages, ready
#   root/           the userland and sysroot: the packages of ARM64_PACKAGES
#                   and their libraries, unpacked with merged /usr;
#                   root.key names what it holds
#   zdcheck/SRC/    the cross build of zdcheck from the source tree SRC
#                   (its path, / as _); SRC.ini its meson cross file,
#                   SRC.setup.log and SRC.ninja.log what meson and ninja said

ARM64_CACHE=$ZDCHECK_CACHE/arm64

# Packages unpacked into $ARM64_CACHE/root, with the libraries they depend
# on: the guest's tools (the arm64 twins of the host packages install-deps
# lists) and what zdcheck is built against (meson.build's dependencies).
# libc6-dev comes from the cross toolchain (libc6-dev-arm64-cross).
ARM64_PACKAGES=(libc6 busybox-static kmod ndctl daxctl e2fsprogs xfsprogs dmsetup pmdk-tools
	diffutils libndctl-dev libdaxctl-dev libjson-c-dev zlib1g-dev uuid-dev liburing-dev libaio-dev
	libpmem2-dev libdevmapper-dev)
ARM64_NOT=(libc6-dev)
ARM64_TRIPLET=aarch64-linux-gnu

# arm64_apt: the private arm64 apt state's lists updated, once per run, and
# ARM64_APT_OPTS, its options with bookworm (and its security updates)
# preferred over the newer suites, for the userland.  The bed's own amd64
# state stays the selected one (APT_OPTS, lib/kernels.sh).
ARM64_APT_OPTS=()
arm64_apt() {
	[ ${#ARM64_APT_OPTS[@]} -eq 0 ] || return 0
	apt_private_state "$ARM64_CACHE/apt" arm64
	apt_private_update
	local pref=$ARM64_CACHE/apt/bookworm.pref
	cat > "$pref" <<-EOF
	Package: *
	Pin: release n=bookworm
	Pin-Priority: 990

	Package: *
	Pin: release n=bookworm-security
	Pin-Priority: 990
	EOF
	ARM64_APT_OPTS=("${APT_OPTS[@]}" -o "Dir::Etc::Preferences=$pref")
	apt_private_state "$ZDCHECK_CACHE/apt" amd64
}

# The record's fields, lib/kernels.sh's associative arrays.
# shellcheck disable=SC2034 # read by the other libs
declare -gA K_REL K_ARCH K_BOOT K_KIND K_ROOT K_CONFIG K_SRC K_HDR K_CACHE K_STAMP K_DESC

# arm64_kernel KEY: the record of Debian's arm64 kernel KEY (6.1-arm64,
# 6.12-arm64, 7-arm64: the amd64 kernel's key and -arm64), fetched through
# the arm64 apt state and unpacked once into $ARM64_CACHE/kernels/KERNEL
# (6.1, 6.12, 7): an uncompressed Image for qemu -kernel and a module tree
# with modules.dep.
arm64_kernel() {
	local key=$1 base=${1%-arm64} dir rel c
	dir=$ARM64_CACHE/kernels/$base
	if [ ! -e "$dir/ready" ]; then
		arm64_apt
		apt_private_state "$ARM64_CACHE/apt" arm64
		kernel_fetch "$base" "$dir"
		apt_private_state "$ZDCHECK_CACHE/apt" amd64
		_kernel_unpack "$dir" "$(cat "$dir/release")" "$dir/root" arm64_boot_image
	fi
	rel=$(cat "$dir/release")
	# 6.x ships it in /boot, 7.x next to the modules.
	for c in "$dir/root/boot/config-$rel" "$dir/root/lib/modules/$rel/config"; do
		[ -e "$c" ] && break
	done
	# shellcheck disable=SC2034 # the record
	K_REL[$key]=$rel K_ARCH[$key]=arm64 K_ROOT[$key]=$dir/root K_BOOT[$key]=$dir/Image \
		K_KIND[$key]=image K_CONFIG[$key]=$c K_SRC[$key]=debian K_HDR[$key]='' \
		K_CACHE[$key]=$dir K_STAMP[$key]=$(head -n1 "$dir/packages") \
		K_DESC[$key]="Debian $(head -n1 "$dir/packages")"
}

# arm64_boot_image VMLINUZ DIR: DIR/Image, the arm64 Image of VMLINUZ
# uncompressed (7.x ships it plain, 51 MB; older packages gzipped), and
# DIR/boot-kind "image".  An Image has "ARM\x64" at byte 56.
arm64_boot_image() {
	case $(head -c 2 "$1" | od -An -tx1 | tr -d ' ') in
	1f8b)	gzip -dc < "$1" > "$2/Image" ;;
	*)	ln -sfn "$1" "$2/Image" ;;
	esac
	[ "$(dd if="$2/Image" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' ')" = 41524d64 ] ||
		die "$1: not an arm64 kernel Image"
	echo image > "$2/boot-kind"
}

# arm64_closure PKG...: PKGs and, recursively, the library packages they
# depend on (Depends and Pre-Depends, the first of alternatives; names
# starting with lib or zlib, but for ARM64_NOT), one a line.
arm64_closure() {
	local -A seen=()
	local -a todo=("$@") next p
	for p in "$@" "${ARM64_NOT[@]}"; do seen[$p]=1; done
	printf '%s\n' "$@"
	while [ ${#todo[@]} -gt 0 ]; do
		next=()
		# " |Depends: a" then "  Depends: b" is "a | b": a is taken.
		# shellcheck disable=SC2016 # an awk program
		for p in $(apt-cache "${ARM64_APT_OPTS[@]}" depends --important "${todo[@]}" | awk '
			/^ *\|?(Pre)?Depends:/ {
				name = $2; skip = alt; alt = ($1 ~ /^\|/)
				if (!skip && name !~ /^</) print name
			}'); do
			p=${p%:any}
			[[ $p == lib* || $p == zlib* ]] || continue
			[ -z "${seen[$p]:-}" ] || continue
			seen[$p]=1
			next+=("$p")
			echo "$p"
		done
		todo=("${next[@]}")
	done
}

# arm64_root: $ARM64_CACHE/root, the packages of ARM64_PACKAGES and their
# libraries unpacked over a merged /usr (bin, sbin, lib are links into usr,
# as on the host, so the paths of GUEST_BINARIES hold).  Made once, and
# again when ARM64_PACKAGES changes; with ZDCHECK_VM_REFRESH=1 also if the
# package versions changed.
arm64_root() {
	local root=$ARM64_CACHE/root key d l t
	local -a pkgs
	[ -e "$root.key" ] && [ -z "${ZDCHECK_VM_REFRESH:-}" ] &&
		[ "$(cat "$root.list" 2>/dev/null)" = "${ARM64_PACKAGES[*]}" ] && return 0
	arm64_apt
	mapfile -t pkgs < <(arm64_closure "${ARM64_PACKAGES[@]}" | sort -u)
	key=$(apt-cache "${ARM64_APT_OPTS[@]}" policy "${pkgs[@]}" |
		awk '/^[^ ]/ {p = $1} $1 == "Candidate:" {print p, $2}')
	if [ -e "$root.key" ] && [ "$(cat "$root.key")" = "$key" ]; then
		echo "${ARM64_PACKAGES[*]}" > "$root.list"
		return 0
	fi
	log "arm64 userland: ${#pkgs[@]} packages into $root"
	rm -rf "$root.tmp" && mkdir -p "$root.tmp/debs" "$root.tmp/root/usr/lib"
	(cd "$root.tmp/debs" && apt-get "${ARM64_APT_OPTS[@]}" download "${pkgs[@]}" >&2) ||
		die "apt-get download (arm64) failed"
	for d in bin sbin lib; do
		mkdir -p "$root.tmp/root/usr/$d"
		ln -s "usr/$d" "$root.tmp/root/$d"
	done
	for d in "$root.tmp"/debs/*.deb; do
		dpkg-deb --fsys-tarfile "$d" | tar -x --keep-directory-symlink -C "$root.tmp/root" ||
			die "unpacking $d failed"
	done
	# Links made for an installed system point at absolute paths: make
	# them point into the root (the -dev packages' lib*.so, for the linker).
	while IFS= read -r l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root.tmp/root$t")" "$l"
	done < <(find "$root.tmp/root" -type l -lname '/*')
	rm -rf "$root" && mv "$root.tmp/root" "$root" && rm -rf "$root.tmp"
	echo "$key" > "$root.key"
	echo "${ARM64_PACKAGES[*]}" > "$root.list"
}

# arm64_zdcheck SRCDIR: cross-builds zdcheck from SRCDIR in
# $ARM64_CACHE/zdcheck/SRC against the libraries of $ARM64_CACHE/root, with
# the cross toolchain's own libc; prints the binary's path.  pkg-config
# drops the root's /usr/include and /usr/lib as system paths, so the cross
# file names them; -rpath-link lets the linker find the libraries' own
# NEEDED.
arm64_zdcheck() {
	local src root=$ARM64_CACHE/root build ini t=$ARM64_TRIPLET
	src=$(realpath "$1")
	build=${src#/} build=$ARM64_CACHE/zdcheck/${build//\//_} ini=$build.ini
	mkdir -p "${build%/*}"
	cat > "$ini.new" <<-EOF
	[binaries]
	c = '$t-gcc'
	ar = '$t-ar'
	strip = '$t-strip'
	# meson 1.0 (bookworm) knows it as pkgconfig, newer ones as pkg-config too.
	pkgconfig = 'pkg-config'

	[properties]
	sys_root = '$root'
	pkg_config_libdir = ['$root/usr/lib/$t/pkgconfig', '$root/usr/share/pkgconfig']

	[built-in options]
	c_args = ['-I$root/usr/include']
	c_link_args = ['-L$root/usr/lib/$t', '-Wl,-rpath-link,$root/usr/lib/$t']

	[host_machine]
	system = 'linux'
	cpu_family = 'aarch64'
	cpu = 'aarch64'
	endian = 'little'
	EOF
	if ! cmp -s "$ini.new" "$ini" || [ ! -e "$build/build.ninja" ]; then
		mv "$ini.new" "$ini"
		rm -rf "$build"
		meson setup --cross-file "$ini" "$build" "$src" > "$build.setup.log" 2>&1 ||
			{ tail -n 20 "$build.setup.log" >&2; die "meson setup (arm64 cross) failed"; }
	fi
	rm -f "$ini.new"
	ninja -C "$build" src/zdcheck > "$build.ninja.log" 2>&1 ||
		{ tail -n 20 "$build.ninja.log" >&2; die "the arm64 cross build of zdcheck failed"; }
	echo "$build/src/zdcheck"
}

# arm64_applets BUSYBOX: the applets of the busybox binary BUSYBOX, one a
# line, read from its table of names ("[", "[[", "acpid", ... each ended by
# a NUL, the table by two) instead of running "busybox --list".
arm64_applets() {
	tr '\0' '\n' < "$1" |
		awk 'on && $0 == "" { exit } on { print } !on && last == "[" && $0 == "[[" { on = 1; print last; print } { last = $0 }'
}

# arm64_libs STAGE FILE...: the libraries FILEs need, by their NEEDED
# entries and recursively, and their interpreter, copied from
# $ARM64_CACHE/root to the same paths in STAGE.
arm64_libs() {
	local stage=$1 root=$ARM64_CACHE/root f lib p d interp
	shift
	local -a todo=("$@")
	local -A seen=()
	interp=$(readelf -l "$1" | sed -n 's/.*program interpreter: \(.*\)\]/\1/p')
	[ -n "$interp" ] || die "$1: no program interpreter"
	cp -L "$root$interp" "$stage$interp"
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			p=''
			for d in "usr/lib/$ARM64_TRIPLET" usr/lib; do
				[ -e "$root/$d/$lib" ] && p=$d/$lib && break
			done
			[ -n "$p" ] || die "$lib, needed by ${f#"$root"}, is in no package of $root"
			mkdir -p "$stage/${p%/*}"
			cp -L "$root/$p" "$stage/$p"
			todo+=("$root/$p")
		done
	done
}

# arm64_userland ZDCHECK OUT: initramfs_userland's arm64 twin: its files
# from $ARM64_CACHE/root, with the cross-built ZDCHECK; the libraries by
# arm64_libs.  /lib is a directory, not the root's link into /usr: the
# kernel, unpacking the modules' archive after this one, replaces a link
# where an archive has a directory (clean_path), and the interpreter
# /lib/ld-linux-aarch64.so.1 would go with it.
arm64_userland() {
	local zd=$1 out=$2 stage e
	stage=$(mktemp -d "${TMPDIR:-/tmp}/zdcheck-arm64-stage.XXXXXX")
	initramfs_stage "$stage" "$ARM64_CACHE/root" "$zd"
	for e in $(arm64_applets "$stage/bin/busybox"); do
		[ "$e" = busybox ] || ln -s busybox "$stage/bin/$e"
	done
	[ -e "$stage/bin/sh" ] || die "no applet table found in $ARM64_CACHE/root/usr/bin/busybox"
	mkdir -p "$stage/lib" "$stage/usr/lib"
	arm64_libs "$stage" "$stage"/usr/bin/* "$stage"/usr/sbin/*
	cpio_pack "$stage" "$out"
	rm -rf "$stage"
}
