#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# haproxy-backends.sh - alert agent: reload HAProxy when its backend list changed.
#
# What a serf event handler or a keepalived notify script does, the cluster's way: pacerd
# (or Pacemaker) runs this agent for the events it observes, and HAProxy is reloaded
# (the haproxy agent's reload: a new process takes over with -sf, no connection lost)
# on the node where it runs, only when the backend list file differs from the one it
# last loaded:
#   - node events (a peer became a member or was lost, serf's member-join/-leave):
#     whatever rewrote the list on that event (serf's handler, the "update" command
#     below) is picked up here;
#   - an attribute event for the node attribute "backends": whoever edits the list says
#     so with  pacer node attribute NODE set backends "$(date +%s)" --lifetime reboot
#     (crm_attribute -l reboot under Pacemaker);
#   - the haproxy resource's start: the list it started with is recorded, so the next
#     event does not reload for nothing.
# Alert agents run as hacluster (under Pacer as under Pacemaker), which may not signal a
# HAProxy started as root: the reload is asked of pacerd (`pacer resource reload`, open to
# haclient), which runs the agent's reload with the resource's parameters, between its
# monitors. pacerd sets PACER_IPC so that this reaches the node's own daemon.
# See cib-examples/proxy-pair-alerts.crm for its configuration.
#
# Instance attributes (environment variables):
#   backends   the backend list file HAProxy reads   (default /etc/haproxy/backends.cfg)
#   update     a command run first that rewrites it  (default: none)
#   rsc        the haproxy resource's id             (default haproxyd)
#   pacer      the pacer command                     (default pacer)
#   statedir   where the loaded list's checksum is kept, writable by hacluster
#              (default /var/lib/pacer/alerts, which Pacer's package makes)
#
# Exit status: 0 when nothing was to be done or the reload worked, 1 otherwise (the
# daemon logs it, once a minute at most, and never retries).

if [ -z "${CRM_alert_version:-}" ]; then
	echo "$0 is an alert agent: configure it with 'alert' (see cib-examples/proxy-pair-alerts.crm)"
	exit 0
fi

: "${backends:=/etc/haproxy/backends.cfg}"
: "${update:=}"
: "${rsc:=haproxyd}"
: "${pacer:=pacer}"
: "${statedir:=/var/lib/pacer/alerts}"
PATH=$PATH:/usr/sbin:/sbin

case "${CRM_alert_kind:-}" in
node) ;;
attribute) [ "${CRM_alert_attribute_name:-}" = backends ] || exit 0 ;;
resource)
	[ "${CRM_alert_rsc:-}" = "$rsc" ] && [ "${CRM_alert_task:-}" = start ] && [ "${CRM_alert_rc:-}" = 0 ] || exit 0
	;;
*) exit 0 ;;
esac

if [ -n "$update" ]; then
	sh -c "$update" || { echo "update command failed: $update" >&2; exit 1; }
fi
# One run at a time: events come in bursts (a lost peer's attributes go with it).
mkdir -p "$statedir" || exit 1
exec 9>"$statedir/haproxy-backends-$rsc.lock"
flock 9 || exit 1
sum=$(cksum <"$backends") || exit 1
mark="$statedir/haproxy-backends-$rsc.sum"
remember() { printf '%s\n' "$sum" >"$mark"; }

if [ "$CRM_alert_kind" = resource ]; then
	remember
	exit 0
fi

# Only when the list changed since it was loaded, and only where HAProxy runs: pacer exits 7
# when the resource is not running on this node.
[ "$sum" = "$(cat "$mark" 2>/dev/null)" ] && exit 0
"$pacer" resource reload "$rsc" >/dev/null 9>&-
case $? in
0) remember ;;
7) ;;
*) exit 1 ;;
esac
