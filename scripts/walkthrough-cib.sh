#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job, as far as Pacer goes today: on a fresh Debian machine, install what is
# needed, build, and walk through configuring the canonical two-node load-balancer pair
# offline on a CIB file — the same file real Pacemaker tools read.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
./scripts/setup-debian.sh
echo "== building pacer"
swift build -c release --product pacer 2>&1 | tail -1
pacer="$(swift build -c release --show-bin-path)/pacer"
work=$(mktemp -d /tmp/pacer-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CIB_file="$work/cib.xml"
step() { printf '\n== %s\n$ %s\n' "$1" "$2"; }

step "an empty CIB, as cibadmin --empty makes it" "pacer cib new \$CIB_file"
"$pacer" cib new "$CIB_file"
cat "$CIB_file"

step "configure the pair with crmsh's syntax, one command at a time" "pacer configure property no-quorum-policy=ignore ..."
"$pacer" configure property no-quorum-policy=ignore
"$pacer" configure property stonith-enabled=false
"$pacer" configure rsc_defaults resource-stickiness=INFINITY migration-threshold=1
"$pacer" configure primitive ckVIP ocf:heartbeat:VIPcheck params target_ip=192.168.10.80 count=1 wait=5 \
  op start interval=0s timeout=60s on-fail=restart start-delay=2s
"$pacer" configure primitive vIP_10 ocf:heartbeat:IPaddr2 params ip=192.168.10.80 nic=eth0 cidr_netmask=24 op monitor interval=5s
"$pacer" configure primitive haproxyd ocf:heartbeat:haproxy meta migration-threshold=1 op monitor interval=5s
"$pacer" configure group proxyGroup ckVIP vIP_10 haproxyd

step "what crmsh would show" "pacer configure show"
"$pacer" configure show

step "schema (Pacemaker's RelaxNG) and reference checks" "pacer configure verify"
"$pacer" configure verify && echo "verify: ok"

step "real Pacemaker reads the same file" "crm_mon -1 (CIB_file=...)"
crm_mon -1 2>/dev/null | grep -v "Last updated" || true

step "bad input is refused, and the file is left as it was" "pacer configure location l1 proxyGroup 100 pm01"
sum_before=$(md5sum <"$CIB_file")
"$pacer" configure location l1 proxyGroup 100 pm01 || echo "(exit status $?)"
[ "$sum_before" = "$(md5sum <"$CIB_file")" ] && echo "CIB unchanged"

step "the whole pair from a crm script (also accepted by crm -f)" "pacer configure -f cib-examples/proxy-pair.crm"
"$pacer" cib new "$work/second.xml"
CIB_file="$work/second.xml" "$pacer" configure -f cib-examples/proxy-pair.crm
diff <(xmllint --c14n "$CIB_file" | sed -E 's/ epoch="[0-9]+"//') <(xmllint --c14n "$work/second.xml" | sed -E 's/ epoch="[0-9]+"//') \
  && echo "same CIB either way"
