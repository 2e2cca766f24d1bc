#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Executor benchmark: monitors/s with N trivial resources, and per-action cost vs crm_resource --force-check.
# Usage: bench/executor/run.sh [RESOURCES] [SECONDS]   (defaults 500, 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
swift build -c release --product pacer-bench >/dev/null
"$(swift build -c release --show-bin-path)/pacer-bench" executor "${1:-500}" "${2:-10}"
