#!/usr/bin/env bash
# The test command: builds Pacer and runs every test suite (unit, differential against
# crmsh/crm_simulate, agents in network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
swift build --build-tests
status=0
swift test --skip-build || status=$?
if [ -x tests/agents/run.sh ]; then
  bash tests/agents/run.sh || status=$?
fi
exit "$status"
