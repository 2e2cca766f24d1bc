#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: a two-node load-balancer pair on this one machine, in network namespaces.
#
#   alpha, bravo  two nodes, each with an interlink (a veth pair between them, 10.99.0.0/24)
#                 and a data interface on a bridge shared with the client (192.168.77.0/24)
#   client        runs the backend web server and sends requests to the VIP 192.168.77.80
#
# Installs what it needs, builds, starts one pacerd per node, configures the canonical group
# (VIPcheck -> IPaddr2 -> haproxy) from cib-examples/proxy-pair.crm, shows `pacer status`,
# powers off the active node, and prints when the peer was declared lost, when the VIP came
# up on the survivor and when the client was served again. Everything it creates goes away
# at the end (processes by PID, namespaces by name), also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)"; exit 1; }
./scripts/setup-debian.sh
command -v python3 >/dev/null || { echo "demo: needs python3 for the backend web server"; exit 1; }

echo "== building pacer and pacerd (release)"
swift build -c release --product pacer 2>&1 | tail -1
swift build -c release --product pacerd 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)

tag="pd$$"
work=$(mktemp -d "/tmp/pacer-demo.XXXXXX")
nsA="$tag-alpha"; nsB="$tag-bravo"; nsC="$tag-client"
cleanup() {
  set +e
  ./scripts/netns-pair.sh down "$tag" "$work"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "network: namespaces $nsA, $nsB (interlink 10.99.0.0/24 + data 192.168.77.0/24) and $nsC (client, backend on :8080)"
PACER="$bin/pacer" ./scripts/netns-pair.sh up "$tag" "$work"
for node in alpha bravo; do ./scripts/netns-pair.sh start "$tag" "$work" "$node" "$bin/pacerd"; done
pacer_on() { local ns=$1; shift; in_ns "$ns" "$bin/pacer" "$@"; }
for _ in $(seq 100); do pacer_on "$nsA" cluster show 2>/dev/null | grep -q "peer-state=member" && break; sleep 0.1; done
pacer_on "$nsA" cluster show

say "configure the canonical group (cib-examples/proxy-pair.crm with this network's addresses)"
grep -E "^(primitive|group)" "$work/pair.crm"
pacer_on "$nsA" configure -f "$work/pair.crm"

owner=
for _ in $(seq 300); do
  for node in alpha bravo; do
    ns=$([ $node = alpha ] && echo "$nsA" || echo "$nsB")
    if in_ns "$ns" ip -4 addr show dev eth0 | grep -q 192.168.77.80 && [ -n "$(ls "$work/$node/rsctmp"/haproxy-*.pid 2>/dev/null)" ]; then owner=$node; fi
  done
  [ -n "$owner" ] && break
  sleep 0.1
done
[ -n "$owner" ] || { echo "demo: the group did not start"; tail -20 "$work/alpha.log"; exit 1; }
for _ in $(seq 50); do in_ns "$nsC" curl -s --max-time 0.5 http://192.168.77.80/ >/dev/null && break; sleep 0.1; done

say "status (pacer status -1 on alpha)"
pacer_on "$nsA" status -1 2>/dev/null || CIB_file="$work/alpha/state/cib.xml" crm_mon -1
say "the client through the VIP"
in_ns "$nsC" curl -s --max-time 1 http://192.168.77.80/

survivor=$([ "$owner" = alpha ] && echo bravo || echo alpha)
nsOwner=$([ "$owner" = alpha ] && echo "$nsA" || echo "$nsB")
nsSurvivor=$([ "$survivor" = alpha ] && echo "$nsA" || echo "$nsB")
say "power off $owner (the active node): its links go down and everything on it dies"
t0=$(now_ms)
in_ns "$nsOwner" ip link set il0 down
in_ns "$nsOwner" ip link set eth0 down
kill -9 "$(cat "$work/$owner.pid")" 2>/dev/null || true
for pidfile in "$work/$owner"/rsctmp/*.pid; do [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null; done
in_ns "$nsOwner" ip addr flush dev eth0
t1=; t2=; t3=
while [ $(( $(now_ms) - t0 )) -lt 60000 ]; do
  [ -z "$t1" ] && pacer_on "$nsSurvivor" cluster show 2>/dev/null | grep -qE "peer-state=(lost|left)" && t1=$(now_ms)
  [ -z "$t2" ] && in_ns "$nsSurvivor" ip -4 addr show dev eth0 | grep -q 192.168.77.80 && t2=$(now_ms)
  if [ -z "$t3" ] && in_ns "$nsC" curl -s --max-time 0.2 http://192.168.77.80/ 2>/dev/null | grep -q backend; then t3=$(now_ms); fi
  [ -n "$t1" ] && [ -n "$t2" ] && [ -n "$t3" ] && break
  sleep 0.02
done
say "status on $survivor after the failover"
pacer_on "$nsSurvivor" status -1 2>/dev/null || CIB_file="$work/$survivor/state/cib.xml" crm_mon -1
say "the client through the VIP"
in_ns "$nsC" curl -s --max-time 1 http://192.168.77.80/ || echo "(no answer)"

say "timeline"
printf '  t0 = 0 ms       %s powered off\n' "$owner"
printf '  t1 = %s ms   %s declared %s lost\n' "${t1:+$((t1 - t0))}" "$survivor" "$owner"
printf '  t2 = %s ms   VIP 192.168.77.80 up on %s (VIPcheck waited for the address to stay silent: start-delay 2s + wait 5s)\n' "${t2:+$((t2 - t0))}" "$survivor"
printf '  t3 = %s ms   HAProxy answering the client through the VIP\n' "${t3:+$((t3 - t0))}"
[ -n "$t3" ] || { echo "demo: the client was not served again"; tail -30 "$work/$survivor.log"; exit 1; }
echo
echo "demo complete; cleaning up"
