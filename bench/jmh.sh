#!/usr/bin/env bash
# Builds the gateway's test classes and runs its JMH benchmarks, one thread, short settings.
#
#   bench/jmh.sh                               every benchmark
#   bench/jmh.sh ChunkPipelineBenchmark.cut    a regex of benchmarks; any other JMH flags pass through
#
# Scores are ops/s; in ChunkPipelineBenchmark one op is 1 MiB of input, so they read as MiB/s per
# core. The whole run holds the shared Maven lock: on a two-core machine a build running beside a
# benchmark makes its figures meaningless.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lock=/tmp/tributary-mvn.lock
if [[ -z "${TRIBUTARY_BENCH_LOCKED:-}" ]]; then
    echo "waiting for $lock ..." >&2
    TRIBUTARY_BENCH_LOCKED=1 exec flock "$lock" "$0" "$@"
fi

cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}

# The lock is already held, so Maven runs bare here; taking it again would wait on ourselves.
classpath_file=gateway/target/jmh.classpath
mvn -o -q -pl gateway -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$root/$classpath_file"
[[ -s $classpath_file ]] || { echo "no class path in $classpath_file" >&2; exit 1; }
classpath="gateway/target/test-classes:gateway/target/classes:$(cat "$classpath_file")"

echo "machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores"
echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
# JMH itself still reaches for sun.misc.Unsafe; the flag keeps its warnings out of the results.
exec "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -cp "$classpath" org.openjdk.jmh.Main \
    -f 1 -wi 2 -w 2s -i 3 -r 3s -t 1 "$@"
