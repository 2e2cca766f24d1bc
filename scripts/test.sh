#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test command: installs what it needs, builds Pacer and runs every test suite (unit,
# differential against crmsh/crm_simulate/crm_mon, two daemons on loopback, agents and the
# load-balancer pair in network namespaces). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
# On a fresh machine this installs what the tests need (a no-op once it is there).
./scripts/setup-debian.sh
swift build --build-tests
status=0
swift test --skip-build || status=$?
if [ -x agents/tests/run.sh ]; then
  bash agents/tests/run.sh || status=$?
fi
# The Debian package (README, "Installing the package"): a static release build, 8 to 13
# minutes on two cores, then its install checks; PACER_SKIP_PACKAGE_TEST=1 leaves it out.
if [ "${PACER_SKIP_PACKAGE_TEST:-0}" != 1 ]; then
  bash dist/tests/run.sh || status=$?
fi
exit "$status"
