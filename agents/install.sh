#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install Pacer's OCF resource agents (see agents/README.md).
#
#   agents/install.sh [--uninstall] [--destdir DIR] [--ocf-root DIR]
#
# Every agent goes to provider "pacer":  $OCF_ROOT/resource.d/pacer/{VIPcheck,
# haproxy,IPaddr2,Dummy}.  VIPcheck and haproxy also go to provider "heartbeat"
# (for configurations written as ocf:heartbeat:VIPcheck / ocf:heartbeat:haproxy)
# unless a file of that name that is not ours is already there.  IPaddr2 and
# Dummy never go to "heartbeat": resource-agents ships those.
# --uninstall removes what this script installed (only files carrying the
# pacer-ocf-agent marker).  DESTDIR (option or environment) prefixes all paths.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
destdir=${DESTDIR:-}
ocf_root=/usr/lib/ocf
mode=install

while [ $# -gt 0 ]; do
	case "$1" in
	--uninstall) mode=uninstall ;;
	--destdir) destdir=$2; shift ;;
	--destdir=*) destdir=${1#*=} ;;
	--ocf-root) ocf_root=$2; shift ;;
	--ocf-root=*) ocf_root=${1#*=} ;;
	-h|--help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "install.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done

ra_dir="$destdir$ocf_root/resource.d"
marker=pacer-ocf-agent

is_ours() {
	[ -f "$1" ] && grep -q "$marker" "$1"
}

put() { # source target
	install -m 0755 "$1" "$2.pacer-new"
	mv -f "$2.pacer-new" "$2"
	echo "installed $2"
}

if [ "$mode" = uninstall ]; then
	for f in "$ra_dir/pacer/VIPcheck" "$ra_dir/pacer/haproxy" "$ra_dir/pacer/IPaddr2" \
		"$ra_dir/pacer/Dummy" "$ra_dir/heartbeat/VIPcheck" "$ra_dir/heartbeat/haproxy"; do
		if is_ours "$f"; then
			rm -f "$f"
			echo "removed $f"
		fi
	done
	rmdir "$ra_dir/pacer" 2>/dev/null || true
	exit 0
fi

install -d -m 0755 "$ra_dir/pacer" "$ra_dir/heartbeat"
for a in heartbeat/VIPcheck heartbeat/haproxy pacer/IPaddr2 pacer/Dummy; do
	put "$here/$a" "$ra_dir/pacer/${a#*/}"
done
for a in VIPcheck haproxy; do
	target="$ra_dir/heartbeat/$a"
	if [ -e "$target" ] && ! is_ours "$target"; then
		echo "kept $target (not ours); ours is ocf:pacer:$a"
	else
		put "$here/heartbeat/$a" "$target"
	fi
done
