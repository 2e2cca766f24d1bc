#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds Pacer in release mode and installs pacer, pacerd, the OCF agents and the systemd unit.
# Usage: scripts/install.sh [--prefix /usr] [--destdir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr
destdir=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    *) echo "install.sh: unknown argument '$1'" >&2; exit 64 ;;
  esac
done
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product pacer >/dev/null
swift build -c release --product pacerd >/dev/null
bin=$(swift build -c release --show-bin-path)
install -D -m 0755 "$bin/pacer" "$destdir$prefix/sbin/pacer"
install -D -m 0755 "$bin/pacerd" "$destdir$prefix/sbin/pacerd"
install -D -m 0644 dist/pacerd.service "$destdir/lib/systemd/system/pacerd.service"
install -D -m 0644 README.md "$destdir$prefix/share/doc/pacer/README.md"
./agents/install.sh ${destdir:+--destdir "$destdir"}
getent group haclient >/dev/null || groupadd --system haclient 2>/dev/null || true
# Alert agents run as hacluster, as under Pacemaker (whose package makes the same user).
getent passwd hacluster >/dev/null || useradd --system --gid haclient --home-dir /var/lib/pacer --no-create-home \
  --shell /usr/sbin/nologin --comment "cluster user" hacluster 2>/dev/null || true
if [ -z "$destdir" ] && getent passwd hacluster >/dev/null; then
  install -d -o hacluster -g haclient -m 0750 /var/lib/pacer/alerts   # alert agents' state
fi
echo "installed pacer and pacerd under $destdir$prefix/sbin; next: pacer cluster init …, then systemctl enable --now pacerd"
