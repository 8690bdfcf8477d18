#!/usr/bin/env bash
# Many LAN sync clients at once: CLIENTS (default 12) `tributary sync --once` runs started
# together against one gateway, each uploading a ~250 MB tree of its own (the rounds of
# bench/make-tree.sh --warmup: small and large files, text-like and random, different content in
# each) into a share of its own.
#
# Reports how many runs ended in sync, how many retries the clients made, how many connections
# the gateway dropped for want of a direct buffer, how many files it told clients to begin again
# (its budget of files under way was spent), its errors for want of heap, its full collections
# and their seconds, the gateway's peak direct memory (native memory tracking's "Other", sampled
# every 0.5 s) and peak RSS, and the wall time.
# The gateway runs with gateway/heap.options, as ./tributary runs it; DIRECT=88m (for example)
# adds -XX:MaxDirectMemorySize=88m after them, to see another cap.
# Usage: bench/lan-clients.sh   Needs python3 and curl; about 0.5 GB of disk per client (CLIENTS up to 63).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
WORK=${WORK:-$here/work/lan-clients}
CLIENTS=${CLIENTS:-12}
source "$here/jvm-flags.sh"
for jar in "$repo/gateway/target/tributary-gateway-0.1.0-SNAPSHOT.jar" "$repo/sync-client/target/tributary-sync-0.1.0-SNAPSHOT.jar"; do
  [[ -f $jar ]] || { echo "build first: mvn -DskipTests install ($jar missing)" >&2; exit 1; }
done

rm -rf "$WORK"
mkdir -p "$WORK"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

echo "generating $CLIENTS trees..." >&2
"$here/make-tree.sh" --warmup "$WORK/trees" "$((CLIENTS + 1))" >/dev/null

read -ra gateway_heap < "$repo/gateway/heap.options"
"$java" "${flags[@]}" "${gateway_heap[@]}" ${DIRECT:+-XX:MaxDirectMemorySize=$DIRECT} -XX:NativeMemoryTracking=summary \
  -cp "$gw_cp" io.tributary.gateway.cli.Main gateway --data "$WORK/gw" --share-port 0 --http-port 0 --grpc-port 0 \
  --share warm $(for i in $(seq 0 $((CLIENTS - 1))); do echo --share "c$i"; done) \
  --local-user bench:bench --durability fsync >"$WORK/gateway.log" 2>&1 &
gw=$!
pids+=($gw)
for _ in $(seq 600); do grep -qs '^tributary gateway ready' "$WORK/gateway.log" && break; sleep 0.1; done
lan=$(sed -n 's/^tributary gateway ready .* lan-port=\([0-9]*\).*/\1/p' "$WORK/gateway.log")
[[ -n $lan ]] || { echo "gateway did not start:" >&2; tail "$WORK/gateway.log" >&2; exit 1; }

# Direct buffers are counted under "Other"; the peak in KiB goes to a file as it rises.
echo 0 >"$WORK/direct-peak"
(peak=0
 while kill -0 "$gw" 2>/dev/null; do
   kib=$("$JAVA_HOME/bin/jcmd" "$gw" VM.native_memory summary 2>/dev/null \
     | sed -n 's/^-  *Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p' | head -1)
   if [[ -n $kib ]] && (( kib > peak )); then peak=$kib; echo "$peak" >"$WORK/direct-peak"; fi
   sleep 0.5
 done) &
pids+=($!)

export TRIBUTARY_USER=bench TRIBUTARY_PASSWORD=bench
# One untimed round first, into a share of its own: the client's start-up cache is made as on a
# user's machine, and the gateway has compiled its hot paths.
last=$CLIENTS
"$repo/tributary" sync "$WORK/trees/r$last" "127.0.0.1:$lan/warm" --ca "$WORK/gw/tls/gateway.crt" --once --name warm \
  >"$WORK/warm.log" 2>&1 || { echo "the warm-up run failed:" >&2; tail -3 "$WORK/warm.log" >&2; exit 1; }
echo "running $CLIENTS clients at once..." >&2
t0=$(date +%s.%N)
clients=()
for i in $(seq 0 $((CLIENTS - 1))); do
  "$repo/tributary" sync "$WORK/trees/r$i" "127.0.0.1:$lan/c$i" --ca "$WORK/gw/tls/gateway.crt" --once --name "c$i" \
    >"$WORK/c$i.log" 2>&1 &
  clients+=($!)
done
for p in "${clients[@]}"; do wait "$p" || true; done
wall=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')")

in_sync=$(cat "$WORK"/c*.log | grep -c '^in sync' || true)
retries=$(cat "$WORK"/c*.log | grep -c 'trying again' || true)
dropped=$(grep -c 'Cannot reserve .* bytes of direct buffer memory' "$WORK/gateway.log" || true)
oom=$(grep -c 'OutOfMemoryError' "$WORK/gateway.log" || true)
http=$(sed -n 's/^tributary gateway ready .* http-port=\([0-9]*\).*/\1/p' "$WORK/gateway.log")
deferred=$(curl -s "http://127.0.0.1:$http/metrics" | awk '/^tributary_lan_writes_deferred_total /{print int($2)}')
read -r fgc fgct < <("$JAVA_HOME/bin/jstat" -gcutil "$gw" | awk 'NR == 2 {print $9, $10}')
rss=$(awk '/^VmHWM/{print int($2 / 1024)}' "/proc/$gw/status")
direct=$(( $(cat "$WORK/direct-peak") / 1024 ))
cat <<EOF
| clients | in sync | retries | connections dropped (no direct buffer) | files told to begin again | out of heap | full GCs (s) | direct memory peak MiB | gateway peak RSS MiB | wall s |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| $CLIENTS | $in_sync | $retries | $dropped | ${deferred:-?} | $oom | $fgc ($fgct) | $direct | $rss | $wall |
EOF
