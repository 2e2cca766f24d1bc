#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Clone-heavy scheduler benchmark: `pacer simulate -R/-S` against `crm_simulate -R/-S`
# on CIBs of N anonymous plus N promotable clones on K nodes (written here by
# bench/scheduler/gen-clones.py), same run: wall time and peak RSS (GNU time), ratios,
# whether the two Transition Summaries agree, and the growth exponent fitted per K.
#
# usage: bench/scheduler/clones.sh [N...]        (default: 100 300 1000)
# env:   NODES=K[,K...]       (default: 2,16)
#        PACER=path/to/pacer  (default: release build in .build-sched, built if missing)
#        RUNS=N               (median of N runs per pacer cell, default 3)
#        CRM_TIMEOUT=SEC      (crm_simulate time limit per run, default 300)
#        CRM_S_MAX=N          (largest N for crm_simulate -S, default 300)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sizes=${*:-100 300 1000}
node_counts=$(echo "${NODES:-2,16}" | tr ',' ' ')
runs=${RUNS:-3}
crm_timeout=${CRM_TIMEOUT:-300}
crm_s_max=${CRM_S_MAX:-300}
timebin=/usr/bin/time
[ -x "$timebin" ] || { echo "clones.sh: GNU time is missing (apt-get install time)" >&2; exit 66; }

pacer=${PACER:-$root/.build-sched/release/pacer}
if [ ! -x "$pacer" ]; then
    (cd "$root" && swift build -c release --scratch-path .build-sched --product pacer >&2)
fi
command -v crm_simulate >/dev/null || { echo "clones.sh: crm_simulate is not installed" >&2; exit 66; }
normalize=$root/Tests/Fixtures/scheduler-corpus/normalize_summary.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 "$here/gen-clones.py" -o "$tmp/cases" --nodes "${NODES:-2,16}" $sizes

# measure TIMEOUT CMD...: prints "seconds kilobytes" (median of $runs), or "timeout -"
measure() {
    limit=$1; shift
    : > "$tmp/samples"
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        if timeout "$limit" "$timebin" -f '%e %M' -o "$tmp/one" "$@" > "$tmp/stdout" 2>/dev/null; then
            cat "$tmp/one" >> "$tmp/samples"
        else
            echo "timeout -"; return
        fi
    done
    sort -n "$tmp/samples" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $1, $2 }'
}
mb() { [ "$1" = - ] && echo - || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { case "$1$2" in *[!0-9.]*) echo -;; *) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }';; esac; }

printf '%-6s %-6s %-10s %-18s %-18s %-18s %-18s %-9s %-9s %s\n' nodes clones instances 'pacer -R (s, MB)' \
    'pacer -S (s, MB)' 'crm_simulate -R' 'crm_simulate -S' 'R ratio' 'S ratio' 'summaries'
: > "$tmp/fit"
for k in $node_counts; do
    for n in $sizes; do
        file=$(printf '%s/cases/clones-%02d-%05d.xml' "$tmp" "$k" "$n")
        set -- $(measure 600 "$pacer" simulate -x "$file" -R); pr_t=$1; pr_m=$2
        "$normalize" "$tmp/stdout" > "$tmp/pacer.summary" 2>/dev/null || : > "$tmp/pacer.summary"
        set -- $(measure 600 "$pacer" simulate -x "$file" -S); ps_t=$1; ps_m=$2
        set -- $(runs=1 measure "$crm_timeout" crm_simulate -x "$file" -R); cr_t=$1; cr_m=$2
        if [ "$cr_t" = timeout ]; then agree=-; else
            "$normalize" "$tmp/stdout" > "$tmp/crm.summary" 2>/dev/null || : > "$tmp/crm.summary"
            if cmp -s "$tmp/pacer.summary" "$tmp/crm.summary"; then agree=same; else agree=DIFFERENT; fi
        fi
        if [ "$n" -le "$crm_s_max" ]; then
            set -- $(runs=1 measure "$crm_timeout" crm_simulate -x "$file" -S); cs_t=$1; cs_m=$2
        else
            cs_t=skipped; cs_m=-
        fi
        printf '%-6s %-6s %-10s %-18s %-18s %-18s %-18s %-9s %-9s %s\n' "$k" "2x$n" "$((2 * n * k))" \
            "$pr_t $(mb "$pr_m")" "$ps_t $(mb "$ps_m")" "$cr_t $(mb "$cr_m")" "$cs_t $(mb "$cs_m")" \
            "$(ratio "$cr_t" "$pr_t")" "$(ratio "$cs_t" "$ps_t")" "$agree"
        echo "$k $n $pr_t $ps_t $cr_t" >> "$tmp/fit"
    done
done

# Least-squares slope of log(time) against log(clones), per node count: the growth exponent.
awk '
    function fit(kk, col,    i, sx, sy, sxx, sxy, m, x, y) {
        m = 0; sx = sy = sxx = sxy = 0
        for (i = 1; i <= rows; i++) {
            if (k[i] != kk || t[i, col] !~ /^[0-9.]+$/) continue
            x = log(n[i]); y = log(t[i, col] < 0.005 ? 0.005 : t[i, col])
            sx += x; sy += y; sxx += x * x; sxy += x * y; m++
        }
        if (m < 2 || m * sxx == sx * sx) return "n/a"
        return sprintf("%.2f", (m * sxy - sx * sy) / (m * sxx - sx * sx))
    }
    { rows++; k[rows] = $1; n[rows] = $2; t[rows, 1] = $3; t[rows, 2] = $4; t[rows, 3] = $5; seen[$1] = 1 }
    END {
        print ""
        for (kk in seen)
            print "fitted exponent on " kk " nodes (time ~ clones^e): pacer -R e=" fit(kk, 1) ", pacer -S e=" fit(kk, 2) ", crm_simulate -R e=" fit(kk, 3)
    }' "$tmp/fit"
