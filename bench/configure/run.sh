#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: apply one `configure primitive` to a CIB holding N resources, Pacer vs crmsh,
# on copies of the same file in the same run. Prints each run, the medians and the ratio.
# Usage: bench/configure/run.sh [N] [RUNS]     (defaults: 3000 resources, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-3000}
runs=${2:-5}
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
swift build -c release --product pacer >/dev/null
pacer=$(swift build -c release --show-bin-path)/pacer
work=$(mktemp -d /tmp/pacer-bench-configure.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The base CIB: N Dummy primitives in groups of three, built with crmsh's own syntax.
{
  echo configure
  echo "property stonith-enabled=false no-quorum-policy=ignore"
  for ((i = 0; i < n; i++)); do echo "primitive r$i ocf:heartbeat:Dummy op monitor interval=10s"; done
  for ((g = 0; g < n / 3; g++)); do echo "group g$g r$((3 * g)) r$((3 * g + 1)) r$((3 * g + 2))"; done
  echo commit
} >"$work/base.crm"
"$pacer" cib new "$work/base.xml"
CIB_file="$work/base.xml" "$pacer" configure -f "$work/base.crm"
echo "base CIB: $n resources, $(wc -c <"$work/base.xml") bytes"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$work/pacer.times"; : >"$work/crm.times"
for ((r = 1; r <= runs; r++)); do
  cp "$work/base.xml" "$work/p.xml"; cp "$work/base.xml" "$work/c.xml"
  t0=$(now); CIB_file="$work/p.xml" "$pacer" configure primitive bench_new ocf:heartbeat:Dummy op monitor interval=10s; t1=$(now)
  CIB_file="$work/c.xml" crm configure primitive bench_new ocf:heartbeat:Dummy op monitor interval=10s >/dev/null 2>&1; t2=$(now)
  grep -q 'id="bench_new"' "$work/p.xml" && grep -q 'id="bench_new"' "$work/c.xml" || { echo "a run did not add the primitive"; exit 1; }
  p=$(echo "$t1 - $t0" | bc -l); c=$(echo "$t2 - $t1" | bc -l)
  echo "$p" >>"$work/pacer.times"; echo "$c" >>"$work/crm.times"
  printf 'run %d: pacer %.3f s   crm %.3f s\n' "$r" "$p" "$c"
done
pm=$(median <"$work/pacer.times"); cm=$(median <"$work/crm.times")
printf 'median over %d runs, %d resources: pacer %.3f s, crm configure %.3f s, crm/pacer = %.1fx (target >= 20x)\n' \
  "$runs" "$n" "$pm" "$cm" "$(echo "$cm / $pm" | bc -l)"
