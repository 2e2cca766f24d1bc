#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Whole-suite time: `pacer simulate -S` and `crm_simulate -S` over every case of a
# scheduler corpus folder (default: the upstream cases in the repository), one after
# the other in the same run, one process per case as the compare harness runs them.
#
# usage: bench/scheduler/suite.sh [CASES_DIR]   (a folder with cases/*.xml;
#        default Tests/Fixtures/scheduler-corpus/upstream)
# env:   PACER=path/to/pacer  (default: release build in .build-sched, built if missing)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${1:-$root/Tests/Fixtures/scheduler-corpus/upstream}
[ -d "$dir/cases" ] && dir=$dir/cases
pacer=${PACER:-$root/.build-sched/release/pacer}
if [ ! -x "$pacer" ]; then
    (cd "$root" && swift build -c release --scratch-path .build-sched --product pacer >&2)
fi
command -v crm_simulate >/dev/null || { echo "suite.sh: crm_simulate is not installed" >&2; exit 66; }

# run_all CMD...: runs CMD -x CASE -S for every case; prints the wall seconds.
run_all() {
    start=$(date +%s.%N)
    for xml in "$dir"/*.xml; do
        LC_ALL=C "$@" -x "$xml" -S > /dev/null 2>&1 < /dev/null || :
    done
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

count=$(ls "$dir"/*.xml | wc -l)
p=$(run_all "$pacer" simulate)
c=$(run_all crm_simulate)
printf '%s cases in %s\n' "$count" "$dir"
printf 'pacer simulate -S:  %s s (%s ms per case)\n' "$p" "$(awk -v t="$p" -v n="$count" 'BEGIN { printf "%.1f", 1000 * t / n }')"
printf 'crm_simulate -S:    %s s (%s ms per case)\n' "$c" "$(awk -v t="$c" -v n="$count" 'BEGIN { printf "%.1f", 1000 * t / n }')"
printf 'ratio:              %s\n' "$(awk -v a="$c" -v b="$p" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')"
