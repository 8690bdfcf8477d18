#!/usr/bin/env bash
# Gives the next timed step memory the hypervisor has already backed, so that every server in a
# benchmark starts under the same conditions whatever ran before it.
#
# On the 2-core VM of docs/performance.md (2026-12-07), writing a new 3 GB file with dd took
# 7.5 s of kernel CPU when the guest's free pages were ones the host had taken back (the guest
# reports free memory through its balloon device, and within 10-30 s the host reclaims it), and
# 0.7-1.0 s right after another file of that size had been written and deleted. Every server's
# writes into the page cache pay the same difference, so a server that ran seconds after another
# one freed its data got the cheap pages and the one that ran first the dear ones. This writes and
# deletes SIZE_MIB in DIR just before a step, so each step begins with that much cheap memory.
#
# Usage: bench/prime-memory.sh SIZE_MIB DIR   (PRIME_MEMORY=0 skips it)
set -euo pipefail
[[ ${PRIME_MEMORY:-1} == 0 ]] && exit 0
[[ $# == 2 && $1 =~ ^[0-9]+$ ]] || { echo "usage: $0 SIZE_MIB DIR" >&2; exit 2; }
scratch=$2/.prime-memory.$$
trap 'rm -f "$scratch"' EXIT
dd if=/dev/zero of="$scratch" bs=1M count="$1" status=none
rm -f "$scratch"
