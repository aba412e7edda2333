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

log() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 99; }
# usage_error MESSAGE: what the user asked for cannot work (exit 2).
usage_error() { printf 'vm: %s\n' "$*" >&2; exit 2; }
