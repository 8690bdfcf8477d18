#!/usr/bin/env bash
# Branch-to-branch benchmark: one central and two gateways (A and B) on this machine, and
# rsync to an rsync daemon on 127.0.0.1 for the mutation step, in the same run.
#
# What it measures (bench/SyncBench.java does the client side)
#   propagation   200 small files written one after another at A: from A's 2xx to B
#                 serving the file (HEAD 200), p50/p90/p99/max in ms
#   small files   10,000 files of 4 KiB written at A over 8 connections: files/s from the
#                 first PUT until B lists all of them, then the time to read all at B
#   mutation      a 64 MiB random file, then 64 KiB overwritten in the middle, then 100 bytes
#                 inserted near the start: A's upstream bytes per step / bytes changed,
#                 against rsync -z's "Total bytes sent" for the same three versions
#
# Every server first gets an untimed warm-up of WARMUP_FILES (5,000) small files through A and B.
# Usage: bench/sync.sh   (PROPAGATION=200 SMALL_FILES=10000 MUTATION_MIB=64 to change sizes)
# Needs rsync (installed with apt-get when missing). Results: stdout and $WORK/sync-results.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
java=$JAVA_HOME/bin/java
WORK=${WORK:-$here/work/sync}
PROPAGATION=${PROPAGATION:-200}
SMALL_FILES=${SMALL_FILES:-10000}
MUTATION_MIB=${MUTATION_MIB:-64}
source "$here/jvm-flags.sh"

command -v rsync >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync; }
if [ ! -f "${gw_cp%%:*}" ] || [ ! -f "${central_cp%%:*}" ]; then
  (cd "$repo" && mvn -B -q -DskipTests install)
fi

rm -rf "$WORK" && mkdir -p "$WORK/run"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts a server in the background (in this shell, so cleanup can stop it); waits (bounded)
# for its ready line and leaves its two ports in $port1 and $port2.
start() {
  local name=$1; shift
  "$java" "${flags[@]}" "$@" >"$WORK/run/$name.out" 2>"$WORK/run/$name.err" &
  pids+=($!)
  for _ in $(seq 600); do
    if line=$(grep -m1 ' ready ' "$WORK/run/$name.out" 2>/dev/null); then
      read -r port1 port2 < <(echo "$line" | sed -E 's/.*-port=([0-9]+) http-port=([0-9]+).*/\1 \2/')
      return 0
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start; see $WORK/run/$name.err" >&2; tail -5 "$WORK/run/$name.err" >&2; exit 1
}

start central -Xmx256m -XX:+UseSerialGC -cp "$central_cp" io.tributary.central.cli.Main \
  central --data "$WORK/central" --grpc-port 0 --http-port 0
grpc=$port1
read -ra gateway_heap < "$repo/gateway/heap.options"   # as ./tributary runs the gateway
# Each gateway enrolls first, with a one-time token from central (mutual TLS from then on).
gateway() {
  local token
  token=$("$java" "${flags[@]}" -cp "$central_cp" io.tributary.central.cli.Main central token \
    --data "$WORK/central" --branch "$1" --expires 30m 2>"$WORK/run/$1-token.err") ||
    { echo "central made no enrollment token for $1; see $WORK/run/$1-token.err" >&2; exit 1; }
  "$java" "${flags[@]}" -cp "$gw_cp" io.tributary.gateway.cli.Main gateway enroll --central "127.0.0.1:$grpc" \
    --data "$WORK/$1" --token "$token" >"$WORK/run/$1-enroll.out" 2>&1 ||
    { echo "$1 did not enroll; see $WORK/run/$1-enroll.out" >&2; exit 1; }
  start "$1" "${gateway_heap[@]}" -cp "$gw_cp" io.tributary.gateway.cli.Main gateway \
    --data "$WORK/$1" --keys "$WORK/keys" --share-port 0 --http-port 0 --local-user bench:bench \
    --central "127.0.0.1:$grpc" --branch "$1"
}
gateway A; a_port=$port1; a_http=$port2
gateway B; b_port=$port1; b_http=$port2
echo "central grpc $grpc; A share $a_port; B share $b_port" >&2

out=$("$java" "$here/SyncBench.java" --a "http://127.0.0.1:$a_port/share/" --b "http://127.0.0.1:$b_port/share/" \
  --a-metrics "http://127.0.0.1:$a_http/metrics" --b-metrics "http://127.0.0.1:$b_http/metrics" --mutation-dir "$WORK/mutation" \
  warmup "${WARMUP_FILES:-5000}" propagation "$PROPAGATION" smallfiles "$SMALL_FILES" mutation "$MUTATION_MIB" | tee "$WORK/client.out" | grep "^SYNCBENCH")

# rsync -z to a daemon on loopback, the same three versions of the file.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/rsync/dst" "$WORK/rsync/src"
cat >"$WORK/rsync/rsyncd.conf" <<CONF
use chroot = no
uid = $(id -u)
gid = $(id -g)
[bench]
  path = $WORK/rsync/dst
  read only = no
CONF
rsync --daemon --no-detach --address=127.0.0.1 --port="$port" --config="$WORK/rsync/rsyncd.conf" &
pids+=($!)
for _ in $(seq 100); do rsync "rsync://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
rsync_sent() {
  cp "$WORK/mutation/$1" "$WORK/rsync/src/big.bin"
  touch -d "@$2" "$WORK/rsync/src/big.bin"
  rsync -z --stats "$WORK/rsync/src/big.bin" "rsync://127.0.0.1:$port/bench/big.bin" \
    | sed -nE 's/^Total bytes sent: ([0-9,]+).*/\1/p' | tr -d ,
}
r0=$(rsync_sent v0.bin 1000000000); r1=$(rsync_sent v1.bin 1000000100); r2=$(rsync_sent v2.bin 1000000200)

field() { echo "$out" | grep "^SYNCBENCH $1" | sed -nE "s/.* $2=([^ ]+).*/\1/p"; }
{
  echo "| measure | Tributary | rsync -z | target |"
  echo "|---|---|---|---|"
  echo "| propagation of a small file, p50 / p99 (ms) | $(field propagation p50_ms) / $(field propagation p99_ms) | | < 1000 / < 3000 |"
  echo "| $SMALL_FILES files of 4 KiB, A to listed at B (files/s) | $(field smallfiles files_per_s) | | >= 500 |"
  echo "| then reading all of them at B (s) | $(field smallfiles read_all_at_b_s) | | |"
  echo "| initial $MUTATION_MIB MiB upload (bytes sent) | $(field mutation initial_bytes) | $r0 | |"
  echo "| 64 KiB overwritten in the middle: bytes sent / changed | $(field mutation overwrite_bytes) ($(field mutation overwrite_ratio)x) | $r1 ($(python3 -c "print(f'{$r1/65536:.2f}')")x) | <= 1.3x |"
  echo "| 100 bytes inserted near the start: bytes sent / changed | $(field mutation insert_bytes) ($(field mutation insert_ratio)x) | $r2 ($(python3 -c "print(f'{$r2/100:.1f}')")x) | <= 1.3x |"
  ov=$(field mutation overwrite_bytes); ins=$(field mutation insert_bytes)
  echo "| both mutations together: bytes sent / changed | $((ov + ins)) ($(python3 -c "print(f'{($ov+$ins)/65636:.2f}')")x) | $((r1 + r2)) ($(python3 -c "print(f'{($r1+$r2)/65636:.2f}')")x) | <= 1.3x |"
} | tee "$WORK/sync-results.md"
