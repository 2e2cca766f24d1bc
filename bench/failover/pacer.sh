# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Pacer: the topology, pacer.conf and OCF root of scripts/netns-pair.sh (up, start, down), one
# pacerd per node from $PACER_BIN, Pacer's defaults (interval, deadtime untouched). The group is
# either the two resources the reference stacks run (PACER_GROUP=pair) or the canonical
# cib-examples/proxy-pair.crm with VIPcheck (PACER_GROUP=canonical), as netns-pair.sh writes it.
# IPaddr2 is resource-agents' own (pacerd holds its address as a lease), haproxy Pacer's
# (netns-pair.sh installs agents/heartbeat/haproxy as ocf:heartbeat:haproxy, as agents/install.sh does).

PACER_BIN=${PACER_BIN:-$REPO/.build/release}
PACER_EXE=$PACER_BIN
PACER_GROUP=pair
# The VIP's agent: resource-agents' IPaddr2 (what a real install runs) or Pacer's own
# (PACER_VIP_AGENT=ocf:pacer:IPaddr2: a lighter script, ~1 s less per start on a loaded machine).
PACER_VIP_AGENT=${PACER_VIP_AGENT:-ocf:heartbeat:IPaddr2}

# The binaries are copied first, so that a rebuild during the benchmark changes nothing.
pacer_snapshot() {
  mkdir -p "$ROOT/bin"
  cp "$PACER_BIN/pacer" "$PACER_BIN/pacerd" "$ROOT/bin/"
  if "$ROOT/bin/pacer" --help >/dev/null 2>&1; then PACER_EXE=$ROOT/bin; else PACER_EXE=$PACER_BIN; fi
}

pacer_topology() {
  TAG=$1 WORK=$2
  register_namespaces
  PACER="$PACER_EXE/pacer" "$REPO/scripts/netns-pair.sh" up "$TAG" "$WORK" >/dev/null
  cat >"$WORK/two.crm" <<EOF
configure
property stonith-enabled=false no-quorum-policy=ignore
rsc_defaults resource-stickiness=INFINITY migration-threshold=1
primitive vIP $PACER_VIP_AGENT params ip=$VIP nic=eth0 cidr_netmask=24 op monitor interval=5s
primitive haproxyd ocf:heartbeat:haproxy params conffile=$WORK/haproxy.cfg op monitor interval=5s
group proxyGroup vIP haproxyd
commit
EOF
  # PACER_GROUP=alerts: the same, with two alerts on every event (issue #14): one that hangs
  # (sleep 600, killed at its 2 s timeout) and Pacemaker's alert_file.sh.sample. Agents run as
  # hacluster: their folder is its, and the path to it traversable.
  chmod 0755 "$ROOT" "$WORK"
  install -d -m 0755 "$WORK/alert-bin"
  install -d -m 0755 -o hacluster -g haclient "$WORK/alert-out" 2>/dev/null || install -d -m 0777 "$WORK/alert-out"
  printf '#!/bin/sh\necho "$$" >> %s/hang.pids\nexec sleep 600\n' "$WORK/alert-out" >"$WORK/alert-bin/hang.sh"
  chmod 0755 "$WORK/alert-bin/hang.sh"
  sed '$d' "$WORK/two.crm" >"$WORK/alerts.crm"
  cat >>"$WORK/alerts.crm" <<EOF
alert hang $WORK/alert-bin/hang.sh meta timeout=2s
alert events /usr/share/pacemaker/alerts/alert_file.sh.sample to $WORK/alert-out/events.log
commit
EOF
}

# For PACER_GROUP=alerts: how often the hanging agent started, and alert_file's lines, on this cluster.
pacer_alert_counts() {
  local runs=0 lines=0
  [ -f "$WORK/alert-out/hang.pids" ] && runs=$(wc -l <"$WORK/alert-out/hang.pids")
  [ -f "$WORK/alert-out/events.log" ] && lines=$(wc -l <"$WORK/alert-out/events.log")
  rm -f "$WORK/alert-out/hang.pids" "$WORK/alert-out/events.log"
  echo "hanging agent started $runs times, alert_file wrote $lines lines"
}

# pacer_ctl NODE ARGS...: `pacer ARGS` against NODE's daemon. Its IPC name is pacer.conf's (the
# default, "pacer"); libqb sets IPC up over an abstract unix socket, which belongs to the network
# namespace, so in each node's namespace that name reaches that node's pacerd only.
pacer_ctl() {
  local node=$1
  shift
  ip netns exec "$(ns_of "$node")" env -u CIB_file PACER_IPC=pacer "$PACER_EXE/pacer" "$@"
}

pacer_members() { pacer_ctl alpha cluster show 2>/dev/null | grep -q 'peer-state=member'; }

pacer_start() {
  local node script="$WORK/two.crm"
  [ "$PACER_GROUP" = canonical ] && script="$WORK/pair.crm"
  [ "$PACER_GROUP" = alerts ] && script="$WORK/alerts.crm"
  for node in alpha bravo; do
    rm -rf "${WORK:?}/$node" "$WORK/$node.pid" "$WORK/$node.log"
    "$REPO/scripts/netns-pair.sh" start "$TAG" "$WORK" "$node" "$PACER_EXE/pacerd"
  done
  wait_for 30 pacer_members || { note "pacer: the nodes did not become members"; return 1; }
  pacer_ctl alpha configure -f "$script" >>"$WORK/alpha.log" 2>&1 || { note "pacer: configure failed"; return 1; }
  wait_for 60 served || { note "pacer: the group did not start"; return 1; }
}

# pacerd runs each resource's processes in a cgroup under pacer.<its state dir, / as _>, beside
# its own cgroup; a daemon killed with SIGKILL leaves them behind (empty). Same paths as
# netns-pair.sh down, which removes them for the last cluster.
pacer_cgroups_rm() {
  local mount own node dir
  mount=$(sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\) .* - cgroup2 .*/\1/p' /proc/self/mountinfo | head -n 1)
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  [ -n "$mount" ] || return 0
  for node in alpha bravo; do
    dir="$mount${own%/}/pacer.$(printf '%s' "$WORK/$node/state" | sed 's|^/*||; s|/\{1,\}|_|g; s|[^A-Za-z0-9._-]|_|g')"
    if [ -d "$dir" ]; then wait_for 2 rmdir_cgroup "$dir" || note "cgroup $dir not removed"; fi
  done
}
rmdir_cgroup() {
  local sub
  for sub in "$1"/*/; do [ -d "$sub" ] && rmdir "$sub" 2>/dev/null; done
  rmdir "$1" 2>/dev/null
  [ ! -d "$1" ]
}

pacer_stop() {
  kill_ns "$(ns_of alpha)"
  kill_ns "$(ns_of bravo)"
  pacer_cgroups_rm
  # so that netns-pair.sh down never meets a stale PID
  rm -rf "$WORK/alpha.pid" "$WORK/bravo.pid" "$WORK/alpha/rsctmp" "$WORK/bravo/rsctmp"
}

pacer_exclude() { :; }

# netns-pair.sh down ends what it recorded (the backend) and deletes the namespaces.
# (Its exit status is not checked: it ends with a test that fails when no cgroup is left.)
pacer_teardown() { "$REPO/scripts/netns-pair.sh" down "$TAG" "$WORK" || true; }

pacer_settings() {
  local conf detection build=
  conf=$(awk -F' *= *' '$1 == "interval" || $1 == "deadtime" { printf "%s %s, ", $1, $2 }' "$WORK/pacer.conf")
  detection=$(pacer_ctl alpha status -1 2>/dev/null | sed -n 's/^ *\* Failure detection: //p')
  case $PACER_BIN in *debug*) build=" (a DEBUG build: proves the script, not Pacer's speed)" ;; esac
  echo "Pacer from $PACER_BIN$build: pacer.conf ${conf}links interlink + data (netns-pair.sh's default);" \
    "pacer status: ${detection:-?}; stonith-enabled=false no-quorum-policy=ignore resource-stickiness=INFINITY" \
    "migration-threshold=1, monitors 5s; group: $([ "$PACER_GROUP" = canonical ] &&
      echo "cib-examples/proxy-pair.crm (VIPcheck start-delay 2s wait 5 -> IPaddr2 -> haproxy)" ||
      echo "$PACER_VIP_AGENT + haproxy (Pacer's agent)")$([ "$PACER_GROUP" = alerts ] &&
      echo "; alerts: a hanging agent (sleep 600, meta timeout=2s) and alert_file.sh.sample on every event")"
}
