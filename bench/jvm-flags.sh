# Sourced by the benchmarks that start a gateway or a central themselves (needs $repo): the JVM
# flags ./tributary starts them with, and their class paths.
# shellcheck shell=bash disable=SC2034
flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true)
gw_cp="$repo/gateway/target/tributary-gateway-0.1.0-SNAPSHOT.jar:$repo/gateway/target/lib/*"
central_cp="$repo/central-ingest/target/tributary-central-0.1.0-SNAPSHOT.jar:$repo/central-ingest/target/lib/*"
