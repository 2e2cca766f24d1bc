#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Day-2 benchmark: Pacer against Pacemaker 2.1.5 + Corosync on the two-node network-namespace pair
# of bench/failover (scripts/netns-pair.sh's topology, bench/failover/{common,pacer,pacemaker}.sh).
# On one running cluster per stack, RUNS times each:
#   delete  from `pacer configure delete --force R` / `crm configure delete --force R` (crmsh sets
#           target-role=Stopped, waits for the DC, then deletes) of a running resource until the
#           agent has stopped it (its state file is gone);
#   param   from `pacer resource param R set value N` / `crm resource param R set value N` until the
#           agent runs with value=N (a parameter the agent does not declare reloadable: a restart);
#   rparam  the same for `rvalue`, which the agent declares reloadable (OCF 1.1 reload-agent).
# The agent is bench/day2/Recorder: it writes its parameters to a state file and logs each action,
# which says whether the change was a restart (stop,start) or a reload (reload-agent).
#
#   sudo bench/day2/run.sh                 RUNS=5 (env) runs per operation and stack
#   STACKS="pacemaker pacer"  PACER_BIN=DIR (default .build/release)  KEEP=1 keeps /tmp/day2-bench.*
#
# Every process it starts lives in a namespace it created; on exit, failure or Ctrl-C all of them
# get SIGKILL (found by network namespace, never by name) and the namespaces are deleted.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../failover/common.sh
. "$here/../failover/common.sh"
# shellcheck source=../failover/pacemaker.sh
. "$here/../failover/pacemaker.sh"
# shellcheck source=../failover/pacer.sh
. "$here/../failover/pacer.sh"
export PATH="$PATH:/usr/sbin:/sbin"

RUNS=${RUNS:-5}
STACKS=${STACKS:-pacemaker pacer}
case $RUNS in '' | *[!0-9]* | 0) die "RUNS must be a positive number" ;; esac
[ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces)"
for command in ip unshare nsenter corosync pacemakerd crm crm_mon crmadmin; do
  command -v "$command" >/dev/null || die "'$command' is missing (scripts/setup-debian.sh installs the packages)"
done
case " $STACKS " in *" pacer "*)
  if [ ! -x "$PACER_BIN/pacer" ] || [ ! -x "$PACER_BIN/pacerd" ]; then die "no pacer/pacerd in PACER_BIN=$PACER_BIN"; fi ;;
esac

bench_root day2-bench

# The agent's state and log files: outside every private mount, seen alike from both nodes.
REC=$ROOT/rec
mkdir -p "$REC"

day2_crm() {
  cat <<EOF
configure
property stonith-enabled=false no-quorum-policy=ignore
rsc_defaults resource-stickiness=INFINITY migration-threshold=1
primitive rec $1 params dir=$REC value=0 rvalue=0 op monitor interval=5s
commit
EOF
}

# --- the two stacks: start, a command against the cluster, settle --------------------------------

pacer_day2_start() {
  local node
  pacer_topology "$1" "$2"
  install -m 0755 "$here/Recorder" "$WORK/ocf/resource.d/pacer/Recorder"
  for node in alpha bravo; do
    rm -rf "${WORK:?}/$node" "$WORK/$node.pid" "$WORK/$node.log"
    "$REPO/scripts/netns-pair.sh" start "$TAG" "$WORK" "$node" "$PACER_EXE/pacerd"
  done
  wait_for 30 pacer_members || { note "pacer: the nodes did not become members"; return 1; }
  day2_crm ocf:pacer:Recorder >"$WORK/day2.crm"
  pacer_ctl alpha configure -f "$WORK/day2.crm" >>"$WORK/alpha.log" 2>&1 || { note "pacer: configure failed"; return 1; }
  AGENT=ocf:pacer:Recorder
}
pacer_day2() { pacer_ctl alpha "$@"; }
pacer_day2_settle() { pause 1.5; }
pacer_day2_how() { echo "pacer $("$PACER_EXE/pacer" --version 2>/dev/null | head -n 1) from $PACER_BIN"; }

pcmk_day2_start() {
  local node
  pcmk_topology "$1" "$2"
  for node in alpha bravo; do
    pcmk_prepare "$node"
    install -m 0755 "$here/Recorder" "$WORK/$node/resource.d/pacer/Recorder"
  done
  for node in alpha bravo; do node_boot "$node" "$WORK/$node/boot.sh" || return 1; done
  wait_for 90 pcmk_both_online || { note "pacemaker: nodes not online"; return 1; }
  day2_crm ocf:pacer:Recorder >"$WORK/day2.crm"
  node_run alpha env HOME="$WORK/alpha" crm -f "$WORK/day2.crm" >>"$WORK/alpha/boot.log" 2>&1 ||
    { note "pacemaker: crm configure failed"; return 1; }
  AGENT=ocf:pacer:Recorder
}
pcmk_day2() { node_run alpha env HOME="$WORK/alpha" timeout 60 crm "$@"; }
pcmk_day2_settle() { pause 1.5; wait_for 30 pcmk_dc_idle || note "pacemaker: the DC did not settle"; }
pcmk_day2_how() { echo "Pacemaker $(pacemakerd --version | awk 'NR == 1 { print $2 }') + Corosync $(corosync -v | sed -n 's/.*version .\([0-9.]*\).*/\1/p'), crmsh $(crm --version 2>/dev/null | awk '{ print $NF; exit }')"; }

# --- measuring ------------------------------------------------------------------------------------

has_value() { grep -q "^value=$2 " "$REC/$1.state" 2>/dev/null; }
has_rvalue() { grep -q " rvalue=$2\$" "$REC/$1.state" 2>/dev/null; }
is_stopped() { [ ! -e "$REC/$1.state" ]; }
is_running() { [ -e "$REC/$1.state" ]; }

# timed STACK KIND RUN RESOURCE CONDITION ARG -- COMMAND...: runs COMMAND in the background and
# polls CONDITION RESOURCE ARG every 10 ms (60 s at most); records "STACK KIND RUN MS HOW", HOW
# being the agent's actions in between (e.g. stop,start or reload-agent).
timed() {
  local stack=$1 kind=$2 run=$3 rsc=$4 condition=$5 arg=$6 t0 t1 pid mark how deadline
  shift 7
  mark=$(wc -l <"$REC/$rsc.log" 2>/dev/null || echo 0)
  t0=$(mono_ms)
  "$@" >>"$ROOT/commands.log" 2>&1 &
  pid=$!
  deadline=$((SECONDS + 60))
  until "$condition" "$rsc" "$arg"; do
    if [ "$SECONDS" -gt "$deadline" ]; then
      note "$stack $kind run $run: not done within 60 s"
      echo "$stack $kind $run" >>"$ROOT/failed"
      wait "$pid" || true
      return 0
    fi
    sleep 0.01
  done
  t1=$(mono_ms)
  wait "$pid" || note "$stack $kind run $run: the command failed (see commands.log)"
  how=$(tail -n +"$((mark + 1))" "$REC/$rsc.log" 2>/dev/null | awk '{ printf "%s%s", sep, $2; sep = "," }')
  printf '%s %s %s %s %s\n' "$stack" "$kind" "$run" "$((t1 - t0))" "${how:-none}" >>"$ROOT/results"
  note "$stack $kind run $run: $((t1 - t0)) ms (${how:-none})"
}

run_stack() {
  local stack=$1 p run i
  case $stack in pacer) p=pacer ;; pacemaker) p=pcmk ;; *) die "unknown stack '$stack' (pacemaker, pacer)" ;; esac
  note "== $stack"
  "${p}_day2_start" "d2$$-$stack" "$ROOT/$stack" || { note "$stack: the cluster did not come up"; echo "$stack start" >>"$ROOT/failed"; cleanup_all; return 0; }
  wait_for 60 is_running rec || { note "$stack: rec did not start"; echo "$stack start" >>"$ROOT/failed"; cleanup_all; return 0; }
  "${p}_day2_settle"
  printf '%s %s\n' "$stack" "$("${p}_day2_how")" >>"$ROOT/settings"
  for run in $(seq "$RUNS"); do
    timed "$stack" param "$run" rec has_value "$run" -- "${p}_day2" resource param rec set value "$run"
    "${p}_day2_settle"
  done
  for run in $(seq "$RUNS"); do
    timed "$stack" rparam "$run" rec has_rvalue "$run" -- "${p}_day2" resource param rec set rvalue "$run"
    "${p}_day2_settle"
  done
  for run in $(seq "$RUNS"); do
    i=del$run
    "${p}_day2" configure primitive "$i" "$AGENT" params dir="$REC" op monitor interval=5s >>"$ROOT/commands.log" 2>&1 ||
      { note "$stack delete run $run: could not create $i"; echo "$stack delete $run" >>"$ROOT/failed"; continue; }
    wait_for 60 is_running "$i" || { note "$stack delete run $run: $i did not start"; echo "$stack delete $run" >>"$ROOT/failed"; continue; }
    "${p}_day2_settle"
    timed "$stack" delete "$run" "$i" is_stopped "" -- "${p}_day2" configure delete --force "$i"
    "${p}_day2_settle"
  done
  "${p}_stop"
  if declare -F "${p}_teardown" >/dev/null; then "${p}_teardown"; fi
  cleanup_all
}

load0=$(cut -d ' ' -f 1-3 /proc/loadavg)
for stack in $STACKS; do run_stack "$stack"; done

# --- report ---------------------------------------------------------------------------------------
stats2() {
  awk -v s="$1" -v k="$2" '$1 == s && $2 == k { print $4 }' "$ROOT/results" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "%d %d %d %d\n", NR, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
}
hows() { awk -v s="$1" -v k="$2" '$1 == s && $2 == k { print $5 }' "$ROOT/results" | sort | uniq -c | awk '{ printf "%s%s x%d", sep, $2, $1; sep = ", " }'; }
declare -A what=([delete]="configure delete --force -> stopped" [param]="param set value (restart) -> new value"
                 [rparam]="param set rvalue (reloadable) -> new value")
echo "Day-2 benchmark on $(nproc) cores, kernel $(uname -r), Debian $(cat /etc/debian_version); RUNS=$RUNS"
echo "load average before: $load0, after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "time = from starting the command to the agent's state file showing the result (polled every 10 ms, CLOCK_MONOTONIC)"
while read -r stack text; do printf '  %-10s %s\n' "$stack" "$text"; done <"$ROOT/settings"
echo
echo "Runs (stack operation run ms agent-actions):"
sed 's/^/  /' "$ROOT/results"
echo
printf '%-44s %-10s %5s %7s %7s %7s %14s  %s\n' "operation (ms)" stack runs median min max "Pacer/Pacemaker" "agent actions"
for kind in delete param rparam; do
  base=$(stats2 pacemaker "$kind" | awk '{ print $2 }')
  for stack in $STACKS; do
    read -r count median min max <<<"$(stats2 "$stack" "$kind")" || true
    if [ -z "${count:-}" ]; then printf '  %-42s %-10s %5s\n' "${what[$kind]}" "$stack" "0/$RUNS"; continue; fi
    ratio=-
    if [ "$stack" = pacer ] && [ -n "${base:-}" ] && [ "$base" -gt 0 ]; then ratio=$(awk -v m="$median" -v b="$base" 'BEGIN { printf "%.2f", m / b }'); fi
    printf '  %-42s %-10s %5s %7s %7s %7s %14s  %s\n' "${what[$kind]}" "$stack" "$count/$RUNS" "$median" "$min" "$max" "$ratio" "$(hows "$stack" "$kind")"
    count=""
  done
done
if [ -s "$ROOT/failed" ]; then echo; echo "Failed (not counted): $(tr '\n' ';' <"$ROOT/failed")"; fi
