# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Extract the uncompressed ELF vmlinux from a bzImage, the way the kernel's
# scripts/extract-vmlinux does: find each compression magic in the image,
# decompress from there and keep the first result that is an ELF.  QEMU boots
# such an ELF through its PVH entry note, which skips the in-guest
# decompression that costs seconds under TCG.

# vmlinux_extract BZIMAGE OUT: 0 if OUT is an ELF vmlinux.
vmlinux_extract() {
	local img=$1 out=$2 magic tool off
	# magic (grep -P escape) and decompressor, most likely first (Debian: zstd)
	local -a methods=(
		'\x28\xb5\x2f\xfd:zstd -dcq'
		'\xfd\x37\x7a\x58\x5a\x00:xz -dcq'
		'\x1f\x8b\x08:gzip -dcq'
	)
	for m in "${methods[@]}"; do
		magic=${m%%:*} tool=${m#*:}
		# shellcheck disable=SC2013 # offsets are single words
		for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
			# Trailing data after the stream makes the tool complain: the
			# ELF check below is what decides.
			# shellcheck disable=SC2086 # $tool is a command with flags
			tail -c +"$((off + 1))" "$img" | $tool > "$out" 2>/dev/null || true
			if [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				return 0
			fi
		done
	done
	rm -f "$out"
	return 1
}

# vmlinux_has_pvh VMLINUX: XEN_ELFNOTE_PHYS32_ENTRY (0x12) is what QEMU's -kernel
# looks for to boot an ELF directly.
vmlinux_has_pvh() {
	readelf -n "$1" 2>/dev/null | grep -q 'Xen.*note type: (0x00000012)'
}
