#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pacerd benchmark: kill -9 of the active daemon -> peer declared lost and group started on the
# survivor (RUNS times, median and max), then one daemon's idle RSS and CPU over IDLE seconds.
# Usage: bench/cluster/run.sh [RUNS] [IDLE_SECONDS]   (defaults 10, 60). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
swift build -c release >/dev/null
"$(swift build -c release --show-bin-path)/pacer-bench" cluster "${1:-10}" "${2:-60}"
