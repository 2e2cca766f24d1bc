#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The two-node topology of the demo and the end-to-end tests, in network namespaces.
#
#   netns-pair.sh up    TAG WORK   namespaces TAG-alpha, TAG-bravo, TAG-client; interlink veth
#                                  10.99.0.1/.2 (il0), data bridge 192.168.77.0/24 (eth0 on the nodes,
#                                  br0 in the client, .100 runs the backend on :8080); WORK gets the
#                                  OCF root with our agents, haproxy.cfg, pacer.conf and authkey
#   netns-pair.sh net   TAG WORK   the namespaces, links, backend and haproxy.cfg only (for other stacks)
#   netns-pair.sh start TAG WORK NODE [PACERD]   starts NODE's pacerd in its namespace (pid in WORK/NODE.pid)
#   netns-pair.sh down  TAG WORK   ends every process it started, by PID, and deletes the namespaces
#
# Only addresses inside the namespaces it creates are used. Needs root.
set -euo pipefail
action=$1 tag=$2 work=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
nsA="$tag-alpha" nsB="$tag-bravo" nsC="$tag-client"
ns_of() { case $1 in alpha) echo "$nsA" ;; bravo) echo "$nsB" ;; *) echo "$nsC" ;; esac; }

# The namespaces, links, backend and HAProxy configuration (no Pacer files): `net`.
topology() {
  mkdir -p "$work"
  for ns in "$nsA" "$nsB" "$nsC"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  short=$(printf '%s' "$tag" | cksum | cut -c1-6)
  ip link add "ila$short" netns "$nsA" type veth peer name "ilb$short" netns "$nsB"
  ip -n "$nsA" link set "ila$short" name il0; ip -n "$nsB" link set "ilb$short" name il0
  ip -n "$nsA" addr add 10.99.0.1/24 dev il0; ip -n "$nsB" addr add 10.99.0.2/24 dev il0
  ip -n "$nsA" link set il0 up; ip -n "$nsB" link set il0 up
  ip -n "$nsC" link add br0 type bridge
  ip -n "$nsC" link set br0 up
  for node in a b; do
    ns=$([ $node = a ] && echo "$nsA" || echo "$nsB")
    ip link add "d$node$short" netns "$ns" type veth peer name "p-$node" netns "$nsC"
    ip -n "$ns" link set "d$node$short" name eth0
    ip -n "$nsC" link set "p-$node" master br0 up
  done
  ip -n "$nsA" addr add 192.168.77.11/24 dev eth0; ip -n "$nsA" link set eth0 up
  ip -n "$nsB" addr add 192.168.77.12/24 dev eth0; ip -n "$nsB" link set eth0 up
  ip -n "$nsC" addr add 192.168.77.100/24 dev br0
  mkdir -p "$work/www" && echo "hello from the backend" >"$work/www/index.html"
  ip netns exec "$nsC" python3 -m http.server 8080 --bind 192.168.77.100 --directory "$work/www" >/dev/null 2>&1 &
  echo $! >"$work/backend.pid"
  cat >"$work/haproxy.cfg" <<CFG
global
    maxconn 256
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend vip
    bind 192.168.77.80:80
    default_backend web
backend web
    server backend 192.168.77.100:8080
CFG
}

case $action in
net)
  topology
  ;;
up)
  topology
  # As on a real install (agents/install.sh): Pacer's VIPcheck and haproxy under heartbeat/,
  # resource-agents' own IPaddr2 (pacerd turns its address into a lease), Pacer's IPaddr2 as
  # ocf:pacer:IPaddr2.
  mkdir -p "$work/ocf/resource.d/heartbeat" "$work/ocf/resource.d/pacer"
  cp "$repo/agents/heartbeat/VIPcheck" "$repo/agents/heartbeat/haproxy" "$work/ocf/resource.d/heartbeat/"
  ln -sfn /usr/lib/ocf/resource.d/heartbeat/IPaddr2 "$work/ocf/resource.d/heartbeat/IPaddr2"
  cp "$repo/agents/pacer/IPaddr2" "$repo/agents/pacer/Dummy" "$work/ocf/resource.d/pacer/"
  ln -sfn /usr/lib/ocf/lib "$work/ocf/lib"
  pacer=${PACER:-$repo/.build/debug/pacer}
  # DATA_LINK=no: heartbeats on the interlink only (cutting it then partitions the cluster).
  if [ "${DATA_LINK:-yes}" = no ]; then nodes=(--node alpha=10.99.0.1 --node bravo=10.99.0.2)
  else nodes=(--node alpha=10.99.0.1,192.168.77.11 --node bravo=10.99.0.2,192.168.77.12); fi
  "$pacer" cluster init --name pair --directory "$work" --state-dir "$work/state" --port 5405 "${nodes[@]}" >/dev/null
  # The canonical crm script with this network's VIP and HAProxy's configuration file.
  sed -e 's/192\.168\.10\.80/192.168.77.80/g' \
      -e "s|primitive haproxyd ocf:heartbeat:haproxy |primitive haproxyd ocf:heartbeat:haproxy params conffile=\"$work/haproxy.cfg\" |" \
      "$repo/cib-examples/proxy-pair.crm" >"$work/pair.crm"
  ;;
start)
  node=$4 pacerd=${5:-$repo/.build/debug/pacerd}
  mkdir -p "$work/$node/rsctmp"
  ip netns exec "$(ns_of "$node")" env HA_RSCTMP="$work/$node/rsctmp" "$pacerd" --config "$work/pacer.conf" \
    --node "$node" --state-dir "$work/$node/state" --ocf-root "$work/ocf" >>"$work/$node.log" 2>&1 &
  echo $! >"$work/$node.pid"
  ;;
down)
  for pidfile in "$work"/*.pid "$work"/*/rsctmp/*.pid; do
    [ -f "$pidfile" ] && { kill -9 "$(cat "$pidfile")" 2>/dev/null || true; }
  done
  sleep 0.2
  for ns in "$nsA" "$nsB" "$nsC"; do ip netns del "$ns" 2>/dev/null || true; done
  # The daemons' per-resource cgroups (pacer.<state dir with / as _>), now empty.
  mount=$(sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\) .* - cgroup2 .*/\1/p' /proc/self/mountinfo | head -n 1)
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  if [ -n "$mount" ]; then
    for node in alpha bravo; do
      dir="$mount${own%/}/pacer.$(printf '%s' "$work/$node/state" | sed 's|^/*||; s|/\{1,\}|_|g; s|[^A-Za-z0-9._-]|_|g')"
      # A killed daemon's processes may take a moment to be reaped (and leave the cgroup).
      for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        [ -d "$dir" ] || break
        rmdir "$dir"/*/ "$dir" 2>/dev/null || sleep 0.1
      done
    done
  fi
  ;;
*)
  echo "netns-pair.sh: unknown action '$action' (up, start, down)" >&2
  exit 64
  ;;
esac
