#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs Pacer's build and test dependencies from Debian's registry (idempotent).
# The reference implementation (Pacemaker, crmsh, resource-agents) is installed too:
# the tests use it as an oracle.
set -euo pipefail
packages=(
  libxml2-dev libqb-dev libssl-dev libxml2-utils pkg-config   # build: libxml2, libqb, libcrypto
  pacemaker-cli-utils pacemaker crmsh resource-agents   # the oracle: crm_simulate, crm_mon, cibadmin, crm, ocf-tester
  haproxy iproute2 iputils-arping iputils-ping          # agents and end-to-end tests
  shellcheck dash time util-linux bc curl
  dpkg-dev lintian man-db bash-completion               # scripts/package.sh and its test (dist/tests/run.sh)
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# pacemaker's package starts its daemons on install on some systems; Pacer's tests never need them.
command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected /opt/swift/usr/bin)"; exit 1; }
