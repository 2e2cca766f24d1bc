#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Scheduler benchmark: `pacer simulate -R/-S` against `crm_simulate -R/-S` on the
# synthetic scale CIBs (generated here by Tests/Fixtures/scheduler-corpus/scale/gen-scale.py),
# same run, wall time and peak RSS (GNU time), ratios, and the fitted growth exponent.
#
# usage: bench/scheduler/run.sh [SIZE...]        (default: 30 300 3000 9000)
# env:   PACER=path/to/pacer  (default: release build in .build-sched, built if missing)
#        RUNS=N               (median of N runs per cell, default 3)
#        CRM_R_TIMEOUT=SEC    (crm_simulate -R time limit, default 120)
#        CRM_S_MAX=N          (largest size for crm_simulate -S, default 300)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
generator=$root/Tests/Fixtures/scheduler-corpus/scale/gen-scale.py
sizes=${*:-30 300 3000 9000}
runs=${RUNS:-3}
crm_r_timeout=${CRM_R_TIMEOUT:-120}
crm_s_max=${CRM_S_MAX:-300}
timebin=/usr/bin/time
[ -x "$timebin" ] || { echo "run.sh: GNU time is missing (apt-get install time)" >&2; exit 66; }

pacer=${PACER:-$root/.build-sched/release/pacer}
if [ ! -x "$pacer" ]; then
    (cd "$root" && swift build -c release --scratch-path .build-sched --product pacer >&2)
fi
command -v crm_simulate >/dev/null || { echo "run.sh: crm_simulate is not installed" >&2; exit 66; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The scale CIBs (12 MB for 9000 resources) are generated, byte for byte the same every time.
corpus=$tmp/cases
python3 "$generator" -o "$corpus" $sizes

# measure LABEL TIMEOUT CMD...: prints "seconds kilobytes" (median of $runs), or "timeout -"
measure() {
    limit=$1; shift
    : > "$tmp/samples"
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        if timeout "$limit" "$timebin" -f '%e %M' -o "$tmp/one" "$@" > /dev/null 2>&1; then
            cat "$tmp/one" >> "$tmp/samples"
        else
            echo "timeout -"; return
        fi
    done
    sort -n "$tmp/samples" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $1, $2 }'
}

printf '%-7s %-22s %-22s %-22s %-22s %-10s %-10s\n' resources 'pacer -R (s, MB)' 'pacer -S (s, MB)' \
    'crm_simulate -R' 'crm_simulate -S' 'R ratio' 'S ratio'
: > "$tmp/fit"
for n in $sizes; do
    file=$(printf '%s/scale-%05d.xml' "$corpus" "$n")
    [ -f "$file" ] || { echo "run.sh: no case for $n resources ($file)" >&2; continue; }
    set -- $(measure 600 "$pacer" simulate -x "$file" -R); pr_t=$1; pr_m=$2
    set -- $(measure 600 "$pacer" simulate -x "$file" -S); ps_t=$1; ps_m=$2
    set -- $(RUNS=1 measure "$crm_r_timeout" crm_simulate -x "$file" -R); cr_t=$1; cr_m=$2
    if [ "$n" -le "$crm_s_max" ]; then
        set -- $(RUNS=1 measure 600 crm_simulate -x "$file" -S); cs_t=$1; cs_m=$2
    else
        cs_t=skipped; cs_m=-
    fi
    mb() { [ "$1" = - ] && echo - || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
    ratio() { case "$1$2" in *[!0-9.]*) echo -;; *) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }';; esac; }
    printf '%-7s %-22s %-22s %-22s %-22s %-10s %-10s\n' "$n" "$pr_t $(mb "$pr_m")" "$ps_t $(mb "$ps_m")" \
        "$cr_t $(mb "$cr_m")" "$cs_t $(mb "$cs_m")" "$(ratio "$cr_t" "$pr_t")" "$(ratio "$cs_t" "$ps_t")"
    echo "$n $pr_t $ps_t" >> "$tmp/fit"
done

# Least-squares slope of log(time) against log(n): the growth exponent.
awk '
    function fit(col,    i, sx, sy, sxx, sxy, k, x, y) {
        k = 0; sx = sy = sxx = sxy = 0
        for (i = 1; i <= rows; i++) {
            if (t[i, col] + 0 <= 0) continue
            x = log(n[i]); y = log(t[i, col] < 0.005 ? 0.005 : t[i, col])
            sx += x; sy += y; sxx += x * x; sxy += x * y; k++
        }
        if (k < 2 || k * sxx == sx * sx) return "n/a"
        return sprintf("%.2f", (k * sxy - sx * sy) / (k * sxx - sx * sx))
    }
    { rows++; n[rows] = $1; t[rows, 1] = $2; t[rows, 2] = $3 }
    END {
        print ""
        print "fitted exponent (time ~ n^k): pacer -R k=" fit(1) ", pacer -S k=" fit(2) " (n log n is about 1.1)"
    }' "$tmp/fit"
