# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Kernels as records, and Debian's kernels as one source of them.  Sourced.
#
# A kernel is known by its key, the name of its matrix column and results
# directory: 6.1, 6.12 and 7 for Debian's amd64 kernels, 6.1-arm64,
# 6.12-arm64 and 7-arm64 for its arm64 ones (lib/arm64.sh), the release
# string for one the user built (lib/userkernel.sh).  Its record, one
# associative array per field, filled by the source that produced it:
#   K_REL[key]     release (uname -r in the guest)
#   K_ARCH[key]    x86_64 or arm64: the machine that boots it
#                  (lib/guest.sh), the userland (lib/initramfs.sh), the
#                  providers it can have (lib/providers.sh)
#   K_BOOT[key]    the file for qemu -kernel; K_KIND[key] pvh, bzimage
#                  or image (arm64's)
#   K_ROOT[key]    a root holding lib/modules/REL with modules.dep
#   K_CONFIG[key]  its .config
#   K_SRC[key]     debian, or how the user gave it: tree, install,
#                  release, deb
#   K_HDR[key]     a tree to build modules against (Debian's: its headers
#                  package, lib/mutants.sh)
#   K_CACHE[key]   a directory of its own for prepared files (modules.cpio)
#   K_STAMP[key]   changes when the kernel or its modules are rebuilt
#   K_DESC[key]    where it came from: package, or tree and commit
# kernel_prepare KEY makes sure the record exists; everything else reads
# the record by KEY.
#
# Debian's kernels are fetched into the cache and prepared once: the ELF
# vmlinux (PVH) or the bzImage, and a module tree with modules.dep.
# Everything goes through a private apt state under the cache, so the host's
# /etc/apt is never touched and the same lists serve all three kernels:
# bookworm (6.1), bookworm-security (6.12) and trixie-backports + sid (7.x);
# arm64's have a state of their own (lib/arm64.sh).
# Once a kernel is prepared it is reused without any network access; set
# ZDCHECK_VM_REFRESH=1 to look for a newer package.

declare -gA K_REL=() K_ARCH=() K_BOOT=() K_KIND=() K_ROOT=() K_CONFIG=() K_SRC=() K_HDR=() \
	K_CACHE=() K_STAMP=() K_DESC=()
# Expectations per kernel (lib/verdict.sh): tests/vm/expected/KEY unless set.
# shellcheck disable=SC2034 # read by lib/verdict.sh
declare -gA EXPECT_FILE

# shellcheck disable=SC2034 # read by tests/vm/run
KERNELS_ALL=(6.1 6.12 7)
# Debian's arm64 kernels (-k 6.1-arm64, 6.12-arm64, 7-arm64), and what
# -k arm64 means.
# shellcheck disable=SC2034 # read by tests/vm/run
KERNELS_ARM64=(6.1-arm64 6.12-arm64 7-arm64) KERNELS_ARM64_DEFAULT=(7-arm64)

# apt_private_state DIR ARCH: APT_OPTS (and what apt_private_update writes)
# for a private apt state in DIR whose packages are of ARCH: the one that
# kernel_package, kernel_fetch and apt_private_update use from then on.  The
# bed's own is amd64 in $ZDCHECK_CACHE/apt; lib/arm64.sh keeps an arm64 one
# apart, selects it for what it fetches and the bed's again after.
declare -gA _APT_READY=()
apt_private_state() {
	_apt_dir=$1 _apt_arch=$2
	APT_OPTS=(
		-o "Dir::State=$_apt_dir/state"
		-o "Dir::State::status=$_apt_dir/state/status"
		-o "Dir::Cache=$_apt_dir/cache"
		-o "Dir::Etc::SourceList=$_apt_dir/sources.list"
		-o "Dir::Etc::SourceParts=$_apt_dir/empty.d"
		-o "Dir::Etc::Preferences=$_apt_dir/empty.d/preferences"
		-o "Dir::Etc::PreferencesParts=$_apt_dir/empty.d"
		-o "APT::Architecture=$2"
		-o Debug::NoLocking=1
		# apt's _apt user cannot write into a cache under root's home.
		-o APT::Sandbox::User=root
		-q
	)
}
apt_private_state "$ZDCHECK_CACHE/apt" amd64

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

# apt_private_update: the selected state's lists updated, once per run.
apt_private_update() {
	[ -z "${_APT_READY[$_apt_dir]:-}" ] || return 0
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
	_APT_READY[$_apt_dir]=1
}

# kernel_package KEY: the name of the linux-image package for KEY, of the
# private apt state's architecture (Debian's flavour is named after it:
# amd64, arm64).
kernel_package() {
	local v a=$_apt_arch
	case $1 in
	6.1)	# what bookworm's linux-image-ARCH metapackage points at
		v=$(apt-cache "${APT_OPTS[@]}" madison "linux-image-$a" |
			awk -F' *[|] *' '$2 ~ /^6\.1\./ {print $2}' | sort -V | tail -n1)
		[ -n "$v" ] || return 1
		apt-cache "${APT_OPTS[@]}" show "linux-image-$a=$v" |
			sed -n "s/^Depends:.*\\(linux-image-6\\.1\\.0-[0-9]*-$a\\).*/\\1/p" | head -n1
		;;
	6.12)	apt-cache "${APT_OPTS[@]}" pkgnames linux-image-6.12. |
			grep -E "^linux-image-6\\.12\\.[0-9]+\\+deb12-$a-unsigned\$" | sort -V | tail -n1
		;;
	7)	# the newest 7.x from either trixie-backports or sid
		apt-cache "${APT_OPTS[@]}" pkgnames linux-image-7. |
			grep -E "^linux-image-7\\.[0-9.]+\\+deb[0-9]+-$a\$" | sort -V | tail -n1
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

# kernel_prepare KEY: make sure KEY's record exists (fetching a Debian
# kernel into the cache if needed: an arm64 one through lib/arm64.sh).
kernel_prepare() {
	[ -z "${K_REL[$1]:-}" ] || return 0
	case $1 in
	*-arm64)	arm64_kernel "$1" ;;
	*)		_kernel_debian "$1" ;;
	esac
}

# kernel_describe KEY: one line saying which kernel KEY is (results/KEY/kernel).
kernel_describe() {
	echo "${K_REL[$1]}, ${K_DESC[$1]}"
}

# _kernel_debian KEY: the record of Debian's kernel KEY, from the cache.
_kernel_debian() {
	local key=$1 dir=$ZDCHECK_CACHE/kernels/$1 rel
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
	rel=$(cat "$dir/release")
	[ -e "$dir/ready" ] || _kernel_unpack "$dir" "$rel" "$dir/root"
	# shellcheck disable=SC2034 # the record, read by the other libs
	K_REL[$key]=$rel K_ARCH[$key]=x86_64 K_ROOT[$key]=$dir/root
	kernel_record_boot "$key" "$dir"
	local c
	for c in "$dir/root/boot/config-$rel" "$dir/root/lib/modules/$rel/config"; do
		[ -e "$c" ] && K_CONFIG[$key]=$c && break
	done
	# shellcheck disable=SC2034 # read by lib/mutants.sh
	K_SRC[$key]=debian K_HDR[$key]='' K_CACHE[$key]=$dir K_STAMP[$key]=$(head -n1 "$dir/packages")
	K_DESC[$key]="Debian $(head -n1 "$dir/packages")"
}

# _kernel_unpack DIR REL ROOT [BOOT-IMAGE]: a fetched package tree made
# bootable: DIR's bzImage, vmlinux and boot-kind (made by the function
# BOOT-IMAGE, kernel_boot_image unless given: lib/arm64.sh has its own),
# and ROOT's modules.dep.
_kernel_unpack() {
	local dir=$1 rel=$2 root=$3 img
	# 7.x ships only usr/lib/modules; kmod tools want lib/modules under -b.
	[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
	[ -d "$root/lib/modules/$rel" ] || die "no modules for $rel in $root"
	for img in "$root/boot/vmlinuz-$rel" "$root/lib/modules/$rel/vmlinuz"; do
		[ -e "$img" ] && break
	done
	[ -e "$img" ] || die "no vmlinuz for $rel"
	"${4:-kernel_boot_image}" "$img" "$dir"
	# The debs ship no modules.dep (their postinst runs depmod).
	depmod -b "$root" "$rel" || die "depmod for $rel failed"
	touch "$dir/ready"
}

# kernel_boot_image IMAGE DIR: DIR/bzImage, DIR/vmlinux when an ELF with a
# PVH entry can be had from IMAGE (an ELF vmlinux itself, or a bzImage it
# can be extracted from), and DIR/boot-kind saying which qemu boots.
kernel_boot_image() {
	local img=$1 dir=$2
	rm -f "$dir/vmlinux" "$dir/bzImage"
	if [ "$(head -c 4 "$img" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		# A build tree's own vmlinux, maybe with debug info: not copied.
		ln -s "$img" "$dir/vmlinux"
	else
		cp "$img" "$dir/bzImage"
		vmlinux_extract "$img" "$dir/vmlinux" || true
	fi
	if [ -e "$dir/vmlinux" ] && vmlinux_has_pvh "$dir/vmlinux"; then
		echo pvh > "$dir/boot-kind"
	elif [ -e "$dir/bzImage" ]; then
		log "kernel $img: no PVH vmlinux could be had, booting the bzImage"
		rm -f "$dir/vmlinux"
		echo bzimage > "$dir/boot-kind"
	else
		die "$img: an ELF without a PVH entry (CONFIG_PVH) and no bzImage to boot instead"
	fi
}

# kernel_record_boot KEY DIR: KEY's K_KIND and K_BOOT from what
# kernel_boot_image left in DIR.
kernel_record_boot() {
	K_KIND[$1]=$(cat "$2/boot-kind")
	# shellcheck disable=SC2034 # the record, read by lib/guest.sh
	if [ "${K_KIND[$1]}" = pvh ]; then K_BOOT[$1]=$2/vmlinux; else K_BOOT[$1]=$2/bzImage; fi
}

# The options a guest needs, kselftest style: tests/vm/config, and those of
# its architecture, tests/vm/config.ARCH (x86_64: PVH and the 8250 console;
# arm64: the PL011 console, the EFI stub virt's firmware boots, 4K pages).

# kernel_fragments ARCH: the fragments a kernel of ARCH must have, one a line.
kernel_fragments() {
	printf '%s\n' "$VM_DIR/config" "$VM_DIR/config.$1"
}

# kernel_config_missing KEY: the options of KEY's fragments its config does
# not set to y or m, on one line (none: it has them all).  Returns 1, with
# nothing said, if KEY has no config to read.
kernel_config_missing() {
	local cfg=${K_CONFIG[$1]:-} missing
	[ -n "$cfg" ] && [ -r "$cfg" ] || return 1
	local -a frags
	mapfile -t frags < <(kernel_fragments "${K_ARCH[$1]}")
	missing=$(awk '
		FILENAME == ARGV[1] { if (/^CONFIG_[A-Z0-9_]+=[ym]$/) { sub(/=.*/, ""); have[$0] = 1 }; next }
		/^CONFIG_/ { sub(/=.*/, ""); if (!($0 in have)) printf "%s ", $0 }
	' "$cfg" "${frags[@]}")
	echo "${missing% }"
}

# kernel_config_check KEY: stops the run (exit 2) with one line naming every
# option of KEY's fragments that its config does not set to y or m.
kernel_config_check() {
	local key=$1 missing f names=''
	while read -r f; do
		names+="${names:+ and }tests/vm/${f##*/}"
	done < <(kernel_fragments "${K_ARCH[$key]}")
	missing=$(kernel_config_missing "$key") ||
		usage_error "kernel $key (${K_DESC[$key]}): no kernel config to check against $names"
	[ -z "$missing" ] ||
		usage_error "kernel $key (${K_DESC[$key]}) lacks $missing (config ${K_CONFIG[$key]}): build it with the options of $names, see tests/vm/README.md"
}
