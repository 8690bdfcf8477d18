#!/usr/bin/env bash
# Generates the deterministic upload-benchmark tree (see MakeTree.java for the
# exact layout): every byte comes from a fixed seed, so the tree is identical on
# every run and machine. Generated data is never committed; put it under a temp
# dir or bench/work/ (git-ignored).
#
#   bench/make-tree.sh DIR           ~1 GiB mixed tree: 12,116 files (10,000 of
#                                    1-16 KiB, 100 of 0.5-4 MiB, 4 of 64-200 MiB,
#                                    2,012 duplicates), text-like and random
#   bench/make-tree.sh --small DIR   5,000 files of 4 KiB in 50 directories
#   bench/make-tree.sh --warmup DIR [ROUNDS]
#                                    other content, uploaded untimed first: ROUNDS
#                                    folders r0, r1, ... of ~250 MB each (default 3)
#
# DIR must not exist or be empty.
set -euo pipefail

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

kind=mixed
if [[ ${1:-} == --small || ${1:-} == --warmup ]]; then
    kind=${1#--}
    shift
fi
if [[ $# -ne 1 && ! ( $kind == warmup && $# -eq 2 ) ]]; then
    echo "usage: $0 [--small] DIR | $0 --warmup DIR [ROUNDS]" >&2
    exit 2
fi

exec "$JAVA_HOME/bin/java" "$here/MakeTree.java" "$kind" "$@"
