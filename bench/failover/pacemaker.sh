# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Pacemaker 2.1.5 + Corosync 3.1.7, one "machine" per node: its network namespace plus a private
# mount namespace in which per-node directories are bound over /etc/corosync, /var/lib/corosync,
# /var/lib/pacemaker, /var/log/{corosync,pacemaker,crmsh} and /run, and a tmpfs over /dev/shm
# (libqb's rings), so the nodes share no state, pid or log file. Pacer's haproxy agent is bound
# into that node's /usr/lib/ocf/resource.d/pacer (ocf:pacer:haproxy) and nowhere else.
# Corosync: knet on the interlink, two_node, token $PCMK_TOKEN ms, other timers at their defaults.

PCMK_TOKEN=3000

pcmk_topology() { topo_up "$1" "$2"; }

# The node's directories, fresh: nothing survives from a previous run.
pcmk_prepare() {
  local node=$1 d="$WORK/$1"
  rm -rf "$d" && mkdir -p "$d"/{run/resource-agents,etc-corosync,lib-corosync,log-corosync,log-crmsh}
  mkdir -p "$d"/resource.d/{heartbeat,pacemaker,pacer}
  install -d -o hacluster -g haclient -m 0750 "$d"/lib-pacemaker/{cib,pengine,blackbox,cores} "$d/run/crm"
  install -d -o hacluster -g haclient -m 0770 "$d/log-pacemaker"
  install -m 0755 "$REPO/agents/heartbeat/haproxy" "$d/resource.d/pacer/haproxy"
  cat >"$d/etc-corosync/corosync.conf" <<EOF
totem {
	version: 2
	cluster_name: failover
	transport: knet
	token: $PCMK_TOKEN
	crypto_cipher: none
	crypto_hash: none
}
nodelist {
	node {
		ring0_addr: 10.99.0.1
		name: alpha
		nodeid: 1
	}
	node {
		ring0_addr: 10.99.0.2
		name: bravo
		nodeid: 2
	}
}
quorum {
	provider: corosync_votequorum
	two_node: 1
}
logging {
	to_logfile: yes
	logfile: /var/log/corosync/corosync.log
	to_syslog: no
	to_stderr: no
	timestamp: on
}
EOF
  # The machine's boot: private mounts, then corosync, then pacemakerd once corosync answers.
  cat >"$d/boot.sh" <<EOF
set -eu
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount --bind $d/run /run
mount --bind $d/etc-corosync /etc/corosync
mount --bind $d/lib-corosync /var/lib/corosync
mount --bind $d/log-corosync /var/log/corosync
mount --bind $d/lib-pacemaker /var/lib/pacemaker
mount --bind $d/log-pacemaker /var/log/pacemaker
if [ -d /var/log/crmsh ]; then mount --bind $d/log-crmsh /var/log/crmsh; fi
mount --bind /usr/lib/ocf/resource.d/heartbeat $d/resource.d/heartbeat
mount --bind /usr/lib/ocf/resource.d/pacemaker $d/resource.d/pacemaker
mount --rbind $d/resource.d /usr/lib/ocf/resource.d
hostname $node
touch $d/booted
corosync -f &
for _ in \$(seq 100); do corosync-cfgtool -s >/dev/null 2>&1 && break; sleep 0.1; done
export PCMK_logfacility=none
pacemakerd &
wait
EOF
}

pcmk_crm_script() {
  cat <<EOF
configure
property stonith-enabled=false no-quorum-policy=ignore
rsc_defaults resource-stickiness=INFINITY migration-threshold=1
primitive vIP ocf:heartbeat:IPaddr2 params ip=$VIP nic=eth0 cidr_netmask=24 op monitor interval=5s
primitive haproxyd ocf:pacer:haproxy params conffile=$WORK/haproxy.cfg op monitor interval=5s
group proxyGroup vIP haproxyd
commit
EOF
}

pcmk_both_online() { node_run alpha crm_mon -1 2>/dev/null | grep -q 'Online: \[ alpha bravo \]'; }
pcmk_dc_idle() {
  local dc
  dc=$(node_run alpha crmadmin -D -q 2>&1 | tail -n 1) || return 1
  node_run alpha crmadmin -S "$dc" -q 2>&1 | grep -q S_IDLE
}

# A fresh two-node cluster with the group started (a fresh cluster elects its DC after
# dc-deadtime, 20 s: Pacemaker's default, left alone).
pcmk_start() {
  local node
  for node in alpha bravo; do pcmk_prepare "$node"; done
  for node in alpha bravo; do node_boot "$node" "$WORK/$node/boot.sh" || return 1; done
  wait_for 90 pcmk_both_online || { note "pacemaker: nodes not online"; return 1; }
  pcmk_crm_script >"$WORK/pair.crm"
  node_run alpha env HOME="$WORK/alpha" crm -f "$WORK/pair.crm" >>"$WORK/alpha/boot.log" 2>&1 ||
    { note "pacemaker: crm configure failed"; return 1; }
  wait_for 60 served || { note "pacemaker: the group did not start"; return 1; }
  wait_for 30 pcmk_dc_idle || { note "pacemaker: the DC did not settle"; return 1; }
}

# Which node is the DC: when the survivor already is, its controller has been seen to wait about
# 1 s after the node loss before it calls the scheduler; a survivor that becomes DC does not.
pcmk_context() { echo "DC $(node_run alpha crmadmin -D -q 2>&1 | tail -n 1)"; }

pcmk_stop() { kill_ns "$(ns_of alpha)"; kill_ns "$(ns_of bravo)"; }

# The wrapper shells that boot the machines are not part of the stack.
pcmk_exclude() { echo "$(cat "$WORK/alpha/boot.pid") $(cat "$WORK/bravo/boot.pid")"; }

pcmk_settings() {
  local token consensus
  token=$(node_run alpha corosync-cmapctl -g runtime.config.totem.token 2>/dev/null | sed 's/.*= //')
  consensus=$(node_run alpha corosync-cmapctl -g runtime.config.totem.consensus 2>/dev/null | sed 's/.*= //')
  echo "Corosync $(corosync -v | sed -n 's/.*version .\([0-9.]*\).*/\1/p') knet on il0, two_node: 1, token ${token:-?} ms (consensus ${consensus:-?} ms, as corosync computes it);" \
    "Pacemaker $(pacemakerd --version | awk 'NR == 1 { print $2 }'): stonith-enabled=false no-quorum-policy=ignore" \
    "resource-stickiness=INFINITY migration-threshold=1; group ocf:heartbeat:IPaddr2 (resource-agents) + ocf:pacer:haproxy, monitor 5s"
}
