#!/usr/bin/env bash
# LAN sync benchmark: `tributary sync --once` against a gateway on this machine, and rsync to an
# rsync daemon on 127.0.0.1, the same steps in the same run.
#
#   initial   the ~1 GiB mixed tree of bench/make-tree.sh plus a folder of 200 files of 8 KiB,
#             into an empty share: wall time (target: within 2x rsync's); also "until durable",
#             with the time of a `sync` run right after the step added: the gateway fsyncs
#             before it acknowledges, the rsync daemon leaves its writes in the page cache
#   edits     the 4 large files edited in place: 64 KiB overwritten in the middle and 100 bytes
#             inserted 4 KiB from the start of each: bytes sent (target: fewer than rsync)
#   rename    the 200-file folder renamed: bytes sent (target: fewer than rsync)
#   small     10,000 files of 4 KiB into an empty share: files/s (target: >= 2,000)
#
# Before each step that writes much, bench/prime-memory.sh gives it host-backed free memory, the
# same for tributary and rsync (on a VM, the first write to reclaimed pages costs far more).
# Untimed warm-up syncs of other content come first: one round of ~250 MB (upload.sh's warm-up
# tree, with more rounds) into a share of its own at a time, until a round costs the gateway's
# JIT compiler threads under JIT_QUIET CPU s (default 0.2; at least 3 rounds, at most
# WARMUP_ROUNDS, default 8). So the gateway is measured as after minutes of service, not while
# C2 is still compiling its start-up backlog. After the second round, the first round's folder
# is edited and a folder in it renamed, twice, each followed by a sync, as the timed steps will
# change the tree. The JIT's CPU s in the timed initial and small-file steps are reported beside
# them.
#
# The client runs as users run it, through ./tributary sync (heap, JIT and AOT cache as there).
# Tributary's bytes are the client's protocol messages (before gRPC framing and TLS), as its
# summary line prints them; rsync's are its "Total bytes sent". rsync runs with -a (delta
# transfer on, no compression; the tree is half random) and --delete. CPU s is user + system
# time from /proc: the client's and the gateway's for tributary, the rsync client's and the
# daemon's worker's for rsync (two cores: a step cannot take less wall time than half of it).
# Usage: bench/sync-client.sh   Results: stdout and $WORK/results.md. Needs rsync and python3.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
WORK=${WORK:-$here/work/sync-client}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-8}
JIT_QUIET=${JIT_QUIET:-0.2}
source "$here/jvm-flags.sh"
for jar in "$repo/gateway/target/tributary-gateway-0.1.0-SNAPSHOT.jar" "$repo/sync-client/target/tributary-sync-0.1.0-SNAPSHOT.jar"; do
  [[ -f $jar ]] || { echo "build first: mvn -DskipTests install ($jar missing)" >&2; exit 1; }
done
command -v rsync >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync; }

rm -rf "$WORK"
mkdir -p "$WORK/rsync/dst" "$WORK/rsync/small"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

echo "generating trees..." >&2
"$here/make-tree.sh" "$WORK/tree" >/dev/null
python3 - "$WORK" <<'PY'
import os, random, sys
work = sys.argv[1]
r = random.Random(2026)
os.makedirs(f"{work}/tree/batch")
for i in range(200):
    open(f"{work}/tree/batch/b{i:03d}.bin", "wb").write(r.randbytes(8192))
for i in range(10000):
    d = f"{work}/small/s{i // 100:03d}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/f{i:05d}.bin", "wb").write(r.randbytes(4096))
PY
# Warm-up content the timed steps never see, upload.sh's with more rounds: ~250 MB per round
# shaped like the tree (small and large, text-like and random, duplicates), so the gateway's JIT
# has compiled every path of the timed steps, as after minutes of service.
"$here/make-tree.sh" --warmup "$WORK/warmup" "$WARMUP_ROUNDS" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "starting the gateway and the rsync daemon..." >&2
read -ra gateway_heap < "$repo/gateway/heap.options"   # as ./tributary runs the gateway
"$java" "${flags[@]}" "${gateway_heap[@]}" -cp "$gw_cp" io.tributary.gateway.cli.Main gateway \
  --data "$WORK/gw" --share-port 0 --http-port 0 --grpc-port 0 --share share --share small $(for i in $(seq 0 $((WARMUP_ROUNDS - 1))); do echo --share warmup$i; done) \
  --local-user bench:bench --durability fsync >"$WORK/gateway.log" 2>&1 &
pids+=($!)
gw_pid=$!
for _ in $(seq 600); do grep -qs '^tributary gateway ready' "$WORK/gateway.log" && break; sleep 0.1; done
lan=$(sed -n 's/^tributary gateway ready .* lan-port=\([0-9]*\).*/\1/p' "$WORK/gateway.log")
[[ -n $lan ]] || { echo "gateway did not start:" >&2; tail "$WORK/gateway.log" >&2; exit 1; }
port=$(free_port)
cat >"$WORK/rsync/rsyncd.conf" <<CONF
use chroot = false
uid = $(id -u)
gid = $(id -g)
[bench]
  path = $WORK/rsync/dst
  read only = false
[small]
  path = $WORK/rsync/small
  read only = false
CONF
rsync --daemon --no-detach --address=127.0.0.1 --port="$port" --config="$WORK/rsync/rsyncd.conf" &
pids+=($!)
rsyncd_pid=$!
for _ in $(seq 100); do rsync "rsync://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done

export TRIBUTARY_USER=bench TRIBUTARY_PASSWORD=bench
now() { date +%s.%N; }
# Seconds a `sync` takes now: what the step just timed still owed the disk.
sync_seconds() {
  local t0
  t0=$(now)
  sync
  python3 -c "print(f'{$(now) - $t0:.2f}')"
}
ticks=$(getconf CLK_TCK)
# CPU s (user + sys) process PID has used so far; with "children", that of its reaped children.
cpu_s() { awk -v t="$ticks" -v c="${2:-}" '{ printf "%.2f", (c ? $16 + $17 : $14 + $15) / t }' "/proc/$1/stat"; }
sum() { python3 -c "import sys; print(f'{sum(float(a) for a in sys.argv[1:]):.2f}')" "$@"; }
# Run inside $(...): runs the command with its output captured, and ends that output with a line
# "@cpu CPU_S STATUS" (the CPU s the command and its children used, and its exit status).
run_measured() {
  local me=$BASHPID rc=0
  "$@" 2>&1 || rc=$?
  echo "@cpu $(cpu_s "$me" children) $rc"
}
# tributary sync --once DIR SHARE: prints "seconds message_bytes cpu_seconds gateway_cpu_seconds"
# (the CPU s of client and gateway, then the gateway's alone) and keeps the client's output
tsync() {
  local t0 t1 out g0 g1 rc cpu
  g0=$(cpu_s "$gw_pid")
  t0=$(now)
  out=$(run_measured "$repo/tributary" sync "$1" "127.0.0.1:$lan/$2" --ca "$WORK/gw/tls/gateway.crt" --once --name bench)
  t1=$(now)
  g1=$(cpu_s "$gw_pid")
  read -r _ cpu rc <<<"$(tail -1 <<<"$out")"
  ((rc == 0)) || { echo "$out" >&2; exit 1; }
  echo "$out" >>"$WORK/client.log"
  echo "$(python3 -c "print(f'{$t1-$t0:.2f}')") $(echo "$out" | sed -n 's/.* \([0-9]*\) bytes of messages up.*/\1/p' | tail -1) $(sum "$cpu" "$g1" "-$g0") $(sum "$g1" "-$g0")"
}
# rsync DIR MODULE: prints "seconds bytes_sent cpu_seconds" (client and the daemon's workers)
rs() {
  local t0 t1 out d0 d1 rc cpu
  d0=$(cpu_s "$rsyncd_pid" children)
  t0=$(now)
  out=$(run_measured rsync -a --delete --stats --exclude=.tributary "$1/" "rsync://127.0.0.1:$port/$2/")
  t1=$(now)
  # The daemon forks a worker per connection; its CPU counts once the daemon has reaped it.
  for _ in $(seq 200); do pgrep -P "$rsyncd_pid" >/dev/null || break; sleep 0.05; done
  d1=$(cpu_s "$rsyncd_pid" children)
  read -r _ cpu rc <<<"$(tail -1 <<<"$out")"
  ((rc == 0)) || { echo "$out" >&2; exit 1; }
  echo "$(python3 -c "print(f'{$t1-$t0:.2f}')") $(echo "$out" | sed -n 's/^Total bytes sent: \([0-9,]*\).*/\1/p' | tr -d ,) $(sum "$cpu" "$d1" "-$d0")"
}

# CPU seconds the gateway's JIT compiler threads have used so far (from /proc; with two cores
# HotSpot runs one C1 and one C2 thread for the JVM's whole life, so none of it is lost).
jit_seconds() {
  local t total=0 used
  for t in /proc/"$gw_pid"/task/*; do
    if grep -q '^C[12] CompilerThre' "$t/comm" 2>/dev/null; then
      used=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)
      total=$((total + used))
    fi
  done
  python3 -c "print(f'{$total / $ticks:.2f}')"   # $ticks: clock ticks per second, set above
}
# edit_in_place SEED FILE...: in each file, 64 KiB overwritten in the middle and 100 bytes
# inserted 4 KiB from the start (the timed edit step's change, also made during the warm-up).
edit_in_place() {
  python3 - "$@" <<'PY'
import random, sys
r = random.Random(int(sys.argv[1]))
for p in sys.argv[2:]:
    data = bytearray(open(p, "rb").read())
    mid = len(data) // 2
    data[mid:mid + 65536] = r.randbytes(65536)
    data[4096:4096] = r.randbytes(100)
    open(p, "wb").write(data)
PY
}
# The rounds only add files; the timed steps also edit files in place and rename a folder, which
# take branches the rounds never did, and the JIT recompiles what they touch (about 1 CPU s, paid
# in a timed step otherwise). So after the second round, the first round's folder gets the same
# kinds of change, twice, each followed by an untimed sync, as a gateway in service sees them all
# the time; the rounds after it recompile what the changes deoptimized.
warm_changes() {
  local pass first
  for pass in 1 2; do
    # shellcheck disable=SC2046  # file names of the generated tree have no spaces
    edit_in_place "$pass" $(find "$WORK/warmup/r0" -path '*/.tributary' -prune -o -type f -printf '%s %p\n' | sort -n | tail -4 | cut -d' ' -f2)
    first=$(find "$WORK/warmup/r0" -mindepth 1 -maxdepth 1 -type d ! -name .tributary -printf '%f\n' | sort | head -1)
    mv "$WORK/warmup/r0/$first" "$WORK/warmup/r0/renamed$pass-$first"
    tsync "$WORK/warmup/r0" warmup0 >/dev/null
  done
}
rm -f "$repo/sync-client/target/sync.aot" "$repo/sync-client/target/sync.aot.conf"
jit_before=$(jit_seconds)
for ((round = 0; round < WARMUP_ROUNDS; round++)); do
  read -r t_warm _ _ _ < <(tsync "$WORK/warmup/r$round" "warmup$round")
  # The launcher records the client's start-up on its first run and builds its AOT cache in
  # the background: wait for it, so that no later step shares the CPU with that.
  for _ in $(seq 600); do [[ -f "$repo/sync-client/target/sync.aot.conf" ]] || break; sleep 0.1; done
  if ((round == 1)); then
    warm_changes
  fi
  jit_now=$(jit_seconds)
  jit_round=$(python3 -c "print(f'{$jit_now - $jit_before:.2f}')")
  jit_before=$jit_now
  echo "warm-up round $round (untimed): ${t_warm} s$( ((round == 1)) && echo ", then edits and renames in round 0's folder"), gateway JIT ${jit_round} CPU s" >&2
  if ((round >= 2)) && python3 -c "import sys; sys.exit(0 if $jit_round < $JIT_QUIET else 1)"; then
    break
  fi
done
warm_rounds=$((round < WARMUP_ROUNDS ? round + 1 : WARMUP_ROUNDS))
jit_last=$jit_round
[[ -f "$repo/sync-client/target/sync.aot" ]] || echo "note: no AOT cache for the client; timings are without it" >&2

echo "initial sync..." >&2
sync
"$here/prime-memory.sh" 1200 "$WORK"
jit_before=$(jit_seconds)
read -r t_init b_init c_init g_init < <(tsync "$WORK/tree" share)
jit_init=$(python3 -c "print(f'{$(jit_seconds) - $jit_before:.2f}')")
t_init_sync=$(sync_seconds)
"$here/prime-memory.sh" 1200 "$WORK"
read -r r_init rb_init rc_init < <(rs "$WORK/tree" bench)
r_init_sync=$(sync_seconds)
t_init_durable=$(python3 -c "print(f'{$t_init + $t_init_sync:.2f}')")
r_init_durable=$(python3 -c "print(f'{$r_init + $r_init_sync:.2f}')")

echo "edits..." >&2
edit_in_place 7 "$WORK/tree/large"/*
changed=$((4 * (65536 + 100)))
read -r t_edit b_edit _ _ < <(tsync "$WORK/tree" share)
read -r r_edit rb_edit _ < <(rs "$WORK/tree" bench)

echo "rename..." >&2
mv "$WORK/tree/batch" "$WORK/tree/batch-renamed"
read -r t_ren b_ren _ _ < <(tsync "$WORK/tree" share)
read -r r_ren rb_ren _ < <(rs "$WORK/tree" bench)

echo "10,000 small files..." >&2
"$here/prime-memory.sh" 100 "$WORK"
jit_before=$(jit_seconds)
read -r t_small b_small c_small g_small < <(tsync "$WORK/small" small)
jit_small=$(python3 -c "print(f'{$(jit_seconds) - $jit_before:.2f}')")
"$here/prime-memory.sh" 100 "$WORK"
read -r r_small rb_small rc_small < <(rs "$WORK/small" small)

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
{
  echo "| step | tributary sync | rsync -a (daemon) | ratio | target |"
  echo "|---|---|---|---|---|"
  echo "| initial ~1 GiB tree: wall s (bytes sent) | $t_init ($b_init) | $r_init ($rb_init) | $(ratio "$t_init" "$r_init")x time | <= 2x time |"
  echo "| the same: CPU s of both sides (client and server) | $c_init (gateway $g_init) | $rc_init | $(ratio "$c_init" "$rc_init")x CPU | |"
  echo "| the same until durable (a \`sync\` right after): wall s | $t_init_durable (sync ${t_init_sync} s) | $r_init_durable (sync ${r_init_sync} s) | $(ratio "$t_init_durable" "$r_init_durable")x time | |"
  echo "| 4 large files edited ($changed bytes changed): bytes sent | $b_edit (${t_edit} s) | $rb_edit (${r_edit} s) | $(ratio "$b_edit" "$rb_edit")x | < 1x |"
  echo "| 200-file folder renamed: bytes sent | $b_ren (${t_ren} s) | $rb_ren (${r_ren} s) | $(ratio "$b_ren" "$rb_ren")x | < 1x |"
  echo "| 10,000 files of 4 KiB: files/s (CPU s of both sides) | $(python3 -c "print(f'{10000/$t_small:.0f}')") (${t_small} s; $c_small, gateway $g_small) | $(python3 -c "print(f'{10000/$r_small:.0f}')") (${r_small} s; $rc_small) | | >= 2000 |"
  echo
  echo "Warm-up: $warm_rounds rounds of ~250 MB; the gateway's JIT compiler threads used $jit_last CPU s in the last round, $jit_init CPU s during the timed initial sync and $jit_small CPU s during the small files."
} | tee "$WORK/results.md"
