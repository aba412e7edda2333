# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Kernels the user built or installed, as records (lib/kernels.sh), for
# tests/vm/run --kernel PATH.  Sourced.  PATH is one of:
#   - a build tree after make (also an O= output directory): .config,
#     include/config/kernel.release, vmlinux or arch/x86/boot/bzImage, and
#     the modules listed in its modules.order, used where they were built;
#   - an install directory: make install INSTALL_PATH=DIR (vmlinuz-REL,
#     config-REL, or the same under DIR/boot) plus make modules_install
#     INSTALL_MOD_PATH=DIR (DIR/lib/modules/REL);
#   - an installed release: /boot/vmlinuz-REL (or just REL) with
#     /lib/modules/REL and /boot/config-REL (any ROOT/boot/vmlinuz-REL
#     with ROOT/lib/modules/REL alike);
#   - a Debian linux-image-*.deb holding the image and the modules.
# Nothing is written into PATH: what needs writing (a module tree with
# modules.dep, an extracted vmlinux) goes to $ZDCHECK_CACHE/user/.

# The record's fields, lib/kernels.sh's associative arrays.
# shellcheck disable=SC2034 # read through kernel_prepare
declare -gA K_REL K_ARCH K_BOOT K_KIND K_ROOT K_CONFIG K_SRC K_HDR K_CACHE K_STAMP K_DESC EXPECT_FILE

# kernel_add_user PATH: makes PATH's record; its key (the release string)
# is left in KERNEL_ADDED.
kernel_add_user() {
	local path=$1 kind root rel img cfg hdr dir
	if [ -f "$path" ] && [[ $path == *.deb ]]; then
		kind=deb
	elif [ -f "$path/include/config/kernel.release" ]; then
		kind=tree
	elif [ -f "$path" ] && [[ ${path##*/} == vmlinuz-* ]]; then
		kind=release
	elif [ ! -e "$path" ] && [[ $path != */* ]] && [ -e "/boot/vmlinuz-$path" ]; then
		kind=release path=/boot/vmlinuz-$path
	elif [ -d "$path" ]; then
		kind=install
	else
		usage_error "--kernel $path: not a kernel build tree, install directory, /boot/vmlinuz-RELEASE or .deb"
	fi
	path=$(realpath "$path")
	case $kind in
	tree)
		rel=$(cat "$path/include/config/kernel.release")
		dir=$(_user_dir "$rel" "$path")
		img=$path/vmlinux
		[ -e "$img" ] && vmlinux_has_pvh "$img" || img=$path/arch/x86/boot/bzImage
		[ -e "$img" ] || usage_error "--kernel $path: no vmlinux or arch/x86/boot/bzImage: build the kernel first (make)"
		cfg=$path/.config hdr=$path
		root=$dir/root
		_user_tree_modules "$path" "$rel" "$root"
		;;
	deb)
		dir=$(_user_dir "${path##*/}" "$path")
		if [ ! -e "$dir/unpacked" ] || [ "$path" -nt "$dir/unpacked" ]; then
			rm -rf "$dir/root" && mkdir -p "$dir/root"
			dpkg-deb -x "$path" "$dir/root" || usage_error "--kernel $path: not a Debian package"
			[ -e "$dir/root/lib" ] || ln -s usr/lib "$dir/root/lib"
			touch "$dir/unpacked"
		fi
		root=$dir/root
		;;
	release)
		# BOOT/vmlinuz-REL: the root is above BOOT, / for /boot.
		rel=${path##*/vmlinuz-} root=${path%/*}
		root=${root%/*}
		root=${root:-/}
		;;
	install)
		root=$path
		;;
	esac
	if [ "$kind" != tree ]; then
		[ -n "${rel:-}" ] || rel=$(_user_release "$root") ||
			usage_error "--kernel $path: no lib/modules/RELEASE with a boot image vmlinuz-RELEASE next to it (make install and modules_install into it)"
		[ -n "${dir:-}" ] || dir=$(_user_dir "$rel" "$path")
		img='' cfg=''
		local d
		for d in "$root/boot" "$root" "$root/lib/modules/$rel"; do
			[ -z "$img" ] && [ -e "$d/vmlinuz-$rel" ] && img=$d/vmlinuz-$rel
			[ -z "$img" ] && [ -e "$d/vmlinuz" ] && [ "$d" = "$root/lib/modules/$rel" ] && img=$d/vmlinuz
			[ -z "$cfg" ] && [ -e "$d/config-$rel" ] && cfg=$d/config-$rel
			[ -z "$cfg" ] && [ -e "$d/config" ] && [ "$d" = "$root/lib/modules/$rel" ] && cfg=$d/config
		done
		[ -n "$img" ] || usage_error "--kernel $path: no vmlinuz-$rel in it"
		[ -d "$root/lib/modules/$rel" ] ||
			usage_error "--kernel $path: no lib/modules/$rel (make modules_install INSTALL_MOD_PATH=...)"
		hdr=$root/lib/modules/$rel/build
		[ -e "$hdr/Makefile" ] || hdr=''
		# Without modules.dep (a package's postinst makes it): depmod in
		# our own unpacked package, else a tree of links of our own (not
		# written into the user's directory, nor into /).
		if [ "$kind" = deb ] && [ ! -e "$root/lib/modules/$rel/modules.dep" ]; then
			depmod -b "$root" "$rel" || die "depmod for $rel (from $path) failed"
		elif [ "$root" = / ] || [ ! -e "$root/lib/modules/$rel/modules.dep" ]; then
			_user_link_modules "$root/lib/modules/$rel" "$rel" "$dir/modules"
			root=$dir/modules
		fi
	fi
	local key=$rel
	[ -z "${K_REL[$key]:-}" ] ||
		usage_error "--kernel $path: release $rel is there twice; give one build another LOCALVERSION"
	# Newer than the last preparation: prepared again (an incremental
	# rebuild keeps the release string).
	if [ ! -e "$dir/boot-kind" ] || [ "$img" -nt "$dir/boot-kind" ]; then
		kernel_boot_image "$img" "$dir"
	fi
	K_REL[$key]=$rel K_ARCH[$key]=x86_64 K_ROOT[$key]=$root
	kernel_record_boot "$key" "$dir"
	K_CONFIG[$key]=$cfg K_SRC[$key]=$kind K_HDR[$key]=$hdr K_CACHE[$key]=$dir
	K_STAMP[$key]=$(stat -c %Y "$img" "$root/lib/modules/$rel/modules.dep" | tr '\n' .)
	K_DESC[$key]="$kind $path$(_user_commit "$path" "$kind")"
	# No expectations of its own (tests/vm/run --expect gives some).
	EXPECT_FILE[$key]=/dev/null
	# shellcheck disable=SC2034 # read by tests/vm/run
	KERNEL_ADDED=$key
}

# _user_dir NAME PATH: a cache directory for one user kernel.
_user_dir() {
	local d
	d=$ZDCHECK_CACHE/user/$1-$(printf '%s' "$2" | md5sum | cut -c1-8)
	mkdir -p "$d" && echo "$d"
}

# _user_release ROOT: the one release ROOT has modules for.
_user_release() {
	local -a rels=()
	[ -d "$1/lib/modules" ] || return 1
	mapfile -t rels < <(find "$1/lib/modules/" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
	[ ${#rels[@]} -eq 1 ] || return 1
	echo "${rels[0]}"
}

# _user_commit PATH KIND: ", git DESCRIBE" for a build tree in git.
_user_commit() {
	local d
	[ "$2" = tree ] || return 0
	d=$(git -C "$1" describe --always --dirty 2>/dev/null) || return 0
	echo ", git $d"
}

# _user_tree_modules TREE REL ROOT: ROOT/lib/modules/REL as modules_install
# would lay it out, made of links to the modules where TREE built them.
_user_tree_modules() {
	local tree=$1 rel=$2 root=$3 m=$3/lib/modules/$2 line ko f
	[ -e "$m/modules.dep" ] && [ ! "$tree/modules.order" -nt "$m/modules.dep" ] && return 0
	rm -rf "$root" && mkdir -p "$m/kernel"
	if [ -e "$tree/modules.order" ]; then
		while read -r line; do
			# 6.2+ lists the objects, before the modules.
			ko=${line%.o} ko=${ko%.ko}.ko
			[ -e "$tree/$ko" ] || usage_error "--kernel $tree: $ko is in modules.order but not built (make modules)"
			mkdir -p "$m/kernel/$(dirname "$ko")"
			ln -s "$tree/$ko" "$m/kernel/$ko"
			echo "kernel/$ko"
		done < "$tree/modules.order" > "$m/modules.order"
	fi
	for f in modules.builtin modules.builtin.modinfo; do
		[ -e "$tree/$f" ] && cp "$tree/$f" "$m/"
	done
	depmod -b "$root" "$rel" || die "depmod for $rel (from $tree) failed"
}

# _user_link_modules MODDIR REL ROOT: ROOT/lib/modules/REL linking to
# MODDIR's files, with a modules.dep of its own.
_user_link_modules() {
	local src=$1 rel=$2 root=$3 m=$3/lib/modules/$2
	[ -e "$m/modules.dep" ] && [ ! "$src" -nt "$m/modules.dep" ] && return 0
	rm -rf "$root" && mkdir -p "$m"
	cp -as "$src/." "$m/" 2>/dev/null || die "cannot link the modules of $src"
	rm -f "$m"/modules.dep* "$m"/modules.alias* "$m"/modules.symbols* "$m/build" "$m/source"
	depmod -b "$root" "$rel" || die "depmod for $rel (from $src) failed"
}
