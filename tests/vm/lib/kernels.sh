# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Fetch Debian kernels into the cache and prepare them for booting: the ELF
# vmlinux (PVH) or the bzImage, and a module tree with modules.dep.  Sourced.
#
# Everything goes through a private apt state under the cache, so the host's
# /etc/apt is never touched and the same lists serve all three kernels:
# bookworm (6.1), bookworm-security (6.12) and trixie-backports + sid (7.x).
# Once a kernel is prepared it is reused without any network access; set
# ZDCHECK_VM_REFRESH=1 to look for a newer package.

# shellcheck disable=SC2034 # read by tests/vm/run
KERNELS_ALL=(6.1 6.12 7)

_apt_dir=$ZDCHECK_CACHE/apt
APT_OPTS=(
	-o "Dir::State=$_apt_dir/state"
	-o "Dir::State::status=$_apt_dir/state/status"
	-o "Dir::Cache=$_apt_dir/cache"
	-o "Dir::Etc::SourceList=$_apt_dir/sources.list"
	-o "Dir::Etc::SourceParts=$_apt_dir/empty.d"
	-o "Dir::Etc::Preferences=$_apt_dir/empty.d/preferences"
	-o "Dir::Etc::PreferencesParts=$_apt_dir/empty.d"
	-o APT::Architecture=amd64
	-o Debug::NoLocking=1
	# apt's _apt user cannot write into a cache under root's home.
	-o APT::Sandbox::User=root
	-q
)

# _host_archive SUITE: the URI the host's apt configuration serves SUITE/main
# from. apt-cache only lists sources whose indexes were fetched, so a fresh
# machine's lists are updated once (its sources are left as they are).
_host_archive() {
	# shellcheck disable=SC2016 # an awk program
	local policy='$3 == s && $2 ~ /^https?:/ { print $2; found = 1; exit } END { exit !found }'
	apt-cache policy 2>/dev/null | awk -v s="$1/main" "$policy" && return 0
	apt-get update -qq >/dev/null 2>&1 || true
	apt-cache policy 2>/dev/null | awk -v s="$1/main" "$policy"
}

_apt_ready=
apt_private_update() {
	[ -n "$_apt_ready" ] && return 0
	mkdir -p "$_apt_dir/state/lists/partial" "$_apt_dir/cache/archives/partial" \
		"$_apt_dir/empty.d"
	touch "$_apt_dir/state/status"
	local k=/usr/share/keyrings/debian-archive-keyring.gpg main security
	# The archive and security mirrors the host's own apt already uses; the
	# newer suites come from the same archive.
	main=$(_host_archive bookworm) || die "the host's apt has no bookworm/main source"
	security=$(_host_archive bookworm-security) ||
		die "the host's apt has no bookworm-security/main source"
	cat > "$_apt_dir/sources.list" <<-EOS
	deb [signed-by=$k] $main bookworm main
	deb [signed-by=$k] $security bookworm-security main
	deb [signed-by=$k] $main trixie-backports main
	deb [signed-by=$k] $main sid main
	EOS
	log "updating private apt lists in $_apt_dir"
	apt-get "${APT_OPTS[@]}" update >&2 || die "apt-get update (private state) failed"
	_apt_ready=1
}

# kernel_package KEY: the name of the linux-image package for KEY.
kernel_package() {
	local v
	case $1 in
	6.1)	# what bookworm's linux-image-amd64 metapackage points at
		v=$(apt-cache "${APT_OPTS[@]}" madison linux-image-amd64 |
			awk -F' *[|] *' '$2 ~ /^6\.1\./ {print $2}' | sort -V | tail -n1)
		[ -n "$v" ] || return 1
		apt-cache "${APT_OPTS[@]}" show "linux-image-amd64=$v" |
			sed -n 's/^Depends:.*\(linux-image-6\.1\.0-[0-9]*-amd64\).*/\1/p' | head -n1
		;;
	6.12)	apt-cache "${APT_OPTS[@]}" pkgnames linux-image-6.12. |
			grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V | tail -n1
		;;
	7)	# the newest 7.x from either trixie-backports or sid
		apt-cache "${APT_OPTS[@]}" pkgnames linux-image-7. |
			grep -E '^linux-image-7\.[0-9.]+\+deb[0-9]+-amd64$' | sort -V | tail -n1
		;;
	*)	return 1 ;;
	esac
}

# kernel_fetch KEY DIR: download and unpack KEY's packages into DIR/root.
kernel_fetch() {
	local key=$1 dir=$2 pkg rel
	apt_private_update
	pkg=$(kernel_package "$key") || true
	[ -n "$pkg" ] || die "no Debian package found for kernel $key"
	rel=${pkg#linux-image-}
	rel=${rel%-unsigned}
	# 7.x splits the image into linux-binary/-modules/-base packages.
	local -a pkgs=("$pkg")
	mapfile -t -O 1 pkgs < <(apt-cache "${APT_OPTS[@]}" depends "$pkg" |
		sed -n "s/^ *Depends: \(linux-\(binary\|modules\|base\)-$rel\)$/\1/p")
	log "kernel $key: downloading ${pkgs[*]}"
	local tmp=$dir.tmp
	rm -rf "$tmp" && mkdir -p "$tmp/debs" "$tmp/root"
	(cd "$tmp/debs" && apt-get "${APT_OPTS[@]}" download "${pkgs[@]}" >&2) ||
		die "apt-get download ${pkgs[*]} failed"
	for d in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$d" "$tmp/root"
	done
	rm -rf "$tmp/debs"
	echo "$rel" > "$tmp/release"
	printf '%s\n' "${pkgs[@]}" > "$tmp/packages"
	rm -rf "$dir" && mv "$tmp" "$dir"
}

# kernel_prepare KEY: make sure KEY is in the cache; sets KREL (release),
# KROOT (unpacked packages, modules under $KROOT/lib/modules/$KREL), KBOOT
# (the file for qemu -kernel) and KBOOT_KIND (pvh or bzimage).
kernel_prepare() {
	local key=$1 dir=$ZDCHECK_CACHE/kernels/$1
	if [ ! -e "$dir/ready" ] || [ -n "${ZDCHECK_VM_REFRESH:-}" ]; then
		if [ -e "$dir/ready" ]; then
			apt_private_update
			local pkg
			pkg=$(kernel_package "$key") || true
			[ "$pkg" = "$(head -n1 "$dir/packages")" ] || kernel_fetch "$key" "$dir"
		else
			kernel_fetch "$key" "$dir"
		fi
	fi
	KREL=$(cat "$dir/release")
	KROOT=$dir/root
	[ -e "$dir/ready" ] || _kernel_unpack "$dir"
	KBOOT_KIND=$(cat "$dir/boot-kind")
	# shellcheck disable=SC2034 # read by tests/vm/run
	if [ "$KBOOT_KIND" = pvh ]; then KBOOT=$dir/vmlinux; else KBOOT=$dir/bzImage; fi
}

_kernel_unpack() {
	local dir=$1 img
	# 7.x ships only usr/lib/modules; kmod tools want lib/modules under -b.
	[ -e "$KROOT/lib" ] || ln -s usr/lib "$KROOT/lib"
	[ -d "$KROOT/lib/modules/$KREL" ] || die "no modules for $KREL in $KROOT"
	for img in "$KROOT/boot/vmlinuz-$KREL" "$KROOT/lib/modules/$KREL/vmlinuz"; do
		[ -e "$img" ] && break
	done
	[ -e "$img" ] || die "no vmlinuz for $KREL"
	cp "$img" "$dir/bzImage"
	if vmlinux_extract "$img" "$dir/vmlinux" && vmlinux_has_pvh "$dir/vmlinux"; then
		echo pvh > "$dir/boot-kind"
	else
		log "kernel $KREL: no PVH vmlinux could be extracted, booting the bzImage"
		rm -f "$dir/vmlinux"
		echo bzimage > "$dir/boot-kind"
	fi
	# The debs ship no modules.dep (their postinst runs depmod).
	depmod -b "$KROOT" "$KREL" || die "depmod for $KREL failed"
	touch "$dir/ready"
}
