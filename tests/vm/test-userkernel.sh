#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/run --kernel without building a kernel: Debian's 6.12, laid out
# once as a build tree after make (ELF vmlinux, uncompressed modules where
# modules.order says they were built, .config) and once as make install +
# modules_install into a directory (vmlinuz-REL, zstd modules, no
# modules.dep).
# Both, and the install directory's boot/vmlinuz-REL as an installed
# release, are booted with the same checks and must give the same verdicts;
# a config without CONFIG_FS_DAX and a path that is no kernel are refused
# with exit 2 before anything boots.
#
# usage: test-userkernel.sh WORKDIR [-- RUN-ARGS]   (the vm suite's "vm-userkernel")
set -euo pipefail

# shellcheck source=lib/common.sh
. "$(dirname "$(readlink -f "$0")")/lib/common.sh"
# shellcheck source=lib/vmlinux.sh
. "$VM_DIR/lib/vmlinux.sh"
# shellcheck source=lib/kernels.sh
. "$VM_DIR/lib/kernels.sh"
# shellcheck source=lib/providers.sh
. "$VM_DIR/lib/providers.sh"
# shellcheck source=lib/initramfs.sh
. "$VM_DIR/lib/initramfs.sh"

[ $# -ge 1 ] || { echo "usage: ${0##*/} WORKDIR [-- RUN-ARGS]" >&2; exit 2; }
work=$(realpath -m "$1")
shift
[ "${1:-}" != -- ] || shift
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64: skipped" >&2; exit 77; }

kernel_prepare 6.12
rel=${K_REL[6.12]} root=${K_ROOT[6.12]} cache=${K_CACHE[6.12]}
mods=$root/lib/modules/$rel
tree=$work/tree inst=$work/install
rm -rf "$tree" "$inst" "$work/noconfig" && mkdir -p "$tree/include/config" "$inst/boot"

# The guest's modules and what they need, as Debian built them.
mapfile -t paths < <(for m in "${GUEST_MODULES[@]}" "${GUEST_MODULES_BG[@]}"; do
	modprobe -C /dev/null -d "$root" -S "$rel" --show-depends "$m" |
		awk '$1 == "insmod" { print $2 }'
done | sort -u)
for p in "${paths[@]}"; do
	r=${p#"$mods"/kernel/} r=${r%.xz} r=${r%.zst}
	mkdir -p "$tree/$(dirname "$r")" "$inst/lib/modules/$rel/kernel/$(dirname "$r")"
	module_decompress "$p" "$tree/$r"
	# Debian's are xz; the install directory gets zstd, as from
	# CONFIG_MODULE_COMPRESS_ZSTD.
	zstd -q "$tree/$r" -o "$inst/lib/modules/$rel/kernel/$r.zst"
	echo "${r%.ko}.o"
done > "$tree/modules.order"
for f in modules.builtin modules.builtin.modinfo; do
	cp "$mods/$f" "$tree/"
	cp "$mods/$f" "$inst/lib/modules/$rel/"
done
sed 's|^|kernel/|; s|\.o$|.ko|' "$tree/modules.order" > "$inst/lib/modules/$rel/modules.order"
echo "$rel" > "$tree/include/config/kernel.release"
cp "${K_CONFIG[6.12]}" "$tree/.config"
cp "${K_CONFIG[6.12]}" "$inst/boot/config-$rel"
if [ "${K_KIND[6.12]}" = pvh ]; then cp "${K_BOOT[6.12]}" "$tree/vmlinux"; fi
mkdir -p "$tree/arch/x86/boot" && cp "$cache/bzImage" "$tree/arch/x86/boot/bzImage"
cp "$cache/bzImage" "$inst/boot/vmlinuz-$rel"

fail=0
# refused RUN-ARGS... PATTERN: run must exit 2 before booting, saying PATTERN.
refused() {
	local pat=${*: -1} out rc=0 l
	out=$("$VM_DIR/run" "${@:1:$#-1}" 2>&1) || rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$pat" <<<"$out"; then
		echo "ok: refused ($pat): $(tail -n1 <<<"$out")"
	else
		echo "FAILED: ${*:1:$#-1}: exit $rc, not 2 with '$pat':"
		while IFS= read -r l; do echo "    | $l"; done <<<"$out"
		fail=1
	fi
}
cp -as "$tree" "$work/noconfig"
rm "$work/noconfig/.config"
grep -v '^CONFIG_FS_DAX=' "$tree/.config" > "$work/noconfig/.config"
refused --kernel "$work/noconfig" "lacks CONFIG_FS_DAX .*tests/vm/config"
refused --kernel "$work/nothing" "not a kernel build tree"
refused --kernel "$tree" --kernel "$inst" "release $rel is there twice"

# The install directory's boot/vmlinuz-REL given as such: an installed
# release, as /boot/vmlinuz-REL is, in a root that is not this machine's.
for layout in tree:tree install:install release:install/boot/vmlinuz-$rel; do
	echo "== --kernel $work/${layout#*:}"
	"$VM_DIR/run" --kernel "$work/${layout#*:}" -o "$work/out-${layout%%:*}" "$@" || fail=1
done
"$VM_DIR/compare-runs" "$work/out-tree" "$work/out-install" "$work/out-release" || fail=1
exit $fail
