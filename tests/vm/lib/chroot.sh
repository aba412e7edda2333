# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The trixie chroot: newer tools than bookworm has (gcc-14 for the 7.x
# kernel's modules, QEMU 10 and cxl for CXL), from the archive the host's
# apt already uses, never by changing the host's sources.  Sourced.

CHROOT_SUITE=trixie

# trixie_chroot: the chroot with gcc-14 and make, made once with
# debootstrap into $ZDCHECK_CACHE/chroot-trixie; prints its root.
trixie_chroot() {
	local root=$ZDCHECK_CACHE/chroot-$CHROOT_SUITE main
	[ -e "$root/.ready" ] && { echo "$root"; return 0; }
	[ "$(id -u)" -eq 0 ] || die "this needs a $CHROOT_SUITE chroot (debootstrap): run as root"
	command -v debootstrap >/dev/null || PATH=$PATH:/usr/sbin:/sbin
	command -v debootstrap >/dev/null || die "debootstrap missing: run tests/vm/install-deps"
	# The archive serving the host's bookworm serves trixie as well.
	main=$(_host_archive bookworm) || die "the host's apt has no bookworm/main source"
	log "debootstrap $CHROOT_SUITE into $root (gcc-14, make)"
	rm -rf "$root.tmp"
	nice -n 19 debootstrap --variant=minbase --include=gcc-14,make,libc6-dev,libelf1t64 \
		"$CHROOT_SUITE" "$root.tmp" "$main" >"$ZDCHECK_CACHE/chroot-$CHROOT_SUITE.log" 2>&1 ||
		die "debootstrap $CHROOT_SUITE failed, see $ZDCHECK_CACHE/chroot-$CHROOT_SUITE.log"
	rm -rf "$root" && mv "$root.tmp" "$root" && touch "$root/.ready"
	echo "$root"
}

# in_chroot ROOT COMMAND...: COMMAND in chroot ROOT, with a /proc (objtool
# and apt read it) in a private mount namespace that disappears with it.
in_chroot() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --fork sh -c 'mount -t proc proc "$1/proc" && exec chroot "$@"' sh "$@"
}

# trixie_install PACKAGE...: the trixie chroot with PACKAGEs installed in it
# (each once); prints its root.
trixie_install() {
	local root p missing=()
	root=$(trixie_chroot) || exit
	for p; do
		[ -e "$root/var/lib/dpkg/info/$p.list" ] || [ -e "$root/var/lib/dpkg/info/$p:amd64.list" ] ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]} in the $CHROOT_SUITE chroot (once)"
		# shellcheck disable=SC2016 # expanded by the inner sh
		in_chroot "$root" sh -c 'apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"' \
			sh "${missing[@]}" > "$root.install.log" 2>&1 ||
			die "installing ${missing[*]} in $root failed, see $root.install.log"
	fi
	echo "$root"
}
