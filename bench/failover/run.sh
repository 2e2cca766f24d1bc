#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Failover benchmark: Pacemaker+Corosync, keepalived and Pacer in the two-node network-namespace
# topology of scripts/netns-pair.sh. For each stack and fault (power-off of the active node;
# kill -9 of its HAProxy), RUNS times on a fresh cluster: the time from the fault to the client's
# first successful request through the VIP; then median/min/max, ratios to Pacer, each stack's
# settings, and its idle RSS and CPU per node. See README.md.
#
#   bench/failover/run.sh [RUNS]          default 5; needs root
#   STACKS="pacemaker keepalived pacer"   which stacks      TOKENS="3000 1000"  Corosync tokens (ms)
#   PACER_BIN=DIR (default .build/release) IDLE=30 (s)      KEEP=1 keeps the logs in /tmp/failover-bench.*
#
# Every process it starts lives in a namespace it created; on exit, failure or Ctrl-C all of them
# get SIGKILL (found by network namespace) and the namespaces are deleted.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"
# shellcheck source=pacemaker.sh
. "$here/pacemaker.sh"
# shellcheck source=keepalived.sh
. "$here/keepalived.sh"
# shellcheck source=pacer.sh
. "$here/pacer.sh"
export PATH="$PATH:/usr/sbin:/sbin"

RUNS=${1:-5}
STACKS=${STACKS:-pacemaker keepalived pacer}
TOKENS=${TOKENS:-3000 1000}
IDLE=${IDLE:-30}
case $RUNS in '' | *[!0-9]* | 0) die "usage: run.sh [RUNS] (RUNS a positive number)" ;; esac
[ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces)"
# Debian packages, installed when missing (pacemaker brings corosync's daemon and tools with it).
packages=(iproute2 util-linux curl python3 haproxy)
case " $STACKS " in *" pacemaker "*) packages+=(pacemaker corosync pacemaker-cli-utils crmsh resource-agents) ;; esac
case " $STACKS " in *" keepalived "*) packages+=(keepalived) ;; esac
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  note "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
need=(ip unshare nsenter curl python3 haproxy)
case " $STACKS " in *" pacemaker "*) need+=(corosync corosync-cfgtool corosync-cmapctl pacemakerd crm crm_mon crmadmin) ;; esac
case " $STACKS " in *" keepalived "*) need+=(keepalived) ;; esac
for command in "${need[@]}"; do
  command -v "$command" >/dev/null || die "'$command' is missing (scripts/setup-debian.sh installs the packages)"
done
case " $STACKS " in *" pacer "*)
  if [ ! -x "$PACER_BIN/pacer" ] || [ ! -x "$PACER_BIN/pacerd" ]; then die "no pacer/pacerd in PACER_BIN=$PACER_BIN"; fi ;;
esac

bench_root failover-bench

declare -A title prefix
cases=()
for stack in $STACKS; do
  case $stack in
  pacemaker) for token in $TOKENS; do
      cases+=("pcmk-t$token"); prefix[pcmk-t$token]=pcmk
      title[pcmk-t$token]="Pacemaker+Corosync, token $token ms"
    done ;;
  keepalived) cases+=(keepalived); prefix[keepalived]=kad; title[keepalived]="keepalived, advert_int 1, check 1s fall 2" ;;
  pacer) cases+=(${PACER_CASES:-pacer pacer-alerts pacer-canonical}); prefix[pacer]=pacer prefix[pacer-canonical]=pacer prefix[pacer-alerts]=pacer
    title[pacer]="Pacer, IPaddr2 + haproxy"; title[pacer-canonical]="Pacer, canonical proxy-pair.crm (VIPcheck)"
    title[pacer-alerts]="Pacer, IPaddr2 + haproxy, 2 alerts (1 hangs)" ;;
  *) die "unknown stack '$stack' (pacemaker, keepalived, pacer)" ;;
  esac
done

# One case: its own topology, RUNS fresh clusters per fault; idle figures on the first cluster.
run_case() {
  local label=$1 p=${prefix[$1]} n=$2 fault run context idle_done=""
  case $label in pcmk-t*) PCMK_TOKEN=${label#pcmk-t} ;; pacer-canonical) PACER_GROUP=canonical ;; pacer) PACER_GROUP=pair ;;
    pacer-alerts) PACER_GROUP=alerts ;; esac
  note "== ${title[$label]}"
  "${p}_topology" "fo$$-$n" "$ROOT/$label"
  for fault in node haproxy; do
    for run in $(seq "$RUNS"); do
      if "${p}_start"; then
        if [ -z "$idle_done" ]; then
          printf '%s %s\n' "$label" "$("${p}_settings")" >>"$ROOT/settings"
          note "idle for 10 + $IDLE s"
          pause 10
          # shellcheck disable=SC2046  # two pids or none
          idle_measure "$label" "$IDLE" $("${p}_exclude")
          idle_done=1
        fi
        context=""
        if declare -F "${p}_context" >/dev/null; then context=$("${p}_context"); fi
        measure "$label" "$fault" "$run" "$context" || echo "$label $fault $run" >>"$ROOT/failed"
      else
        echo "$label $fault $run" >>"$ROOT/failed"
        note "$label $fault run $run: the cluster did not come up (logs in $ROOT/$label; KEEP=1 keeps them)"
      fi
      if [ "$label" = pacer-alerts ]; then note "$label $fault run $run: $(pacer_alert_counts)"; fi
      "${p}_stop"
      topo_reset
    done
  done
  if declare -F "${p}_teardown" >/dev/null; then "${p}_teardown"; fi
  cleanup_all
}

load0=$(cut -d ' ' -f 1-3 /proc/loadavg)
n=0
for label in "${cases[@]}"; do
  n=$((n + 1))
  run_case "$label" "$n"
done

# --- report -----------------------------------------------------------------------------------
fault_name() { if [ "$1" = node ]; then echo "node failure"; else echo "HAProxy killed"; fi; }
echo "Failover benchmark on $(nproc) cores, kernel $(uname -r), Debian $(cat /etc/debian_version); $RUNS runs per case and fault"
echo "load average before: $load0, after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "time = end of the client's first successful request started after the fault - fault time"
echo "(client in the client namespace: curl -s -m 0.2 http://$VIP/ started every 30 ms; CLOCK_MONOTONIC)"
echo
echo "Settings"
while read -r label text; do printf '  %-16s %s\n' "$label" "$text"; done <"$ROOT/settings"
echo
printf '%-46s %-15s %5s %7s %7s %7s %9s\n' "Failover (ms)" fault runs median min max "vs Pacer"
for fault in node haproxy; do
  base=$(stats pacer "$fault" | awk '{ print $2 }')
  for label in "${cases[@]}"; do
    read -r count median min max <<<"$(stats "$label" "$fault")" || true
    if [ -z "${count:-}" ]; then
      printf '  %-44s %-15s %5s\n' "${title[$label]}" "$(fault_name "$fault")" "0/$RUNS"
      continue
    fi
    ratio=-
    [ -n "$base" ] && [ "$base" -gt 0 ] && ratio=$(awk -v m="$median" -v b="$base" 'BEGIN { printf "%.1fx", m / b }')
    printf '  %-44s %-15s %5s %7s %7s %7s %9s\n' "${title[$label]}" "$(fault_name "$fault")" "$count/$RUNS" \
      "$median" "$min" "$max" "$ratio"
    count=""
  done
done
if [ -n "${title[pacer]:-}" ]; then echo "  (vs Pacer: this median / the median of \"${title[pacer]}\" for the same fault)"; fi
echo
echo "Idle, ${IDLE} s on a settled cluster (sum over the node's processes; CPU in % of one core from"
echo "/proc/PID/stat utime+stime, and with cutime+cstime: the agents/check scripts the daemons ran)"
printf '  %-16s %-6s %-8s %8s %6s %12s %7s %14s\n' case node role "RSS MiB" procs "HAProxy MiB" "CPU %" "CPU % +child"
while read -r label node role rss procs own all hap; do
  printf '  %-16s %-6s %-8s %8s %6s %12s %7s %14s\n' "$label" "$node" "$role" "$rss" "$procs" "$hap" "$own" "$all"
done <"$ROOT/idle"
if [ -s "$ROOT/failed" ]; then
  echo
  echo "Failed runs (not counted): $(awk '{ printf "%s%s %s #%s", sep, $1, $2, $3; sep = ", " }' "$ROOT/failed")"
fi
