#!/usr/bin/env bash
# Installs the real programs the test suite runs against: litmus (WebDAV conformance),
# rclone, openssl (probing TLS), curl, Chromium and its driver (the console's end-to-end test),
# Prometheus's promtool (checks the metrics text, alert rules and dashboard queries), and a
# PostgreSQL server (central's metadata tests start a throwaway cluster of their own from its
# binaries). Runs apt-get only when something is missing.
set -euo pipefail
missing=()
command -v litmus >/dev/null 2>&1 || missing+=(litmus)
command -v rclone >/dev/null 2>&1 || missing+=(rclone)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing test dependencies: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
