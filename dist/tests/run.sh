#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package (scripts/package.sh), built and installed as on a machine without Swift.
#
#   sudo bash dist/tests/run.sh [DEB]
#
# Builds the package (minutes: a static release build) unless DEB is given, then:
#   - lintian --fail-on error;
#   - dpkg -x into an empty directory: the files are there, ldd names no /opt/swift;
#   - in a private mount, network and UTS namespace: a copy-on-write root of this machine
#     (overlayfs over /, changes in a tmpfs) with /opt/swift and /work hidden (no Swift, no
#     build directory), where dpkg --root installs the package (maintainer scripts included:
#     the haclient group, the heartbeat/ names, never over a file that is not Pacer's), and
#     in that root: pacer --version prints the package's version, man pacer/pacerd/pacer.conf
#     render, the bash completion loads, pacer cluster init writes a configuration and pacerd
#     started with the unit's ExecStart line answers pacer cluster show and stops on SIGTERM;
#     then dpkg -r and dpkg -P remove what the package and its scripts made;
#   - dist/tests/two-hosts.sh with the same package: two namespace hosts, each with its
#     own root and the package installed, made a pair as README "Two real hosts" says, the
#     canonical group served through its VIP, then a failover.
# Nothing outside the namespace is changed but a temp dir (removed on exit); the real root's
# dpkg database is never touched. Prints "ok - name" / "not ok - name" per check and
# "N passed, M failed" last; exits non-zero if anything failed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"

passed=0
failed=0
check() { # name command...
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		failed=$((failed + 1))
	fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# ---------------------------------------------------------------------------------------
# Inside the namespaces (unshare re-runs this script with --inside DEB VERSION WORKDIR).
if [ "${1:-}" = --inside ]; then
	deb=$2 version=$3 work=$4
	mnt="$work/mnt"
	mkdir -p "$mnt"
	mount -t tmpfs -o size=512m pacer-package-test "$mnt" || exit 1
	mkdir -p "$mnt/upper" "$mnt/work" "$mnt/root"
	if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$mnt/upper,workdir=$mnt/work" "$mnt/root"; then
		echo "not ok - overlayfs over / (needed for the install test)"
		exit 1
	fi
	r="$mnt/root"
	mount -t proc proc "$r/proc"
	mount -t sysfs sysfs "$r/sys"
	mount --rbind /dev "$r/dev"
	mount -t tmpfs tmpfs "$r/dev/shm"
	mount -t tmpfs tmpfs "$r/run"
	mount -t tmpfs tmpfs "$r/tmp"
	# No Swift on this machine, and no checkout or build directory.
	mount -t tmpfs tmpfs "$r/opt"
	[ -d "$r/work" ] && mount -t tmpfs tmpfs "$r/work"
	hostname alpha
	ip link set lo up
	in_root() { chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

	check "no Swift in the root (no swift command, no libswiftCore)" \
		sh -c "! chroot '$r' sh -c 'command -v swift' >/dev/null && [ -z \"\$(ls -A '$r/opt')\" ] && ! chroot '$r' ldconfig -p | grep -q libswiftCore"

	# A file of another provider at heartbeat/haproxy, which the package must keep.
	heartbeat="$r/usr/lib/ocf/resource.d/heartbeat"
	printf '#!/bin/sh\n# not Pacer\n' >"$heartbeat/haproxy"
	rm -f "$heartbeat/VIPcheck"
	# No haclient group (this machine's pacemaker made one): postinst must create it.
	sed -i '/^haclient:/d' "$r/etc/group" "$r/etc/gshadow"

	start=$(date +%s%N)
	dpkg --root="$r" --force-not-root -i "$deb" >"$work/dpkg-i.log" 2>&1
	status=$?
	echo "# dpkg --root -i: $(ms_since "$start") ms"
	check "dpkg --root -i installs the package" [ "$status" -eq 0 ]
	[ "$status" -eq 0 ] || sed 's/^/# /' "$work/dpkg-i.log"
	check "dpkg -s: installed, version $version" \
		sh -c "chroot '$r' dpkg-query -W -f='\${Status} \${Version}' pacer | grep -qx 'install ok installed $version'"
	check "postinst created the haclient group" sh -c "chroot '$r' getent group haclient >/dev/null"
	check "postinst linked heartbeat/VIPcheck -> ../pacer/VIPcheck" \
		[ "$(readlink "$heartbeat/VIPcheck")" = ../pacer/VIPcheck ]
	check "postinst kept a heartbeat/haproxy that is not Pacer's" \
		sh -c "[ ! -L '$heartbeat/haproxy' ] && grep -q 'not Pacer' '$heartbeat/haproxy'"
	check "dpkg said so" grep -q "kept /usr/lib/ocf/resource.d/heartbeat/haproxy (not Pacer's)" "$work/dpkg-i.log"

	check "ldd pacer, pacerd: no /opt/swift, nothing missing" \
		sh -c "out=\$(chroot '$r' ldd /usr/sbin/pacer /usr/sbin/pacerd) && ! echo \"\$out\" | grep -q -e /opt/swift -e 'not found'"
	got=$(in_root pacer --version 2>&1)
	check "pacer --version prints $version (got '$got')" [ "$got" = "$version" ]
	got=$(in_root pacerd --version 2>&1)
	check "pacerd --version prints $version (got '$got')" [ "$got" = "$version" ]

	for page in pacer pacerd pacer.conf; do
		check "man $page renders" \
			sh -c "chroot '$r' env MANWIDTH=80 man -P cat $page 2>'$work/man.err' | grep -q 'NAME' && ! grep -q . '$work/man.err'"
	done
	check "man -l renders the installed pages without warnings" \
		sh -c "for f in '$r'/usr/share/man/man8/pacer.8.gz '$r'/usr/share/man/man8/pacerd.8.gz '$r'/usr/share/man/man5/pacer.conf.5.gz; do
			[ -z \"\$(man --warnings -l -Tutf8 -Z \"\$f\" 2>&1 >/dev/null)\" ] || exit 1; done"
	check "bash completion loads (complete -p pacer)" \
		sh -c "chroot '$r' bash -c 'source /usr/share/bash-completion/completions/pacer && complete -p pacer' | grep -q ' pacer\$'"

	unit="$r/lib/systemd/system/pacerd.service"
	check "unit: LimitNOFILE, Delegate=yes, ConditionPathExists" \
		sh -c "grep -q '^LimitNOFILE=' '$unit' && grep -q '^Delegate=yes' '$unit' && grep -q '^ConditionPathExists=/etc/pacer/pacer.conf' '$unit'"
	check "pacer cluster init writes /etc/pacer/pacer.conf and the authkey" \
		sh -c "chroot '$r' pacer cluster init --name pkgtest --node alpha=127.0.0.1 --node bravo=127.0.0.2 >/dev/null &&
			[ -f '$r/etc/pacer/pacer.conf' ] && [ -f '$r/etc/pacer/authkey' ]"
	exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
	echo "# ExecStart=$exec_start"
	# shellcheck disable=SC2086  # the unit's command line, split as systemd splits it
	chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 $exec_start >"$work/pacerd.log" 2>&1 &
	pacerd=$!
	up=no
	for _ in $(seq 100); do
		if in_root pacer cluster show >"$work/show.txt" 2>&1; then up=yes; break; fi
		kill -0 "$pacerd" 2>/dev/null || break
		sleep 0.1
	done
	check "pacerd from the unit's ExecStart answers pacer cluster show" [ "$up" = yes ]
	sed 's/^/# /' "$work/show.txt"
	check "pacer status reads the daemon's CIB" sh -c "chroot '$r' pacer status >/dev/null 2>&1"
	kill -TERM "$pacerd" 2>/dev/null
	status=1
	for _ in $(seq 100); do
		kill -0 "$pacerd" 2>/dev/null || { wait "$pacerd"; status=$?; break; }
		sleep 0.1
	done
	check "pacerd stops on SIGTERM with status 0" [ "$status" -eq 0 ]
	if [ "$status" -ne 0 ] || [ "$up" != yes ]; then sed 's/^/# pacerd: /' "$work/pacerd.log"; fi
	kill -KILL "$pacerd" 2>/dev/null

	dpkg --root="$r" --force-not-root -r pacer >"$work/dpkg-r.log" 2>&1
	check "dpkg -r removes it" [ $? -eq 0 ]
	check "postrm removed the heartbeat/VIPcheck link and kept the other haproxy" \
		sh -c "[ ! -e '$heartbeat/VIPcheck' ] && [ ! -L '$heartbeat/VIPcheck' ] && grep -q 'not Pacer' '$heartbeat/haproxy'"
	check "the conffile and pacer cluster init's files stay after -r" \
		[ -f "$r/etc/pacer/pacer.conf.example" ] && [ -f "$r/etc/pacer/pacer.conf" ]
	dpkg --root="$r" --force-not-root -P pacer >"$work/dpkg-p.log" 2>&1
	check "dpkg -P purges /etc/pacer and /var/lib/pacer" \
		sh -c "[ ! -e '$r/etc/pacer' ] && [ ! -e '$r/var/lib/pacer' ] && [ ! -e '$r/usr/sbin/pacer' ]"
	finish
	exit
fi

# ---------------------------------------------------------------------------------------
# Outside: build, lintian, dpkg -x, then the namespace part.
[ "$(id -u)" -eq 0 ] || { echo "dist/tests/run.sh: needs root (namespaces, overlayfs)" >&2; exit 1; }
work=$(mktemp -d /tmp/pacer-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -n "${1:-}" ]; then
	deb=$1
else
	start=$(date +%s)
	deb=$("$ROOT/scripts/package.sh" "$work/out" | tail -1)
	check "scripts/package.sh builds a .deb ($(($(date +%s) - start)) s)" [ -f "$deb" ]
	[ -f "$deb" ] || { finish; exit 1; }
fi
version=$(dpkg-deb -f "$deb" Version)
echo "# $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "# Depends: $(dpkg-deb -f "$deb" Depends)"
check "file name is pacer_<version>_<arch>.deb" \
	[ "$(basename "$deb")" = "pacer_${version}_$(dpkg --print-architecture).deb" ]
check "version starts with a digit" sh -c "echo '$version' | grep -q '^[0-9]'"
check "depends on libxml2, libqb, libssl" \
	sh -c "dpkg-deb -f '$deb' Depends | grep -q libxml2 && dpkg-deb -f '$deb' Depends | grep -q libqb && dpkg-deb -f '$deb' Depends | grep -q libssl"
check "recommends resource-agents, haproxy, iputils-arping" \
	sh -c "dpkg-deb -f '$deb' Recommends | grep -q resource-agents && dpkg-deb -f '$deb' Recommends | grep -q haproxy && dpkg-deb -f '$deb' Recommends | grep -q iputils-arping"
check "/etc/pacer/pacer.conf.example is a conffile" \
	sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/pacer/pacer.conf.example"

if command -v lintian >/dev/null; then
	lintian --fail-on error --allow-root "$deb" >"$work/lintian.txt" 2>&1
	status=$?
	check "lintian --fail-on error" [ "$status" -eq 0 ]
	sed 's/^/# lintian: /' "$work/lintian.txt"
else
	check "lintian is installed (scripts/setup-debian.sh)" false
fi

start=$(date +%s%N)
dpkg -x "$deb" "$work/x"
echo "# dpkg -x: $(ms_since "$start") ms"
for f in usr/sbin/pacer usr/sbin/pacerd lib/systemd/system/pacerd.service \
	usr/lib/ocf/resource.d/pacer/VIPcheck usr/lib/ocf/resource.d/pacer/haproxy \
	usr/lib/ocf/resource.d/pacer/IPaddr2 usr/lib/ocf/resource.d/pacer/Dummy \
	usr/share/man/man8/pacer.8.gz usr/share/man/man8/pacerd.8.gz usr/share/man/man5/pacer.conf.5.gz \
	usr/share/bash-completion/completions/pacer etc/pacer/pacer.conf.example usr/share/doc/pacer/copyright; do
	check "dpkg -x: /$f" [ -e "$work/x/$f" ]
done
check "dpkg -x: ldd shows no /opt/swift" sh -c "! ldd '$work/x/usr/sbin/pacer' '$work/x/usr/sbin/pacerd' | grep -q /opt/swift"
echo "# binaries: pacer $(du -k "$work/x/usr/sbin/pacer" | cut -f1) KiB, pacerd $(du -k "$work/x/usr/sbin/pacerd" | cut -f1) KiB"
start=$(date +%s%N)
for _ in $(seq 100); do "$work/x/usr/sbin/pacer" --version >/dev/null; done
echo "# pacer --version: $(($(ms_since "$start") * 10)) us per run (100 runs)"

unshare --mount --net --uts --propagation private bash "$0" --inside "$deb" "$version" "$work" | tee "$work/inside.txt"
inner_passed=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$work/inside.txt")
inner_failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$work/inside.txt")
passed=$((passed + ${inner_passed:-0}))
failed=$((failed + ${inner_failed:-1}))

# README "Two real hosts": the same package on two namespace hosts, init, export | import,
# pacerd, the canonical group, a failover.
bash "$HERE/two-hosts.sh" "$deb" | tee "$work/two-hosts.txt"
inner_passed=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$work/two-hosts.txt")
inner_failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$work/two-hosts.txt")
passed=$((passed + ${inner_passed:-0}))
failed=$((failed + ${inner_failed:-1}))
finish
