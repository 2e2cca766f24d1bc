#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck source-path=SCRIPTDIR
# Pacemaker 2.1.5 + Corosync in the netns pair of bench/failover (root; pacemaker, corosync,
# crmsh and resource-agents installed), Pacemaker's alert_file.sh.sample configured with crmsh:
# the lines it writes for a start, the first recurring monitor, a monitor failure (the Dummy's
# state file removed), the stop and the start elsewhere, and a node loss (the node's namespace
# killed). OUT=FILE keeps them; pacemaker-2.1.5.log is one run's. Pacer's counterpart is
# Tests/PacerIntegrationTests/AlertsIntegrationTests.swift (fileSample), which expects these lines.
set -u
ROOT=$(mktemp -d /tmp/pcmk-alerts.XXXXXX)
here=$(cd "$(dirname "$0")/../../../bench/failover" && pwd)
# shellcheck source=../../../bench/failover/common.sh
. "$here/common.sh"
# shellcheck source=../../../bench/failover/pacemaker.sh
. "$here/pacemaker.sh"
trap cleanup_all EXIT
chmod 755 "$ROOT"; TAG=pa$$; WORK=$ROOT/work; mkdir -p "$WORK"
pcmk_topology "$TAG" "$WORK" || die topology
for n in alpha bravo; do pcmk_prepare "$n"; done
for n in alpha bravo; do node_boot "$n" "$WORK/$n/boot.sh" || die "boot $n"; done
wait_for 120 pcmk_both_online || die "not online"
LOG=$WORK/alerts.log; install -o hacluster -g haclient -m 0666 /dev/null "$LOG"
cat >"$WORK/a.crm" <<EOC
configure
property stonith-enabled=false no-quorum-policy=ignore
rsc_defaults resource-stickiness=INFINITY migration-threshold=1
alert file /usr/share/pacemaker/alerts/alert_file.sh.sample to $LOG
commit
EOC
cat >"$WORK/b.crm" <<EOC
configure
primitive d1 ocf:pacemaker:Dummy op monitor interval=1s
commit
EOC
node_run alpha env HOME="$WORK/alpha" crm -f "$WORK/a.crm" || die "crm a"
sleep 3
node_run alpha env HOME="$WORK/alpha" crm -f "$WORK/b.crm" || die "crm b"
wait_for 60 sh -c "[ \$(wc -l <$LOG) -ge 2 ]" || die "no start lines"
sleep 3
first=$(node_run alpha crm_resource --locate -r d1 2>/dev/null | sed -n 's/.*running on: //p')
echo "d1 on $first" >&2
other=alpha; [ "$first" = alpha ] && other=bravo
cp "$LOG" "$ROOT/before-failure.log"
rm -f "$WORK/$first/run/Dummy-d1.state"
wait_for 60 sh -c "grep -q \"'start' for 'd1' on '$other'\" $LOG && grep -q \"'monitor (1000)' for 'd1' on '$other'\" $LOG" || die "no failover"
sleep 3
kill_ns "$(ns_of "$other")"
wait_for 60 grep -q "is now 'lost'" "$LOG" || die "no node loss"
sleep 3
echo "=== alerts.log ($first first, $other killed)"
cat "$LOG"
cp "$LOG" "${OUT:-/dev/null}"
node_run "$first" crm_mon -1 >&2 2>&1 || true
