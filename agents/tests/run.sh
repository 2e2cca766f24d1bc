#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests for the OCF agents in agents/ (see agents/README.md).
#
#   sudo bash agents/tests/run.sh
#
# Static checks (shellcheck -s sh, dash, meta-data against ra-api-1.dtd), then
# each agent through ocf-tester and crm_resource --force-* inside private
# network namespaces this script creates:
#
#   pacer-agents-<pid>-a   "node 1": runs the agents   v0 10.213.0.1/24  2001:db8:213::1/64
#   pacer-agents-<pid>-b   "node 2": peer / observer   v0 10.213.0.2/24  2001:db8:213::2/64
#   pacer-agents-<pid>-sw  bridge br0 joining both (ports pa, pb)
#
# Outside those namespaces it only creates a temp dir and a copy of the agents
# as provider "pacer-test-<pid>" (crm_resource only looks in
# /usr/lib/ocf/resource.d; it ignores OCF_ROOT and OCF_RA_PATH).  Everything is
# removed on exit, also on failure or interrupt.  Prints "ok - name" / "not ok - name"
# per check and "N passed, M failed" last; exits non-zero if anything failed.

# shellcheck disable=SC2317,SC2016  # trap/indirect functions; sh -c scripts
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
AGENTS="$ROOT/agents"
DTD=/usr/share/resource-agents/ra-api-1.dtd
export OCF_ROOT=/usr/lib/ocf

TAG="pacer-agents-$$"
NS_A="$TAG-a"
NS_B="$TAG-b"
NS_SW="$TAG-sw"
PROVIDER="pacer-test-$$"
PROVDIR="$OCF_ROOT/resource.d/$PROVIDER"
NET4=10.213.0
NET6=2001:db8:213

PASS=0
FAIL=0
CREATED_NS=()
BG_PIDS=()
TMP=""
PROVDIR_CREATED=0

# --- reporting -----------------------------------------------------------------

OUT=""
RC=0
# run CMD...: capture output (stdout+stderr) in OUT and the exit code in RC.
run() {
	OUT=$("$@" 2>&1)
	RC=$?
}

ok() {
	echo "ok - $1"
	PASS=$((PASS + 1))
}

notok() {
	echo "not ok - $1"
	FAIL=$((FAIL + 1))
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | tail -n 15 | sed 's/^/#   /'
	fi
}

# check NAME CMD...: ok if CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# expect NAME WANT_RC [PATTERN] -- CMD...: run CMD, want its exit code and,
# if given, a fixed string in its output.
expect() {
	local name=$1 want=$2 pattern=""
	shift 2
	if [ "$1" != -- ]; then pattern=$1; shift; fi
	shift
	run "$@"
	if [ "$RC" != "$want" ]; then
		notok "$name" "expected rc $want, got $RC; output:
$OUT"
	elif [ -n "$pattern" ] && ! grep -qF -- "$pattern" <<<"$OUT"; then
		notok "$name" "rc $RC as expected but output lacks '$pattern':
$OUT"
	else
		ok "$name"
	fi
}

# alive PID: the process exists and is not a zombie (zombies have no cmdline).
alive() {
	[ -n "$1" ] && [ -n "$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" ]
}

dead() { ! alive "$1"; }

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# --- environment -------------------------------------------------------------

cleanup() {
	local pid ns
	trap - EXIT INT TERM
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	# Whatever still runs inside our namespaces (haproxy, arping) - by pid.
	for ns in "${CREATED_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
	done
	for ns in "${CREATED_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$PROVDIR_CREATED" = 1 ]; then
		rm -rf "$PROVDIR"
	fi
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		rm -rf "$TMP"
	fi
}

trap cleanup EXIT
trap 'notok "interrupted"; echo "$PASS passed, $FAIL failed"; exit 130' INT TERM

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}

ina() { ip netns exec "$NS_A" "$@"; }
inb() { ip netns exec "$NS_B" "$@"; }

mac_of() { # ns
	ip -n "$1" -o link show v0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'
}

# neigh_mac NS ADDR: the MAC NS has cached for ADDR on v0.
neigh_mac() {
	ip -n "$1" neigh show "$2" dev v0 | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

# wait_neigh NS ADDR MAC MS: wait up to MS milliseconds for the entry.
wait_neigh() {
	local deadline=$(($(now_ms) + $4))
	while :; do
		[ "$(neigh_mac "$1" "$2")" = "$3" ] && return 0
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.02
	done
}

setup_net() {
	local ns
	for ns in "$NS_SW" "$NS_A" "$NS_B"; do
		ip netns add "$ns" || return 1
		CREATED_NS+=("$ns")
		ip -n "$ns" link set lo up || return 1
	done
	ip -n "$NS_SW" link add br0 type bridge mcast_snooping 0 &&
	ip -n "$NS_SW" link set br0 up &&
	ip -n "$NS_SW" link add pa type veth peer name v0 netns "$NS_A" &&
	ip -n "$NS_SW" link add pb type veth peer name v0 netns "$NS_B" &&
	ip -n "$NS_SW" link set pa master br0 up &&
	ip -n "$NS_SW" link set pb master br0 up &&
	ip -n "$NS_A" addr add "$NET4.1/24" dev v0 &&
	ip -n "$NS_B" addr add "$NET4.2/24" dev v0 &&
	ip -n "$NS_A" addr add "$NET6::1/64" dev v0 nodad &&
	ip -n "$NS_B" addr add "$NET6::2/64" dev v0 nodad &&
	ip -n "$NS_A" link set v0 up &&
	ip -n "$NS_B" link set v0 up || return 1
	for _ in $(seq 1 50); do
		ina ping -n -q -c 1 -w 1 "$NET4.2" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# cr ACTION AGENT k=v...: crm_resource ACTION on our agent, in node A.
cr() {
	local action=$1 agent=$2 kv
	shift 2
	local args=()
	for kv in "$@"; do args+=(--option "$kv"); done
	ina crm_resource "$action" --class ocf --provider "$PROVIDER" --agent "$agent" "${args[@]}"
}

# ag AGENT ACTION k=v...: run an installed agent by hand under dash in node A,
# with the extra environment in AG_ENV (e.g. ARPING=..., HA_LOGFILE=...).
AG_ENV=()
ag() {
	local agent=$1 action=$2 kv
	shift 2
	local envs=(OCF_ROOT="$OCF_ROOT" HA_RSCTMP="$TMP/rsctmp" OCF_RESOURCE_INSTANCE=t1 "${AG_ENV[@]}")
	for kv in "$@"; do envs+=("OCF_RESKEY_$kv"); done
	ina env "${envs[@]}" dash "$PROVDIR/$agent" "$action"
}

# incwd DIR CMD...: CMD in directory DIR (where a glob in a parameter would match).
incwd() {
	local dir=$1
	shift
	(cd "$dir" && "$@")
}

# A number no shell arithmetic can hold (dash: "Illegal number").
HUGE=99999999999999999999

# no_leftovers NAME GLOB: nothing in $TMP/rsctmp matches GLOB.
no_leftovers() {
	local left
	left=$(cd "$TMP/rsctmp" && find . -maxdepth 1 -name "$2" | tr '\n' ' ')
	if [ -z "$left" ]; then ok "$1"; else notok "$1" "left behind: $left"; fi
}

# otest NAME AGENT -o k=v...: ocf-tester on the installed agent in node A.
otest() {
	local name=$1 agent=$2
	shift 2
	run ina env HA_RSCTMP="$TMP/rsctmp" ocf-tester -n "$name" "$@" "$PROVDIR/$agent"
	if [ "$RC" = 0 ] && grep -q "passed all tests" <<<"$OUT"; then
		ok "ocf-tester $agent ($*)"
	else
		notok "ocf-tester $agent ($*)" "$OUT"
	fi
}

if [ "$(id -u)" != 0 ]; then
	notok "running as root (network namespaces, ocf-tester, crm_resource need it)"
	finish
fi
for tool in shellcheck dash xmllint ocf-tester crm_resource haproxy arping ping curl ip unshare; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		notok "tool $tool installed"
		finish
	fi
done

TMP=$(mktemp -d /tmp/pacer-agents.XXXXXX)
mkdir -p "$TMP/rsctmp"
chmod 755 "$TMP"
# A working directory where "*" in a parameter would match files, one of them
# named like an address (a glob must never turn into one).
GLOBDIR="$TMP/globdir"
mkdir -p "$GLOBDIR"
touch "$GLOBDIR/10.213.0.53" "$GLOBDIR/globbed"

AGENT_FILES=(heartbeat/VIPcheck heartbeat/haproxy pacer/IPaddr2 pacer/Dummy)

# --- static checks -------------------------------------------------------------

for f in "${AGENT_FILES[@]}"; do
	a=${f#*/}
	expect "shellcheck -s sh $f" 0 -- shellcheck -s sh "$AGENTS/$f"
	expect "dash parses $f" 0 -- dash -n "$AGENTS/$f"
	check "$f is executable" test -x "$AGENTS/$f"
	run env OCF_ROOT="$OCF_ROOT" dash "$AGENTS/$f" meta-data
	md=$OUT
	if [ "$RC" = 0 ] && grep -qF '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">' <<<"$md"; then
		ok "$a meta-data has the DOCTYPE line"
	else
		notok "$a meta-data has the DOCTYPE line" "$md"
	fi
	expect "$a meta-data validates against ra-api-1.dtd" 0 -- \
		xmllint --noout --dtdvalid "$DTD" - <<<"$md"
	# Every parameter default in the code is a documented parameter.
	missing=""
	while read -r p; do
		grep -q "<parameter name=\"$p\"" <<<"$md" || missing="$missing $p"
	done < <(sed -n 's/^OCF_RESKEY_\([a-z_]*\)_default=.*/\1/p' "$AGENTS/$f")
	if [ -z "$missing" ]; then ok "$a meta-data documents every parameter default"
	else notok "$a meta-data documents every parameter default" "undocumented:$missing"; fi
	expect "$a usage exits 0" 0 -- env OCF_ROOT="$OCF_ROOT" dash "$AGENTS/$f" usage
	expect "$a unknown action exits 3" 3 -- env OCF_ROOT="$OCF_ROOT" dash "$AGENTS/$f" frobnicate
done

# install.sh: into a scratch root that already has foreign agents.
expect "shellcheck -s sh agents/install.sh" 0 -- shellcheck -s sh "$AGENTS/install.sh"
DEST="$TMP/destroot"
HB="$DEST/usr/lib/ocf/resource.d/heartbeat"
PC="$DEST/usr/lib/ocf/resource.d/pacer"
mkdir -p "$HB"
printf '#!/bin/sh\n# foreign IPaddr2\n' >"$HB/IPaddr2"
printf '#!/bin/sh\n# foreign VIPcheck\n' >"$HB/VIPcheck"
expect "install.sh runs" 0 -- sh "$AGENTS/install.sh" --destdir "$DEST"
check "install.sh puts all four agents under pacer/" \
	test -x "$PC/VIPcheck" -a -x "$PC/haproxy" -a -x "$PC/IPaddr2" -a -x "$PC/Dummy"
check "install.sh puts haproxy under heartbeat/" cmp -s "$AGENTS/heartbeat/haproxy" "$HB/haproxy"
check "install.sh keeps a foreign heartbeat/VIPcheck" grep -q "foreign VIPcheck" "$HB/VIPcheck"
check "install.sh never touches heartbeat/IPaddr2" grep -q "foreign IPaddr2" "$HB/IPaddr2"
check "install.sh puts no Dummy under heartbeat/" test ! -e "$HB/Dummy"
rm -f "$HB/VIPcheck"
sh "$AGENTS/install.sh" --destdir "$DEST" >/dev/null 2>&1
check "install.sh installs heartbeat/VIPcheck where none exists" cmp -s "$AGENTS/heartbeat/VIPcheck" "$HB/VIPcheck"
sh "$AGENTS/install.sh" --destdir "$DEST" --uninstall >/dev/null 2>&1
check "install.sh --uninstall removes only ours" \
	test ! -e "$PC/Dummy" -a ! -e "$HB/VIPcheck" -a ! -e "$HB/haproxy" -a -f "$HB/IPaddr2"

# --- dynamic setup -------------------------------------------------------------

if [ -e "$PROVDIR" ]; then
	notok "provider directory $PROVDIR is free"
	finish
fi
mkdir -p "$PROVDIR" && PROVDIR_CREATED=1
for f in "${AGENT_FILES[@]}"; do
	install -m 0755 "$AGENTS/$f" "$PROVDIR/${f#*/}"
done

if setup_net; then
	ok "network namespaces $NS_A, $NS_B joined by a bridge in $NS_SW"
else
	notok "network namespaces $NS_A, $NS_B joined by a bridge in $NS_SW"
	finish
fi
MAC_A=$(mac_of "$NS_A")
MAC_B=$(mac_of "$NS_B")

# --- Dummy ---------------------------------------------------------------------

otest dm Dummy -o state="$TMP/dm-ot.state" -o op_sleep=0.1
t0=$(now_ms)
expect "Dummy crm_resource --force-start" 0 -- cr --force-start Dummy state="$TMP/dm.state" op_sleep=1
check "Dummy op_sleep=1 makes start take a second" test $(($(now_ms) - t0)) -ge 1000
expect "Dummy crm_resource --force-check running" 0 -- cr --force-check Dummy state="$TMP/dm.state"
expect "Dummy reload rewrites the state file" 0 -- ag Dummy reload state="$TMP/dm.state" fake=changed
check "Dummy state file holds the new fake value" grep -qx changed "$TMP/dm.state"
expect "Dummy crm_resource --force-stop" 0 -- cr --force-stop Dummy state="$TMP/dm.state"
expect "Dummy crm_resource --force-check stopped" 7 -- cr --force-check Dummy state="$TMP/dm.state"
expect "Dummy validate op_sleep=abc is not configured" 6 "op_sleep" -- cr --validate Dummy op_sleep=abc

# --- VIPcheck ------------------------------------------------------------------

VIP=$NET4.50
otest vc VIPcheck -o target_ip="$VIP" -o wait=1 -o state="$TMP/vc-ot.state"

ip -n "$NS_B" addr add "$VIP/24" dev v0
expect "VIPcheck refuses to start while $VIP answers from another namespace" 1 "$VIP" -- \
	cr --force-start VIPcheck target_ip="$VIP" wait=2 state="$TMP/vc.state"
if grep -qF "$MAC_B" <<<"$OUT"; then ok "VIPcheck exit reason names the answering MAC"
else notok "VIPcheck exit reason names the answering MAC" "$OUT"; fi
expect "VIPcheck monitor after refused start is not running" 7 -- \
	cr --force-check VIPcheck target_ip="$VIP" state="$TMP/vc.state"

inb sysctl -qw net.ipv4.icmp_echo_ignore_all=1
expect "VIPcheck catches an address answering ARP but not ping" 1 "ARP reply" -- \
	cr --force-start VIPcheck target_ip="$VIP" wait=2 state="$TMP/vc.state"
inb sysctl -qw net.ipv4.icmp_echo_ignore_all=0

inb sysctl -qw net.ipv4.conf.all.arp_ignore=8 net.ipv4.conf.v0.arp_ignore=8
ip -n "$NS_A" neigh replace "$VIP" lladdr "$MAC_B" dev v0 nud permanent
expect "VIPcheck catches an address answering ping but not ARP" 1 "answers ping" -- \
	cr --force-start VIPcheck target_ip="$VIP" wait=2 state="$TMP/vc.state"
ip -n "$NS_A" neigh del "$VIP" dev v0
inb sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.v0.arp_ignore=0

ip -n "$NS_B" addr del "$VIP/24" dev v0
t0=$(now_ms)
expect "VIPcheck starts when $VIP is free" 0 -- \
	cr --force-start VIPcheck target_ip="$VIP" wait=2 state="$TMP/vc.state"
check "VIPcheck listened for wait=2 seconds" test $(($(now_ms) - t0)) -ge 1900
expect "VIPcheck monitor after start" 0 -- cr --force-check VIPcheck target_ip="$VIP" state="$TMP/vc.state"
expect "VIPcheck start again is a no-op" 0 -- cr --force-start VIPcheck target_ip="$VIP" state="$TMP/vc.state"
expect "VIPcheck stop" 0 -- cr --force-stop VIPcheck target_ip="$VIP" state="$TMP/vc.state"
expect "VIPcheck monitor after stop" 7 -- cr --force-check VIPcheck target_ip="$VIP" state="$TMP/vc.state"
expect "VIPcheck stop again" 0 -- cr --force-stop VIPcheck target_ip="$VIP" state="$TMP/vc.state"

ip -n "$NS_A" addr add "$NET4.51/24" dev v0
expect "VIPcheck does not refuse an address configured on this host" 0 -- \
	cr --force-start VIPcheck target_ip="$NET4.51" wait=1 state="$TMP/vc-local.state"
cr --force-stop VIPcheck target_ip="$NET4.51" state="$TMP/vc-local.state" >/dev/null 2>&1
ip -n "$NS_A" addr del "$NET4.51/24" dev v0

expect "VIPcheck validate without target_ip is not configured" 6 "target_ip" -- cr --validate VIPcheck
expect "VIPcheck validate target_ip=10.213.0.300 is not configured" 6 "10.213.0.300" -- \
	cr --validate VIPcheck target_ip=10.213.0.300
expect "VIPcheck validate interface=nosuch0 is not configured" 6 "nosuch0" -- \
	cr --validate VIPcheck target_ip="$VIP" interface=nosuch0
expect "VIPcheck validate count=0 is not configured" 6 "count" -- cr --validate VIPcheck target_ip="$VIP" count=0

# Numbers: decimal, in range, never left to the shell's arithmetic errors.
expect "VIPcheck validate wait=$HUGE is not configured (6)" 6 "wait" -- \
	cr --validate VIPcheck target_ip="$VIP" wait="$HUGE"
expect "VIPcheck validate count=$HUGE is not configured (6)" 6 "count" -- \
	cr --validate VIPcheck target_ip="$VIP" count="$HUGE"
expect "VIPcheck validate wait=3601 is not configured (6), naming the range" 6 "0 to 3600" -- \
	cr --validate VIPcheck target_ip="$VIP" wait=3601
expect "VIPcheck validate wait=-1 is not configured (6)" 6 "wait" -- \
	cr --validate VIPcheck target_ip="$VIP" wait=-1
expect "VIPcheck validate wait=3600 count=08 is accepted" 0 -- \
	cr --validate VIPcheck target_ip="$VIP" wait=3600 count=08
expect "VIPcheck start wait=$HUGE is not configured (6)" 6 "wait" -- \
	ag VIPcheck start target_ip="$NET4.52" wait="$HUGE" state="$TMP/vc-huge.state"
check "VIPcheck start wait=$HUGE creates no state file" test ! -e "$TMP/vc-huge.state"
no_leftovers "VIPcheck start wait=$HUGE leaves no temporary directory" "VIPcheck-t1.*"
expect "VIPcheck monitor wait=$HUGE is not configured (6)" 6 "wait" -- \
	ag VIPcheck monitor target_ip="$NET4.52" wait="$HUGE" state="$TMP/vc-huge.state" CRM_meta_interval=10000
# target_ip='*' where a file is named like an address: never a glob.
expect "VIPcheck validate target_ip='*' is not configured (6), not glob-expanded" 6 "address '*'" -- \
	incwd "$GLOBDIR" ag VIPcheck validate-all target_ip='*'
expect "VIPcheck validate target_ip='10.213.0.5?' is not configured (6)" 6 "10.213.0.5?" -- \
	incwd "$GLOBDIR" ag VIPcheck validate-all target_ip='10.213.0.5?'

# --- IPaddr2 -------------------------------------------------------------------

otest v4 IPaddr2 -o ip="$NET4.60" -o nic=v0 -o cidr_netmask=24
otest v6 IPaddr2 -o ip="$NET6::60"

VIP=$NET4.61
served() { # address present on A's v0, as ADDR/24, exactly once
	[ "$(ip -n "$NS_A" -o -4 addr show dev v0 | grep -c " $VIP/24 ")" = 1 ]
}
# B cached a stale MAC for the VIP (the previous owner's, say).
ip -n "$NS_B" neigh replace "$VIP" lladdr 02:00:00:00:be:ef dev v0 nud stale
VIPARGS=(ip="$VIP" cidr_netmask=24 arp_interval=500 arp_count=3)
expect "IPaddr2 crm_resource --force-start $VIP" 0 -- cr --force-start IPaddr2 "${VIPARGS[@]}"
check "IPaddr2 peer has the VIP's MAC in its neighbour table within one ARP interval (500 ms)" \
	wait_neigh "$NS_B" "$VIP" "$MAC_A" 500
check "IPaddr2 address is on v0 after start" served
expect "IPaddr2 start again succeeds" 0 -- cr --force-start IPaddr2 "${VIPARGS[@]}"
check "IPaddr2 start again leaves the address once" served
expect "IPaddr2 crm_resource --force-check running" 0 -- cr --force-check IPaddr2 "${VIPARGS[@]}"

sleep 1.5 # let the background announcements of start finish
ip -n "$NS_B" neigh replace "$VIP" lladdr 02:00:00:00:be:ef dev v0 nud stale
expect "IPaddr2 monitor with arp_count_refresh" 0 -- \
	ag IPaddr2 monitor "${VIPARGS[@]}" CRM_meta_interval=10000 arp_count_refresh=1 arp_bg=false
check "IPaddr2 arp_count_refresh re-announces the VIP on monitor" wait_neigh "$NS_B" "$VIP" "$MAC_A" 500

ip -n "$NS_SW" link set pa down
expect "IPaddr2 monitor fails (1) when the link is down" 1 "down" -- \
	ag IPaddr2 monitor "${VIPARGS[@]}" CRM_meta_interval=10000
ip -n "$NS_SW" link set pa up
for _ in $(seq 1 50); do
	ip -n "$NS_A" -o link show v0 | grep -q NO-CARRIER || break
	sleep 0.1
done
expect "IPaddr2 monitor succeeds when the link is back" 0 -- ag IPaddr2 monitor "${VIPARGS[@]}" CRM_meta_interval=10000

ip -n "$NS_A" addr del "$VIP/24" dev v0
expect "IPaddr2 monitor reports not running (7) when the address vanished" 7 -- \
	ag IPaddr2 monitor "${VIPARGS[@]}" CRM_meta_interval=10000

cr --force-start IPaddr2 "${VIPARGS[@]}" >/dev/null 2>&1
expect "IPaddr2 crm_resource --force-stop" 0 -- cr --force-stop IPaddr2 "${VIPARGS[@]}"
check "IPaddr2 address is gone after stop" test -z "$(ip -n "$NS_A" -o -4 addr show dev v0 | grep " $VIP/")"
expect "IPaddr2 stop again succeeds" 0 -- cr --force-stop IPaddr2 "${VIPARGS[@]}"
expect "IPaddr2 crm_resource --force-check stopped" 7 -- cr --force-check IPaddr2 "${VIPARGS[@]}"

expect "IPaddr2 bad ip is not configured (6)" 6 "999.1.1.1" -- cr --validate IPaddr2 ip=999.1.1.1
expect "IPaddr2 bad IPv6 ip is not configured (6)" 6 "2001:db8::1::2" -- cr --validate IPaddr2 ip=2001:db8::1::2
expect "IPaddr2 missing ip is not configured (6)" 6 "ip parameter" -- cr --validate IPaddr2
expect "IPaddr2 bad nic is not configured (6)" 6 "nosuch0" -- cr --validate IPaddr2 ip="$NET4.62" nic=nosuch0
expect "IPaddr2 start with bad nic is not configured (6)" 6 "nosuch0" -- \
	cr --force-start IPaddr2 ip="$NET4.62" nic=nosuch0 cidr_netmask=24
expect "IPaddr2 bad cidr_netmask=33 is not configured (6)" 6 "33" -- \
	cr --validate IPaddr2 ip="$NET4.62" cidr_netmask=33
expect "IPaddr2 bad cidr_netmask=255.0.255.0 is not configured (6)" 6 "255.0.255.0" -- \
	cr --validate IPaddr2 ip="$NET4.62" cidr_netmask=255.0.255.0
# Numbers: decimal, in range, never left to the shell's arithmetic errors; a
# bad one stops start and monitor before they do anything.
expect "IPaddr2 validate cidr_netmask=$HUGE is not configured (6)" 6 "cidr_netmask" -- \
	cr --validate IPaddr2 ip="$NET4.62" cidr_netmask="$HUGE"
expect "IPaddr2 validate IPv6 cidr_netmask=129 is not configured (6), naming the range" 6 "1 to 128" -- \
	cr --validate IPaddr2 ip="$NET6::62" cidr_netmask=129
for p in arp_interval arp_count arp_count_refresh; do
	expect "IPaddr2 validate $p=$HUGE is not configured (6)" 6 "$p" -- \
		cr --validate IPaddr2 ip="$NET4.62" "$p=$HUGE"
done
expect "IPaddr2 validate arp_interval=60001 is not configured (6), naming the range" 6 "1 to 60000" -- \
	cr --validate IPaddr2 ip="$NET4.62" arp_interval=60001
expect "IPaddr2 validate arp_count=0 is not configured (6)" 6 "arp_count" -- \
	cr --validate IPaddr2 ip="$NET4.62" arp_count=0
expect "IPaddr2 validate IPv6 preferred_lft=$HUGE is not configured (6)" 6 "preferred_lft" -- \
	cr --validate IPaddr2 ip="$NET6::62" preferred_lft="$HUGE"
expect "IPaddr2 validate IPv6 preferred_lft=soon is not configured (6)" 6 "preferred_lft" -- \
	cr --validate IPaddr2 ip="$NET6::62" preferred_lft=soon
expect "IPaddr2 validate IPv6 preferred_lft=0 is accepted" 0 -- \
	cr --validate IPaddr2 ip="$NET6::62" preferred_lft=0
HUGEARGS=(ip="$NET4.66" nic=v0 cidr_netmask=24)
expect "IPaddr2 start arp_interval=$HUGE is not configured (6)" 6 "arp_interval" -- \
	ag IPaddr2 start "${HUGEARGS[@]}" arp_interval="$HUGE"
check "IPaddr2 start arp_interval=$HUGE adds no address" \
	test -z "$(ip -n "$NS_A" -o -4 addr show dev v0 | grep " $NET4.66/")"
no_leftovers "IPaddr2 start arp_interval=$HUGE leaves no announcer behind" "IPaddr2-t1.announce.pid"
expect "IPaddr2 monitor arp_count_refresh=$HUGE is not configured (6)" 6 "arp_count_refresh" -- \
	ag IPaddr2 monitor "${HUGEARGS[@]}" arp_count_refresh="$HUGE" CRM_meta_interval=10000
# Clean up after an agent that still started (before this was fixed).
ag IPaddr2 stop "${HUGEARGS[@]}" >/dev/null 2>&1
# A leading zero is decimal, not octal (dash's $((0800)) is an error, which
# left the pause between two announcements out).
t0=$(now_ms)
expect "IPaddr2 start arp_interval=0800 arp_count=2 in the foreground" 0 -- \
	ag IPaddr2 start "${HUGEARGS[@]}" arp_interval=0800 arp_count=2 arp_bg=false
check "IPaddr2 arp_interval=0800 pauses 800 ms between the announcements" test $(($(now_ms) - t0)) -ge 1700
expect "IPaddr2 stop after arp_interval=0800" 0 -- ag IPaddr2 stop "${HUGEARGS[@]}" arp_interval=0800

# Background announcements keep no copy of the agent's output open: start
# returns at once even when they go on for a minute.
t0=$(now_ms)
expect "IPaddr2 start arp_interval=60000 arp_count=2 (background)" 0 -- \
	ag IPaddr2 start ip="$NET4.69" nic=v0 cidr_netmask=24 arp_interval=60000 arp_count=2
check "IPaddr2 start with a minute of background announcements returns within 5 s" \
	test $(($(now_ms) - t0)) -lt 5000
announcer=$(cat "$TMP/rsctmp/IPaddr2-t1.announce.pid" 2>/dev/null)
check "IPaddr2 background announcer is running" alive "$announcer"
expect "IPaddr2 stop during background announcements" 0 -- \
	ag IPaddr2 stop ip="$NET4.69" nic=v0 cidr_netmask=24
for _ in $(seq 1 20); do
	dead "$announcer" && break
	sleep 0.1
done
check "IPaddr2 stop ends the background announcer" dead "$announcer"

# ARP sender failures are reported.  Like resource-agents' IPaddr2, an IPv4
# gratuitous ARP failure is logged as an error and start still succeeds.
FAILARGS=(ip="$NET4.67" nic=v0 cidr_netmask=24 send_arp_opts=--bogus arp_count=3)
expect "IPaddr2 start with failing send_arp_opts (foreground) logs the arping error" 0 \
	"Could not send gratuitous ARP" -- ag IPaddr2 start "${FAILARGS[@]}" arp_bg=false
if grep -qF "invalid option" <<<"$OUT"; then ok "IPaddr2 arping failure log quotes arping's message"
else notok "IPaddr2 arping failure log quotes arping's message" "$OUT"; fi
ag IPaddr2 stop "${FAILARGS[@]}" >/dev/null 2>&1
rm -f "$TMP/arp-fail.log"
AG_ENV=(HA_LOGFILE="$TMP/arp-fail.log")
expect "IPaddr2 start with failing send_arp_opts (background) succeeds" 0 -- ag IPaddr2 start "${FAILARGS[@]}"
AG_ENV=()
logged=0
for _ in $(seq 1 30); do
	grep -qF "Could not send gratuitous ARP" "$TMP/arp-fail.log" 2>/dev/null && { logged=1; break; }
	sleep 0.1
done
check "IPaddr2 background arping failure is logged (HA_LOGFILE)" test "$logged" = 1
ag IPaddr2 stop "${FAILARGS[@]}" >/dev/null 2>&1
# send_arp_opts is split into words but never glob-expanded, and cannot
# override the agent's own -U -c 1 -I (they follow it, as in resource-agents).
mkdir -p "$TMP/fakebin" "$TMP/failbin"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\n' "$TMP/fake-arping.log" >"$TMP/fakebin/arping"
chmod 755 "$TMP/fakebin/arping"
rm -f "$TMP/fake-arping.log"
AG_ENV=(ARPING="$TMP/fakebin/arping")
GLOBARGS=(ip="$NET4.68" nic=v0 cidr_netmask=24 arp_count=1 arp_bg=false)
expect "IPaddr2 start with send_arp_opts='-c 9 *' (fake arping)" 0 -- \
	incwd "$GLOBDIR" ag IPaddr2 start "${GLOBARGS[@]}" send_arp_opts='-c 9 *'
AG_ENV=()
check "IPaddr2 send_arp_opts is not glob-expanded and precedes the agent's options" \
	grep -qxF -- "-c 9 * -q -U -c 1 -I v0 $NET4.68" "$TMP/fake-arping.log"
ag IPaddr2 stop "${GLOBARGS[@]}" >/dev/null 2>&1
# IPv6: a failing send_ua fails a foreground start (1), as in resource-agents.
printf '#!/bin/sh\necho "send_ua: cannot send" >&2\nexit 1\n' >"$TMP/failbin/send_ua"
chmod 755 "$TMP/failbin/send_ua"
AG_ENV=(HA_BIN="$TMP/failbin")
expect "IPaddr2 IPv6 start with a failing send_ua fails (1)" 1 "neighbour advertisement" -- \
	ag IPaddr2 start ip="$NET6::63" nic=v0 cidr_netmask=64 nodad=true
AG_ENV=()
ag IPaddr2 stop ip="$NET6::63" nic=v0 cidr_netmask=64 >/dev/null 2>&1

LBLARGS=(ip="$NET4.64" cidr_netmask=24 iflabel=vip noprefixroute=true broadcast="$NET4.255")
expect "IPaddr2 start with iflabel, noprefixroute, broadcast" 0 -- cr --force-start IPaddr2 "${LBLARGS[@]}"
line=$(ip -n "$NS_A" -o -4 addr show dev v0 | grep " $NET4.64/24 ")
check "IPaddr2 applies iflabel, noprefixroute and broadcast" \
	grep -q "brd $NET4.255 .*noprefixroute v0:vip" <<<"$line"
expect "IPaddr2 stop of the labelled address" 0 -- cr --force-stop IPaddr2 "${LBLARGS[@]}"

ip -n "$NS_B" addr add "$NET4.65/24" dev v0
expect "IPaddr2 run_arping refuses an address already in use (1)" 1 "collision" -- \
	cr --force-start IPaddr2 ip="$NET4.65" run_arping=true
check "IPaddr2 run_arping collision adds nothing" test -z "$(ip -n "$NS_A" -o -4 addr show dev v0 | grep " $NET4.65/")"
ip -n "$NS_B" addr del "$NET4.65/24" dev v0

expect "IPaddr2 start without a matching route fails (1)" 1 "findif" -- cr --force-start IPaddr2 ip=10.99.0.5
expect "IPaddr2 probe without a matching route is not running (7)" 7 -- cr --force-check IPaddr2 ip=10.99.0.5

# Hide ip(8) from the agent only: a private mount namespace (inside node A)
# where /dev/null is bind-mounted over the binary.  ocf-shellfuncs appends
# /sbin:/usr/sbin:... to PATH, so trimming PATH cannot hide it.
IP_BIN=$(readlink -f "$(command -v ip)")
noip() { # ACTION [extra env]
	ina unshare --mount --propagation private sh -c \
		'mount --bind /dev/null "$1" || exit 99; shift; exec env "$@"' sh "$IP_BIN" \
		OCF_ROOT="$OCF_ROOT" HA_RSCTMP="$TMP/rsctmp" OCF_RESOURCE_INSTANCE=t1 \
		OCF_RESKEY_ip="$NET4.63" "${@:2}" dash "$PROVDIR/IPaddr2" "$1"
}
expect "IPaddr2 validate without the ip binary is not installed (5)" 5 "ip" -- noip validate-all
expect "IPaddr2 start without the ip binary is not installed (5)" 5 -- noip start
expect "IPaddr2 probe without the ip binary is not running (7)" 7 -- noip monitor
check "the host's ip binary is untouched" test -x "$IP_BIN" -a -z "$(findmnt -n "$IP_BIN" 2>/dev/null)"

VIP6=$NET6::61
ip -n "$NS_B" neigh replace "$VIP6" lladdr 02:00:00:00:be:ef dev v0 nud stale
expect "IPaddr2 IPv6 start" 0 -- cr --force-start IPaddr2 ip="$VIP6" arp_count=3
if [ -x /usr/libexec/heartbeat/send_ua ] || command -v ndsend >/dev/null 2>&1; then
	check "IPaddr2 IPv6 peer learns the VIP's MAC (unsolicited NA)" wait_neigh "$NS_B" "$VIP6" "$MAC_A" 2000
else
	ok "IPaddr2 IPv6 unsolicited NA # SKIP neither send_ua nor ndsend installed"
fi
expect "IPaddr2 IPv6 stop" 0 -- cr --force-stop IPaddr2 ip="$VIP6"
check "IPaddr2 IPv6 address is gone after stop" test -z "$(ip -n "$NS_A" -o -6 addr show dev v0 | grep "$VIP6/")"

# --- haproxy -------------------------------------------------------------------

HX="$TMP/haproxy"
mkdir -p "$HX"
cat >"$HX/ok.cfg" <<EOF
global
    stats socket $HX/stats.sock mode 600 level admin expose-fd listeners
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend web
    bind 127.0.0.1:18080
    monitor-uri /health
    http-request return status 200 content-type text/plain string "hello"
frontend web2
    bind 127.0.0.1:18081
    http-request return status 200 content-type text/plain string "hello2"
EOF
printf 'global\n    foo bar\n' >"$HX/bad.cfg"
URL=http://127.0.0.1:18080/health
HPID="$HX/hp.pid"
HARGS=(conffile="$HX/ok.cfg" pidfile="$HPID" statusurl="$URL")

otest hp haproxy -o conffile="$HX/ok.cfg" -o pidfile="$HX/ot.pid" -o statusurl="$URL"

expect "haproxy validate with a broken conffile is not configured (6) with HAProxy's message" 6 \
	"unknown keyword 'foo' in 'global' section" -- cr --validate haproxy conffile="$HX/bad.cfg" pidfile="$HPID"
expect "haproxy start with a broken conffile is not configured (6)" 6 "unknown keyword" -- \
	cr --force-start haproxy conffile="$HX/bad.cfg" pidfile="$HPID"
expect "haproxy validate with a missing binpath is not installed (5)" 5 "binpath" -- \
	cr --validate haproxy "${HARGS[@]}" binpath=/nonexistent/haproxy
expect "haproxy validate with a missing conffile is not installed (5)" 5 "conffile" -- \
	cr --validate haproxy conffile="$HX/none.cfg" pidfile="$HPID"
expect "haproxy validate with a bad statusurl is not configured (6)" 6 "statusurl" -- \
	cr --validate haproxy conffile="$HX/ok.cfg" statusurl=ftp://x/

# Parameters reach haproxy's and curl's command lines without globbing.
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\n' "$TMP/fake-haproxy.log" >"$TMP/fakebin/haproxy"
chmod 755 "$TMP/fakebin/haproxy"
rm -f "$TMP/fake-haproxy.log"
expect "haproxy validate with extraconf='-L *' (fake binpath)" 0 -- \
	incwd "$GLOBDIR" ag haproxy validate-all conffile="$HX/ok.cfg" pidfile="$HPID" \
	binpath="$TMP/fakebin/haproxy" extraconf='-L *'
check "haproxy extraconf is not glob-expanded" \
	grep -qxF -- "-L * -c -f $HX/ok.cfg" "$TMP/fake-haproxy.log"
expect "haproxy validate extraconf with a tab before -D is not configured (6)" 6 "extraconf" -- \
	ag haproxy validate-all conffile="$HX/ok.cfg" pidfile="$HPID" extraconf="$(printf -- '-L x\t-D')"

expect "haproxy crm_resource --force-start" 0 -- cr --force-start haproxy "${HARGS[@]}"
pid1=$(cat "$HPID" 2>/dev/null)
listening=$(ina ss -Hltnp 2>/dev/null | grep "pid=$pid1,")
check "haproxy listens on both bind ports when start returns" \
	grep -q "127.0.0.1:18081 " <<<"$listening"
check "haproxy statusurl answers" ina curl -fsS -o /dev/null --max-time 3 "$URL"
expect "haproxy crm_resource --force-check running" 0 -- cr --force-check haproxy "${HARGS[@]}"
expect "haproxy start again succeeds" 0 -- cr --force-start haproxy "${HARGS[@]}"
check "haproxy start again keeps the same process" test "$(cat "$HPID")" = "$pid1"

# Reload under load: a bounded client loop must see no failed request.
REQUESTS=800
ina bash -c 'f=0; for i in $(seq 1 "$1"); do
		curl -fsS -o /dev/null --max-time 3 http://127.0.0.1:18080/ || f=$((f + 1))
		echo "$i" >"$2/progress"
	done; echo "$f" >"$2/failed"' client "$REQUESTS" "$HX" &
CLIENT=$!
BG_PIDS+=("$CLIENT")
for _ in $(seq 1 100); do
	[ "$(cat "$HX/progress" 2>/dev/null || echo 0)" -ge 20 ] && break
	sleep 0.1
done
reload_ok=1
pids_seen="$pid1"
for r in 1 2 3; do
	run ag haproxy reload "${HARGS[@]}"
	newpid=$(cat "$HPID" 2>/dev/null)
	if [ "$RC" != 0 ] || grep -qw "$newpid" <<<"$pids_seen"; then
		reload_ok=0
		notok "haproxy reload $r replaces the process" "rc $RC, pid $newpid; $OUT"
	fi
	pids_seen="$pids_seen $newpid"
	sleep 0.3
done
[ "$reload_ok" = 1 ] && ok "haproxy reload (3 times) starts a new process each time"
during=$(cat "$HX/progress" 2>/dev/null || echo 0)
check "haproxy client loop was still running after the reloads ($during/$REQUESTS done)" kill -0 "$CLIENT"
for _ in $(seq 1 900); do
	[ -f "$HX/failed" ] && break
	sleep 0.1
done
failed=$(cat "$HX/failed" 2>/dev/null || echo "no result")
if [ "$failed" = 0 ]; then ok "haproxy reload keeps serving ($REQUESTS requests, 0 failed)"
else notok "haproxy reload keeps serving ($REQUESTS requests, $failed failed)"; fi
gone=1
for p in $pids_seen; do
	[ "$p" = "$(cat "$HPID")" ] && continue
	for _ in $(seq 1 50); do
		alive "$p" || break
		sleep 0.1
	done
	alive "$p" && gone=0
done
check "haproxy processes replaced by reloads exit" test "$gone" = 1
expect "haproxy monitor after reloads" 0 -- ag haproxy monitor "${HARGS[@]}" CRM_meta_interval=10000
# curl must not expand the URL itself ("1808[0-1]" would fetch two ports).
expect "haproxy monitor with statusurl port 1808[0-1] fails (1): curl does not glob it" 1 "statusurl" -- \
	ag haproxy monitor conffile="$HX/ok.cfg" pidfile="$HPID" CRM_meta_interval=10000 \
	statusurl='http://127.0.0.1:1808[0-1]/health'

before=$(cat "$HPID")
expect "haproxy reload with a broken conffile is refused (6)" 6 "unknown keyword" -- \
	ag haproxy reload conffile="$HX/bad.cfg" pidfile="$HPID" statusurl="$URL"
check "haproxy keeps serving after a refused reload" \
	test "$(cat "$HPID")" = "$before" -a -n "$(ina curl -fsS --max-time 3 "$URL" 2>/dev/null)"

kill -9 "$(cat "$HPID")"
sleep 0.2
run ag haproxy monitor "${HARGS[@]}" CRM_meta_interval=10000
if { [ "$RC" = 1 ] || [ "$RC" = 7 ]; } && grep -q "vanished" <<<"$OUT"; then
	ok "haproxy monitor after kill -9 reports failure (rc $RC, process vanished)"
else
	notok "haproxy monitor after kill -9 reports failure" "rc $RC: $OUT"
fi
expect "haproxy probe after kill -9 is not running (7)" 7 -- cr --force-check haproxy "${HARGS[@]}"
expect "haproxy stop after kill -9" 0 -- cr --force-stop haproxy "${HARGS[@]}"
check "haproxy stop removes the stale pid file" test ! -e "$HPID"

expect "haproxy start after a crash" 0 -- cr --force-start haproxy "${HARGS[@]}"
pid2=$(cat "$HPID" 2>/dev/null)
expect "haproxy crm_resource --force-stop" 0 -- cr --force-stop haproxy "${HARGS[@]}"
check "haproxy process is gone after stop" dead "$pid2"
check "haproxy ports are closed after stop" test -z "$(ina ss -Hltn 'sport = :18080')"
expect "haproxy stop again succeeds" 0 -- cr --force-stop haproxy "${HARGS[@]}"
expect "haproxy crm_resource --force-check stopped" 7 -- cr --force-check haproxy "${HARGS[@]}"
# An operation timeout that is not a number of milliseconds: the default budget.
expect "haproxy start with CRM_meta_timeout=20s" 0 -- ag haproxy start "${HARGS[@]}" CRM_meta_timeout=20s
expect "haproxy stop with CRM_meta_timeout=20s" 0 -- ag haproxy stop "${HARGS[@]}" CRM_meta_timeout=20s
cr --force-stop haproxy "${HARGS[@]}" >/dev/null 2>&1

finish
