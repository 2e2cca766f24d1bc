# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the failover benchmark (sourced by run.sh): the topology of scripts/netns-pair.sh, a
# node's private mount namespace, the client probe, the two faults, idle figures and statistics.
#
# Every namespace is registered in $ROOT/namespaces before it is created; cleanup_all ends every
# process inside them (found through /proc/PID/ns/net by `ip netns pids`, never by name) and
# deletes them. Globals: ROOT (this benchmark's directory), TAG and WORK (the current topology).

VIP=192.168.77.80
URL="http://$VIP/"
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # used by pacemaker.sh and pacer.sh
REPO=$(cd "$BENCH_DIR/../.." && pwd)

note() { printf '  %s\n' "$*" >&2; }            # progress goes to stderr, figures to stdout
die() { printf 'bench/failover: %s\n' "$*" >&2; exit 1; }

# Milliseconds on CLOCK_MONOTONIC, the clock of the probe's time.monotonic(): the kernel prints
# ktime_get() as "now at N nsecs" at the top of /proc/timer_list (root only; python as fallback).
mono_ms() {
  local ns
  ns=$(awk '/^now at/ { print $3; exit }' /proc/timer_list 2>/dev/null) || ns=
  if [ -n "$ns" ]; then echo $((ns / 1000000)); else python3 -c 'import time; print(time.monotonic_ns() // 1000000)'; fi
}

# pause SECONDS: sleep, but let a trapped signal (Ctrl-C, TERM) end the benchmark at once.
pause() { sleep "$1" & wait "$!"; }

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds; fails after SECONDS.
wait_for() {
  local deadline=$(($(mono_ms) + $1 * 1000))
  shift
  until "$@"; do
    [ "$(mono_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

ns_of() { echo "$TAG-$1"; }                       # alpha, bravo or client
register_namespaces() { printf '%s\n' "$TAG-alpha" "$TAG-bravo" "$TAG-client" >>"$ROOT/namespaces"; }

# --- topology ---------------------------------------------------------------------------------

# topo_up TAG WORK: `scripts/netns-pair.sh net`: interlink veth il0 10.99.0.1/.2, data bridge
# br0 in the client (.100, backend on :8080), eth0 .11/.12 on the nodes, and WORK/haproxy.cfg
# (frontend VIP:80 -> backend .100:8080), without Pacer's files.
topo_up() {
  TAG=$1 WORK=$2
  register_namespaces
  "$REPO/scripts/netns-pair.sh" net "$TAG" "$WORK"
}

# After a run: both nodes' links up, no VIP left on them, the client's ARP cache empty.
topo_reset() {
  local node
  for node in alpha bravo; do
    ip -n "$(ns_of $node)" link set il0 up
    ip -n "$(ns_of $node)" link set eth0 up
    ip -n "$(ns_of $node)" addr del "$VIP/24" dev eth0 2>/dev/null || true
  done
  ip -n "$(ns_of client)" neigh flush dev br0 2>/dev/null || true
}

# kill_ns NS: SIGKILL every process whose network namespace is NS until none is left.
kill_ns() {
  local pids _
  for _ in $(seq 100); do
    pids=$(ip netns pids "$1" 2>/dev/null) || return 0
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086  # one pid per word
    kill -9 $pids 2>/dev/null || true
    sleep 0.05
  done
  note "processes left in $1: $(ip netns pids "$1" | tr '\n' ' ')"
}

# Ends every process in every namespace this benchmark created, deletes the namespaces.
cleanup_all() {
  local ns
  [ -f "$ROOT/namespaces" ] || return 0
  while read -r ns; do kill_ns "$ns"; done <"$ROOT/namespaces"
  while read -r ns; do ip netns del "$ns" 2>/dev/null || true; done <"$ROOT/namespaces"
  : >"$ROOT/namespaces"
}

# Makes $ROOT, a fresh folder for one benchmark run named after $1 (readable by hacluster, as
# Pacemaker's daemons run as that user), with its result files; at exit, however it comes, every
# process and namespace of the run is removed, and the folder too unless KEEP=1. Takes a
# snapshot of the Pacer binaries when Pacer is among $STACKS (a rebuild then changes nothing).
bench_root() {
  ROOT=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 0755 "$ROOT"
  : >"$ROOT/namespaces"; : >"$ROOT/results"; : >"$ROOT/idle"; : >"$ROOT/settings"; : >"$ROOT/failed"
  trap bench_finish EXIT
  trap 'exit 130' INT TERM
  case " $STACKS " in *" pacer "*) pacer_snapshot ;; esac
}

bench_finish() {
  set +e
  trap - EXIT INT TERM
  cleanup_all
  if [ "${KEEP:-}" = 1 ]; then echo "logs kept in $ROOT" >&2; else rm -rf "$ROOT"; fi
}

# The node whose eth0 carries the VIP (fails unless exactly one does).
active_node() {
  local node owners=()
  for node in alpha bravo; do
    ip -n "$(ns_of $node)" -4 -o addr show dev eth0 2>/dev/null | grep -qF " $VIP/" && owners+=("$node")
  done
  [ "${#owners[@]}" = 1 ] && echo "${owners[0]}"
}

served() { ip netns exec "$(ns_of client)" curl -s -m 0.5 "$URL" 2>/dev/null | grep -q backend; }

# --- a node as a machine: its network namespace, a private mount namespace, its hostname ------

# node_boot NODE SCRIPT: runs `bash SCRIPT` in NODE's network namespace and in a new mount and UTS
# namespace; SCRIPT mounts its private directories, touches WORK/NODE/booted and starts daemons.
node_boot() {
  local node=$1 script=$2
  rm -f "$WORK/$node/booted"
  ip netns exec "$(ns_of "$node")" unshare --mount --uts --propagation private bash "$script" \
    >>"$WORK/$node/boot.log" 2>&1 &
  echo $! >"$WORK/$node/boot.pid"
  disown "$!"
  wait_for 10 test -e "$WORK/$node/booted" || { tail -5 "$WORK/$node/boot.log" >&2; return 1; }
}

# node_run NODE CMD...: runs CMD inside NODE (its network, mount and UTS namespaces).
node_run() {
  local node=$1
  shift
  nsenter -t "$(cat "$WORK/$node/boot.pid")" -m -n -u -- "$@"
}

# --- the client probe ---------------------------------------------------------------------------

probe_start() {
  ip netns exec "$(ns_of client)" python3 "$BENCH_DIR/probe.py" "$URL" "$WORK/probe.log" 30 &
  echo $! >"$WORK/probe.pid"
}

probe_stop() {
  local pid
  pid=$(cat "$WORK/probe.pid" 2>/dev/null) || return 0
  grep -qF probe.py "/proc/$pid/cmdline" 2>/dev/null && kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  rm -f "$WORK/probe.pid"
}

# The last 5 requests succeeded.
probe_serving() { [ "$(tail -n 5 "$WORK/probe.log" 2>/dev/null | awk '$3 == 1' | wc -l)" = 5 ]; }

# probe_recovered T0 T1: ms from T0 (the fault began) to the end of the first successful request
# started at or after T1 (the fault was complete; earlier requests may have slipped through).
probe_recovered() {
  awk -v t0="$1" -v t1="$2" '$1 >= t1 && $3 == 1 { printf "%d\n", $2 - t0 + 0.5; found = 1; exit }
    END { exit !found }' "$WORK/probe.log" 2>/dev/null
}

# --- faults -----------------------------------------------------------------------------------

# Each fault sets T0 (it begins) and T1 (the node can no longer serve), in mono_ms.
# Power-off: the node's links go down first (a dead machine sends no goodbye, not even the
# kernel's FIN/RST for its sockets), then every process in its network namespace gets SIGKILL.
fault_node() {
  local ns
  ns=$(ns_of "$1")
  T0=$(mono_ms)
  ip -n "$ns" link set il0 down
  ip -n "$ns" link set eth0 down
  T1=$(mono_ms)
  kill_ns "$ns"
}

# haproxy_pids NODE: the HAProxy processes of NODE (by network namespace, then by name).
haproxy_pids() {
  local pid
  for pid in $(ip netns pids "$(ns_of "$1")"); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = haproxy ] && echo "$pid"
  done
  return 0
}

fault_haproxy() {
  local pids
  pids=$(haproxy_pids "$1")
  [ -n "$pids" ] || { note "no haproxy on $1"; return 1; }
  T0=$(mono_ms)
  # shellcheck disable=SC2086  # one pid per word
  kill -9 $pids
  T1=$(mono_ms)
}

# measure CASE FAULT RUN [CONTEXT]: on a serving cluster, waits 3 s plus a random 0-5 s (so the fault falls
# anywhere in a 5 s monitor period), hits the active node, and records the time until the client
# is served again through the VIP. Appends "CASE FAULT RUN MS FROM" to $ROOT/results; CONTEXT
# (e.g. which node was Pacemaker's DC) goes to the progress line.
measure() {
  local label=$1 fault=$2 run=$3 context=${4:-} owner ms
  owner=$(active_node) || { note "$label: no single node holds the VIP"; return 1; }
  probe_start
  wait_for 10 probe_serving || { probe_stop; note "$label: the client is not served before the fault"; return 1; }
  pause "$(printf '%d.%03d' $((3 + RANDOM % 5)) $((RANDOM % 1000)))"
  owner=$(active_node) || { probe_stop; note "$label: the VIP moved before the fault"; return 1; }
  "fault_$fault" "$owner" || { probe_stop; return 1; }
  if ! wait_for 60 probe_recovered "$T0" "$T1" >/dev/null; then
    probe_stop
    note "$label $fault run $run: not served again within 60 s"
    return 1
  fi
  ms=$(probe_recovered "$T0" "$T1")
  probe_stop
  printf '%s %s %s %s %s\n' "$label" "$fault" "$run" "$ms" "$owner" >>"$ROOT/results"
  note "$label $fault run $run: $ms ms (fault on $owner${context:+; $context})"
}

# --- idle figures -------------------------------------------------------------------------------

# node_sample NODE [EXCLUDE_PID]: "RSS_KiB PROCS TICKS TICKS_WITH_CHILDREN HAPROXY_RSS_KiB" summed
# over NODE's processes. TICKS is utime+stime; the second adds cutime+cstime, the CPU of children
# a process has reaped (agents and check scripts), so short-lived monitors are counted once.
node_sample() {
  local pid rss=0 procs=0 own=0 all=0 hap=0 kib t
  for pid in $(ip netns pids "$(ns_of "$1")"); do
    [ "$pid" = "${2:-}" ] && continue
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    t=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13, $12 + $13 + $14 + $15 }') || continue
    if [ -z "$kib" ] || [ -z "$t" ]; then continue; fi
    rss=$((rss + kib)) procs=$((procs + 1)) own=$((own + ${t% *})) all=$((all + ${t#* }))
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = haproxy ] && hap=$((hap + kib))
  done
  echo "$rss $procs $own $all $hap"
}

# idle_measure CASE SECONDS [EXCLUDE_PID_alpha EXCLUDE_PID_bravo]: RSS and CPU of each node over
# SECONDS of idling; appends "CASE NODE ROLE RSS_MiB PROCS CPU% CPU%_WITH_CHILDREN HAPROXY_MiB".
idle_measure() {
  local label=$1 secs=$2 hz t0 t1 node role a b
  local -A s0 x
  x[alpha]=${3:-} x[bravo]=${4:-}
  hz=$(getconf CLK_TCK)
  t0=$(mono_ms)
  for node in alpha bravo; do s0[$node]=$(node_sample $node "${x[$node]}"); done
  pause "$secs"
  t1=$(mono_ms)
  for node in alpha bravo; do
    role=standby; [ "$(active_node)" = "$node" ] && role=active
    read -r -a a <<<"${s0[$node]}"
    read -r -a b <<<"$(node_sample $node "${x[$node]}")"
    awk -v l="$label" -v n="$node" -v r="$role" -v rss="${b[0]}" -v p="${b[1]}" -v own=$((b[2] - a[2])) \
        -v all=$((b[3] - a[3])) -v hap="${b[4]}" -v hz="$hz" -v ms=$((t1 - t0)) \
        'BEGIN { printf "%s %s %s %.1f %d %.2f %.2f %.1f\n", l, n, r, rss / 1024, p,
                 own / hz / (ms / 1000) * 100, all / hz / (ms / 1000) * 100, hap / 1024 }' >>"$ROOT/idle"
  done
}

# --- figures ------------------------------------------------------------------------------------

# stats CASE FAULT: "N MEDIAN MIN MAX" in ms over the recorded runs (nothing if there are none).
stats() {
  awk -v l="$1" -v f="$2" '$1 == l && $2 == f { print $4 }' "$ROOT/results" 2>/dev/null | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "%d %d %d %d\n", NR,
      (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
}
