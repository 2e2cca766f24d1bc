#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# False failovers under load: the canonical pair (scripts/netns-pair.sh, Pacer's defaults) idles
# for DURATION seconds while every core runs a busy loop; a client asks through the VIP once a
# second. Counts what must stay zero: peer losses, actions other than monitors, resets after a
# freeze, client failures, and a change of the VIP's owner.
#
#   bench/cluster/busy-idle.sh [DURATION]     default 600; needs root; PACER_BIN (default .build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-600}
bin=${PACER_BIN:-.build/release}
tag=busy$$
work=$(mktemp -d /tmp/pacer-busy.XXXXXX)
busy=()
cleanup() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
  bash scripts/netns-pair.sh down "$tag" "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

served() { ip netns exec "$tag-client" curl -s -m 0.5 http://192.168.77.80/ 2>/dev/null | grep -q backend; }
owner() { for n in alpha bravo; do if ip -n "$tag-$n" -4 addr show dev eth0 | grep -q '192.168.77.80/'; then printf '%s ' "$n"; fi; done; }

PACER=$bin/pacer bash scripts/netns-pair.sh up "$tag" "$work" >/dev/null
for node in alpha bravo; do bash scripts/netns-pair.sh start "$tag" "$work" "$node" "$bin/pacerd"; done
for _ in $(seq 300); do
  ip netns exec "$tag-alpha" env -u CIB_file PACER_IPC=pacer "$bin/pacer" cluster show 2>/dev/null | grep -q peer-state=member && break
  sleep 0.1
done
ip netns exec "$tag-alpha" env -u CIB_file PACER_IPC=pacer "$bin/pacer" configure -f "$work/pair.crm" >/dev/null
for _ in $(seq 600); do served && break; sleep 0.1; done
served || { echo "busy-idle: the group never served the client" >&2; exit 1; }
sleep 6   # the first recurring monitors have run
start_owner=$(owner)
marks=$(for n in alpha bravo; do wc -l <"$work/$n.log"; done | tr '\n' ' ')
read -r mark_a mark_b <<<"$marks"

cores=$(nproc)
for _ in $(seq "$cores"); do
  (while :; do :; done) &
  busy+=($!)
done
echo "busy-idle: $cores busy loops, ${duration}s, VIP on ${start_owner}"
failures=0 probes=0
end=$((SECONDS + duration))
while [ "$SECONDS" -lt "$end" ]; do
  probes=$((probes + 1))
  served || failures=$((failures + 1))
  sleep 1
done
for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
busy=()

since() { tail -n +"$(($2 + 1))" "$work/$1.log"; }
count() { { since alpha "$mark_a"; since bravo "$mark_b"; } | grep -c "$1" || true; }
losses=$(count "Peer state changed")
actions=$({ since alpha "$mark_a"; since bravo "$mark_b"; } | grep "Executing" | grep -vc "_monitor_" || true)
resets=$(count "Frozen for longer than the deadtime")
late=$(count "Link state changed")
end_owner=$(owner)
echo "peer state changes: $losses; link state changes: $late; actions other than monitors: $actions; freeze resets: $resets"
echo "client: $failures failed of $probes requests; VIP owner: ${start_owner}-> ${end_owner}"
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average at the end: $load"
[ "$losses" = 0 ] && [ "$actions" = 0 ] && [ "$resets" = 0 ] && [ "$failures" = 0 ] && [ "$start_owner" = "$end_owner" ]
