# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared settings and helpers for the test bed scripts.  Sourced, not run.

# shellcheck disable=SC2034 # used by the scripts that source this
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels and debs are large and slow to fetch: keep them out of the work tree
# and across builds.
ZDCHECK_CACHE=${ZDCHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zdcheck}

log() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 99; }
