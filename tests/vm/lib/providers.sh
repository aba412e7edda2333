# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2054 # records read by the other libs; commas are QEMU's
#
# DAX memory providers as records: the drivers that give a kernel its
# ZONE_DEVICE pages, each a column of the matrix beside the kernel.  For
# each: what QEMU emulates, what the kernel must be built with, what the
# guest loads and how it makes its device-dax and fs-dax devices
# (guest/init reads zdcheck.provider= from the kernel command line).
# Sourced.
#
#   P_DESC[p]     one line for the matrix and the logs
#   P_ARCHES[p]   the kernel architectures (lib/kernels.sh K_ARCH) whose
#                 machine has it here: x86_64 unless set
#   P_NEEDS[p]    kernel options the provider needs; a kernel without one
#                 gets the column as SKIP with the option named
#   P_MODULES[p]  modules the guest loads for it (lib/initramfs.sh packs
#                 them when the kernel has them)
#   P_MACHINE[p], P_CPU[p], P_MEM[p]  QEMU's -machine, -cpu and guest RAM
#                 (arm64 has a machine of its own, lib/guest.sh GUEST_MACHINE)
#   P_CMDLINE[p]  kernel command line it adds
#   P_QEMU[p]     host: the host's (bookworm's) QEMU; trixie: the newer
#                 qemu-system-x86_64 from the trixie chroot (provider_emulator)
#   P_FSDAX[p]    empty if the provider gives fs-dax too, else why not (its
#                 ext4 and xfs columns say skip with it)
#   P_TRIXIE[p]   guest tools taken from the trixie chroot instead of the
#                 host, as PATH:PACKAGE (lib/initramfs.sh initramfs_trixie)
#   P_TIME[p]     its guests' wall-clock limit is this many times -t, and
#                 zdcheck's deadlines are this many times its checks' own
#                 (--timeout-scale) (1 unless set)
#   P_SIZE[p]     the device-dax window its guests' zdcheck writes (--size)
#                 where zdcheck's own 64 MiB would take too long (unset: that)
# and provider_devices P SCRATCH, which sets PROVIDER_ARGS to the QEMU
# devices with their backing files in SCRATCH.
#
# A run of the matrix is a kernel with a provider: its key is the kernel's
# key for nfit (the first provider, whose results stay where they always
# were) and KERNEL@PROVIDER for the others (run_key, run_kernel,
# run_provider).

PROVIDERS_ALL=(nfit e820 virtio cxl cxlram)
declare -gA P_DESC=() P_ARCHES=() P_NEEDS=() P_MODULES=() P_MACHINE=() P_CPU=() P_MEM=() P_CMDLINE=() P_QEMU=()
declare -gA P_FSDAX=() P_TRIXIE=() P_TIME=() P_SIZE=()

# Emulated NVDIMMs described by ACPI NFIT: three label-less regions, one for
# device-dax and one per filesystem.  QEMU's arm64 virt machine has them
# too, its NFIT in the ACPI tables its UEFI firmware hands over.
P_DESC[nfit]="emulated NVDIMMs (ACPI NFIT, nfit + nd_pmem)"
P_ARCHES[nfit]="x86_64 arm64"
P_NEEDS[nfit]="ACPI_NFIT"
P_MODULES[nfit]=""
P_MACHINE[nfit]="pc,nvdimm=on" P_CPU[nfit]=max P_MEM[nfit]=1G P_CMDLINE[nfit]="" P_QEMU[nfit]=host

# Legacy pmem: memmap=SIZE!START turns guest RAM into an e820 type-12 range
# that nd_e820 makes a label-less region: what fstests fleets boot with.
# One region only (ranges that touch merge into one e820 entry), so the
# guest makes device-dax, then ext4, then xfs on it in turn.  2 GiB at
# 512 MiB: a whole 1 GiB page after the info block for devdax/align/1g,
# 1 GiB of RAM left, and clear of the top of low memory, where QEMU loads
# the initramfs.
P_DESC[e820]="legacy pmem from memmap=2G!512M (nd_e820)"
P_NEEDS[e820]="X86_PMEM_LEGACY"
P_MODULES[e820]="nd_e820"
P_MACHINE[e820]=pc P_CPU[e820]=max P_MEM[e820]=3G P_CMDLINE[e820]='memmap=2G!512M' P_QEMU[e820]=host
# Its one region keeps the device-dax run's journal on the results share
# (9p), which the window crosses twice: 16 MiB, still eight 2 MiB pages, as
# for every provider but nfit (whose run writes zdcheck's own 64 MiB, and
# the data-safety pass with it).
P_SIZE[e820]=16M

# virtio-pmem: a host file mapped into the guest as one label-less region
# whose flushes go through the host (ND_REGION_ASYNC): fs-dax refuses
# MAP_SYNC there by design.
P_DESC[virtio]="virtio-pmem (virtio_pmem)"
P_NEEDS[virtio]="VIRTIO_PMEM"
P_MODULES[virtio]="virtio_pmem"
P_MACHINE[virtio]=pc P_CPU[virtio]=max P_MEM[virtio]=1G P_CMDLINE[virtio]="" P_QEMU[virtio]=host
# Its restore also flushes through the host: the 7.x guest's device-dax run
# took 65 s at 64 MiB, 6.5 s at 16.
P_SIZE[virtio]=16M

# A CXL type-3 memory device with persistent memory, behind a CXL host
# bridge and root port, in a fixed memory window: the guest makes a CXL pmem
# region (cxl create-region), then namespaces on its labels.  Bookworm's
# QEMU 7.2 has no event-log interrupts, without which cxl_pci fails to
# probe on 6.3 and later ("Failed to get interrupt for event Info log"):
# the trixie QEMU.  Region creation invalidates the CPU caches, which x86
# refuses under a hypervisor (cpu_cache_has_invalidate_memregion() is
# !X86_FEATURE_HYPERVISOR) unless the kernel is built with
# CXL_REGION_INVALIDATION_TEST ("Failed to synchronize CPU cache state"),
# and Debian's kernels are not: the CPU is offered without the hypervisor
# bit (wbinvd under TCG has no caches to lose).
P_DESC[cxl]="CXL type-3 persistent memory (cxl_pmem region)"
P_NEEDS[cxl]="CXL_BUS CXL_PCI CXL_ACPI CXL_MEM CXL_PMEM CXL_PORT CXL_REGION"
P_MODULES[cxl]="cxl_acpi cxl_pci cxl_mem cxl_pmem cxl_port"
P_MACHINE[cxl]="q35,cxl=on" P_CPU[cxl]="max,-hypervisor" P_MEM[cxl]=1G P_CMDLINE[cxl]="" P_QEMU[cxl]=trixie
# Bookworm's cxl (ndctl 76) says "region type 'ram' not supported yet";
# both CXL guests take trixie's, one cxl for both.
P_TRIXIE[cxl]=/usr/bin/cxl:cxl
# QEMU emulates CXL memory access by access: 6.1's fs-dax checks took 223 s
# on ext4 here against 118 s on NFIT, and the whole guest went past the
# 600 s the grid gives the others; 7.x's fsdax/dax/statx-mapsync, 2 MiB
# stored through a MAP_SYNC mapping (a log flush per write fault), took
# 17 s on ext4 and went past its 30 s on xfs.
P_TIME[cxl]=2
# And a device-dax run writes its window a few times over (the journal
# saves and restores it, devdax/data/pmem2 fills and reads it three times):
# at 64 MiB that took 45 s and 24 s of a 7.x guest, and 50 s of cxlram's 78
# (at 16 MiB: the whole run 16 s, cxlram's 11).
P_SIZE[cxl]=16M

# Volatile CXL memory: a RAM region (cxl create-region -t ram), which
# dax_cxl makes a device-dax instance that the kernel (6.3 and later) hands
# to kmem to online as system RAM; daxctl reconfigure-device -m devdax
# takes it back: what most device-dax users have today.  The same QEMU and
# CPU as cxl; a RAM region has no namespace, no block device: no fs-dax.
P_DESC[cxlram]="CXL type-3 volatile memory (dax_cxl RAM region)"
P_NEEDS[cxlram]="${P_NEEDS[cxl]} DEV_DAX_CXL DEV_DAX_KMEM"
P_MODULES[cxlram]="cxl_acpi cxl_pci cxl_mem cxl_port dax_cxl kmem"
P_MACHINE[cxlram]=${P_MACHINE[cxl]} P_CPU[cxlram]=${P_CPU[cxl]} P_MEM[cxlram]=1G P_CMDLINE[cxlram]="" P_QEMU[cxlram]=trixie
P_TRIXIE[cxlram]=${P_TRIXIE[cxl]} P_TIME[cxlram]=${P_TIME[cxl]} P_SIZE[cxlram]=${P_SIZE[cxl]}
P_FSDAX[cxlram]="volatile CXL memory is device-dax only: no namespace, no block device"

# Size of the single region of e820's, virtio's and cxl's guests: device-dax
# needs a whole 1 GiB page in it, mkfs.xfs 1 GiB.  Backing files are sparse.
PROVIDER_REGION=3G

# run_key KERNEL PROVIDER, run_kernel RUN, run_provider RUN.
run_key() { [ "$2" = nfit ] && echo "$1" || echo "$1@$2"; }
run_kernel() { echo "${1%@*}"; }
run_provider() { [ "${1#*@}" = "$1" ] && echo nfit || echo "${1#*@}"; }

# provider_devices PROVIDER SCRATCH: PROVIDER_ARGS, the QEMU objects and
# devices of PROVIDER, backed by fresh sparse files in SCRATCH.
provider_devices() {
	local p=$1 s=$2 i
	PROVIDER_ARGS=()
	case $p in
	nfit)	for i in "${!NVDIMM_SIZES[@]}"; do
			truncate -s "${NVDIMM_SIZES[$i]}" "$s/nv$i"
			PROVIDER_ARGS+=(-object "memory-backend-file,id=m$i,share=on,mem-path=$s/nv$i,size=${NVDIMM_SIZES[$i]},align=2M"
				-device "nvdimm,id=nv$i,memdev=m$i")
		done ;;
	e820)	;;
	virtio)	truncate -s "$PROVIDER_REGION" "$s/vp0"
		PROVIDER_ARGS=(-object "memory-backend-file,id=vp0,share=on,mem-path=$s/vp0,size=$PROVIDER_REGION,align=2M"
			-device virtio-pmem-pci,memdev=vp0,id=vpmem0) ;;
	cxl)	# The label storage area holds the namespace labels; 7.x
		# refuses a pmem region of a device without a serial number.
		truncate -s "$PROVIDER_REGION" "$s/cxl0"
		truncate -s 256M "$s/lsa0"
		PROVIDER_ARGS=(-object "memory-backend-file,id=cxm0,share=on,mem-path=$s/cxl0,size=$PROVIDER_REGION"
			-object "memory-backend-file,id=cxlsa0,share=on,mem-path=$s/lsa0,size=256M"
			-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
			-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2
			-device cxl-type3,bus=rp0,persistent-memdev=cxm0,lsa=cxlsa0,sn=1,id=cxl-pmem0
			-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G) ;;
	cxlram)	truncate -s "$PROVIDER_REGION" "$s/cxl0"
		PROVIDER_ARGS=(-object "memory-backend-file,id=cxv0,share=on,mem-path=$s/cxl0,size=$PROVIDER_REGION"
			-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
			-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2
			-device cxl-type3,bus=rp0,volatile-memdev=cxv0,sn=1,id=cxl-vmem0
			-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G) ;;
	*)	die "unknown provider $p" ;;
	esac
}

# provider_emulator PROVIDER ARCH: PROVIDER_QEMU, the command that runs
# QEMU for it on ARCH's machine (lib/guest.sh GUEST_QEMU).  The trixie
# qemu-system-x86_64 runs from the chroot's files through the chroot's own
# dynamic loader: no mounts, no chroot(2).
provider_emulator() {
	local root
	if [ "${P_QEMU[$1]}" = host ]; then
		PROVIDER_QEMU=("${GUEST_QEMU[$2]}")
		return 0
	fi
	root=$(trixie_qemu)
	PROVIDER_QEMU=("$root/usr/lib64/ld-linux-x86-64.so.2"
		--library-path "$root/usr/lib/x86_64-linux-gnu"
		"$root/usr/bin/qemu-system-x86_64"
		-L "$root/usr/share/seabios" -L "$root/usr/share/qemu")
}

# trixie_qemu: the trixie chroot (lib/chroot.sh) with qemu-system-x86
# installed in it; prints its root.
trixie_qemu() {
	trixie_install qemu-system-x86
}

# provider_fits PROVIDER KERNEL: whether KERNEL's machine has PROVIDER
# (P_ARCHES).
provider_fits() {
	[[ " ${P_ARCHES[$1]:-x86_64} " == *" ${K_ARCH[$2]} "* ]]
}

# run_unsupported RUN: why RUN cannot be booted, on one line; nothing if it
# can.  Its kernel's machine lacks the provider, or its kernel lacks options
# (CONFIG_*) the guests need on its architecture (lib/kernels.sh; an x86_64
# kernel without them was refused before) or the provider needs (P_NEEDS).
# A kernel without a config (K_CONFIG) is assumed to have them.
run_unsupported() {
	local k p o missing
	k=$(run_kernel "$1") p=$(run_provider "$1")
	if ! provider_fits "$p" "$k"; then
		echo "provider $p is ${P_ARCHES[$p]:-x86_64} only here, not ${K_ARCH[$k]}: ${P_DESC[$p]}"
		return 0
	fi
	if missing=$(kernel_config_missing "$k"); then
		for o in ${P_NEEDS[$p]}; do
			grep -qE "^CONFIG_$o=(y|m)$" "${K_CONFIG[$k]}" || missing+=" CONFIG_$o"
		done
		missing=${missing# }
		[ -z "$missing" ] || { echo "kernel ${K_REL[$k]} lacks $missing"; return 0; }
	fi
	return 0
}
