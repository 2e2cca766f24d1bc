# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# keepalived 2.2.7: VRRP on eth0 with the VIP, both nodes BACKUP with the same priority and
# nopreempt (the VIP stays where it is, as with resource-stickiness=INFINITY). HAProxy runs all the
# time on both nodes (net.ipv4.ip_nonlocal_bind=1 in each node's namespace lets it bind the VIP
# before owning it); a vrrp_script asks whether this node's HAProxy lives. The PID namespace is
# shared by all nodes, so the check reads this node's pid file, never a process name. Each
# keepalived has its own pid files (-p/-r/-c), configuration and log under WORK/NODE.

KAD_ADVERT=1 KAD_INTERVAL=1 KAD_FALL=2 KAD_RISE=1 KAD_PRIORITY=100

kad_topology() { topo_up "$1" "$2"; }

kad_prepare() {
  local node=$1 d="$WORK/$1"
  rm -rf "$d" && mkdir -p "$d"
  # A zombie counts as dead: here PID 1 reaps orphans only about once a second, and kill -0
  # succeeds on a zombie (an init that reaps at once, as systemd does, makes no difference).
  cat >"$d/check-haproxy" <<EOF
#!/bin/sh
# Exit 0 if $node's HAProxy (pid file $d/haproxy.pid) is alive.
pid=\$(cat "$d/haproxy.pid" 2>/dev/null) && kill -0 "\$pid" 2>/dev/null &&
  [ "\$(cut -d ' ' -f 3 "/proc/\$pid/stat" 2>/dev/null)" != Z ]
EOF
  chmod 0755 "$d/check-haproxy"
  cat >"$d/keepalived.conf" <<EOF
global_defs {
    router_id $node
    script_user root
}
vrrp_script chk_haproxy {
    script "$d/check-haproxy"
    interval $KAD_INTERVAL
    fall $KAD_FALL
    rise $KAD_RISE
}
vrrp_instance VI_1 {
    state BACKUP
    nopreempt
    interface eth0
    virtual_router_id 80
    priority $KAD_PRIORITY
    advert_int $KAD_ADVERT
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
    track_script {
        chk_haproxy
    }
}
EOF
}

kad_start() {
  local node ns
  for node in alpha bravo; do
    kad_prepare "$node"
    ns=$(ns_of "$node")
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_nonlocal_bind=1
    ip netns exec "$ns" haproxy -D -f "$WORK/haproxy.cfg" -p "$WORK/$node/haproxy.pid" >"$WORK/$node/haproxy.log" 2>&1 ||
      { note "keepalived: haproxy did not start on $node"; return 1; }
    ip netns exec "$ns" keepalived --dont-fork --log-console --log-detail --vrrp --use-file "$WORK/$node/keepalived.conf" \
      --pid "$WORK/$node/keepalived.pid" --vrrp_pid "$WORK/$node/vrrp.pid" --checkers_pid "$WORK/$node/checkers.pid" \
      >"$WORK/$node/keepalived.log" 2>&1 &
    disown "$!"
  done
  wait_for 30 served || { note "keepalived: the VIP is not served"; return 1; }
  wait_for 10 active_node >/dev/null || { note "keepalived: the VIP is on both nodes"; return 1; }
}

kad_stop() { kill_ns "$(ns_of alpha)"; kill_ns "$(ns_of bravo)"; }
kad_exclude() { :; }

kad_settings() {
  echo "keepalived $(keepalived --version 2>&1 | sed -n '1s/^Keepalived v\([0-9.]*\).*/\1/p'): VRRP on eth0, advert_int $KAD_ADVERT s," \
    "both BACKUP priority $KAD_PRIORITY nopreempt; vrrp_script 'kill -0 <this node's haproxy pid>' interval $KAD_INTERVAL s" \
    "fall $KAD_FALL rise $KAD_RISE (no weight: a failed check puts the instance in FAULT);" \
    "HAProxy $(haproxy -v | sed -n '1s/^HAProxy version \([0-9.]*\).*/\1/p') runs on both nodes (ip_nonlocal_bind=1)"
}
