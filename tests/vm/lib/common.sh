# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared settings and helpers for the test bed scripts.  Sourced, not run.

# shellcheck disable=SC2034 # used by the scripts that source this
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels and debs are large and slow to fetch: keep them out of the work tree
# and across builds.
ZDCHECK_CACHE=${ZDCHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zdcheck}

# Checks that can take the kernel down, each in a guest boot of its own (on
# every kernel so far a queued O_DIRECT read into an unbound device-dax page
# oopses a kworker, which wedges whatever runs after it).  Dying during its
# check is that check's FAIL, not a lost run.
# shellcheck disable=SC2034
ALONE=(devdax/teardown/disable-aio devdax/teardown/disable-vmsplice)
# The one of them that runs instead at the very end of the main boot, where
# the device-dax device has a namespace of its own (nfit: lib/matrix.sh
# last_check): nothing runs after it that its oops could wedge, and it does
# not wedge the boot itself (its pipe's reader dies; the guest powers off).
# A boot that dies in it is, as for a boot of its own, that check's FAIL.
# One only: a second would run on a kernel that has already oopsed.
# shellcheck disable=SC2034
LAST=devdax/teardown/disable-vmsplice

log() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 99; }
# usage_error MESSAGE: what the user asked for cannot work (exit 2).
usage_error() { printf 'vm: %s\n' "$*" >&2; exit 2; }
