#!/usr/bin/env bash
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

tag="pacer-demo-$$"
work=$(mktemp -d "/tmp/$tag.XXXXXX")
nsA="$tag-alpha"; nsB="$tag-bravo"; nsC="$tag-client"
pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  # HAProxy daemonizes (its pid files are in each node's HA_RSCTMP): end those by PID too.
  for pidfile in "$work"/*/rsctmp/*.pid; do [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null; done
  for ns in "$nsA" "$nsB" "$nsC"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "network: namespaces $nsA, $nsB, $nsC"
for ns in "$nsA" "$nsB" "$nsC"; do ip netns add "$ns"; in_ns "$ns" ip link set lo up; done
# Interlink: a direct cable between the two nodes.
ip link add "il-$$-a" netns "$nsA" type veth peer name "il-$$-b" netns "$nsB"
in_ns "$nsA" ip link set "il-$$-a" name il0; in_ns "$nsB" ip link set "il-$$-b" name il0
in_ns "$nsA" ip addr add 10.99.0.1/24 dev il0; in_ns "$nsB" ip addr add 10.99.0.2/24 dev il0
in_ns "$nsA" ip link set il0 up; in_ns "$nsB" ip link set il0 up
# Data network: a bridge in the client namespace, one port per node.
in_ns "$nsC" ip link add br0 type bridge
in_ns "$nsC" ip link set br0 up
for node in a b; do
  ns=$([ $node = a ] && echo "$nsA" || echo "$nsB")
  ip link add "d-$$-$node" netns "$ns" type veth peer name "p-$node" netns "$nsC"
  in_ns "$ns" ip link set "d-$$-$node" name eth0
  in_ns "$nsC" ip link set "p-$node" master br0 up
done
in_ns "$nsA" ip addr add 192.168.77.11/24 dev eth0; in_ns "$nsA" ip link set eth0 up
in_ns "$nsB" ip addr add 192.168.77.12/24 dev eth0; in_ns "$nsB" ip link set eth0 up
in_ns "$nsC" ip addr add 192.168.77.100/24 dev br0

say "backend web server on 192.168.77.100:8080 (client namespace)"
mkdir -p "$work/www" && echo "hello from the backend" >"$work/www/index.html"
# Started directly (not through a shell function) so that $! is the server's own PID.
ip netns exec "$nsC" python3 -m http.server 8080 --bind 192.168.77.100 --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)

# Agents: ours, from agents/, in a private OCF root (the system's resource-agents stay untouched).
mkdir -p "$work/ocf/resource.d/heartbeat"
for agent in VIPcheck haproxy; do cp "agents/heartbeat/$agent" "$work/ocf/resource.d/heartbeat/"; done
cp agents/pacer/IPaddr2 "$work/ocf/resource.d/heartbeat/IPaddr2"
ln -s /usr/lib/ocf/lib "$work/ocf/lib"

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

say "cluster: pacer cluster init (two nodes, interlink + data link)"
"$bin/pacer" cluster init --name demo --directory "$work" --state-dir "$work/state" --port 5405 \
  --node alpha=10.99.0.1,192.168.77.11 --node bravo=10.99.0.2,192.168.77.12
for node in alpha bravo; do
  ns=$([ $node = alpha ] && echo "$nsA" || echo "$nsB")
  mkdir -p "$work/$node/rsctmp"
  ip netns exec "$ns" env HA_RSCTMP="$work/$node/rsctmp" "$bin/pacerd" --config "$work/pacer.conf" --node $node \
    --state-dir "$work/$node/state" --ocf-root "$work/ocf" >"$work/$node.log" 2>&1 &
  pids+=($!)
done
pacer_on() { local ns=$1; shift; in_ns "$ns" "$bin/pacer" "$@"; }
for _ in $(seq 100); do pacer_on "$nsA" cluster show 2>/dev/null | grep -q "peer-state=member" && break; sleep 0.1; done
pacer_on "$nsA" cluster show

say "configure the canonical group (cib-examples/proxy-pair.crm with this network's addresses)"
sed -e 's/192\.168\.10\.80/192.168.77.80/g' -e 's/nic="eth0"/nic="eth0"/' \
    -e "s|primitive haproxyd ocf:heartbeat:haproxy |primitive haproxyd ocf:heartbeat:haproxy params conffile=\"$work/haproxy.cfg\" |" \
    cib-examples/proxy-pair.crm >"$work/pair.crm"
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
ownerIndex=$([ "$owner" = alpha ] && echo 1 || echo 2)
kill -9 "${pids[$ownerIndex]}" 2>/dev/null || true
wait "${pids[$ownerIndex]}" 2>/dev/null || true
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
