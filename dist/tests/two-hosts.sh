#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# README "Two real hosts", done as written on two hosts that have only the package.
#
#   sudo bash dist/tests/two-hosts.sh [DEB]
#
# Builds the package (scripts/package.sh) unless DEB is given. The two-node topology of
# scripts/netns-pair.sh (interlink 10.99.0.x, data bridge 192.168.77.x, a client and an HTTP
# backend); each node is a host of its own: its network namespace, a UTS namespace whose
# hostname is the node's name, and a private mount namespace whose root is a copy-on-write
# overlay of this machine with /opt/swift and /work hidden (no Swift, no checkout, no build
# directory) and the .deb installed by dpkg --root. Then, as an operator would:
#   alpha: pacer cluster init --name lbpair --node alpha=… --node bravo=…
#   alpha: pacer cluster export | bravo: pacer cluster import -     (a pipe instead of ssh)
#   both:  pacerd started with the unit's ExecStart line (systemctl enable --now pacerd)
#   alpha: pacer configure -f the packaged proxy-pair.crm with this network's VIP
# waits until the client is served through the VIP, powers the node holding it off (links
# down, its pacerd and everything it started killed) and checks the client is served again,
# from the other node, within 30 s. Each pacerd runs in a cgroup of its own below ours (as
# systemd's Delegate=yes gives it one), so their resource cgroups never meet.
# Prints "ok - name" / "not ok - name" per check and "N passed, M failed" last; exits non-zero
# if anything failed. Removes every namespace, mount, cgroup and process it made, by PID,
# also on failure or interrupt.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
FAILOVER_BOUND=${FAILOVER_BOUND:-30}

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
# A node's "host" (run by ip netns exec NS unshare --mount --uts … --host NODE DEB WORK):
# builds its root, installs the package, then holds the namespaces chrooted in that root.
if [ "${1:-}" = --host ]; then
	node=$2 deb=$3 work=$4
	mnt="$work/$node/mnt"
	mkdir -p "$mnt"
	mount -t tmpfs -o size=512m "pacer-two-hosts-$node" "$mnt" || exit 1
	mkdir -p "$mnt/upper" "$mnt/work" "$mnt/root"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$mnt/upper,workdir=$mnt/work" "$mnt/root" || exit 1
	r="$mnt/root"
	mount -t proc proc "$r/proc"
	mount -t sysfs sysfs "$r/sys"
	mount --rbind /dev "$r/dev"
	mount -t tmpfs tmpfs "$r/dev/shm"
	mount -t tmpfs tmpfs "$r/run"
	mount -t tmpfs tmpfs "$r/tmp"
	mount -t tmpfs tmpfs "$r/opt"
	[ -d "$r/work" ] && mount -t tmpfs tmpfs "$r/work"
	hostname "$node"
	echo "$node" >"$r/etc/hostname"
	if ! dpkg --root="$r" --force-not-root -i "$deb" >"$work/$node/dpkg-i.log" 2>&1; then
		echo failed >"$work/$node/ready"
		exit 1
	fi
	# The HAProxy configuration an operator writes (netns-pair.sh's: the VIP's frontend and
	# the backend on the data network).
	cp "$work/haproxy.cfg" "$r/etc/haproxy/haproxy.cfg"
	echo $$ >"$work/$node/holder.pid"
	echo ok >"$work/$node/ready"
	exec chroot "$r" sleep infinity
fi

# ---------------------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || { echo "dist/tests/two-hosts.sh: needs root (namespaces, overlayfs)" >&2; exit 1; }
started=$(date +%s%N)
work=$(mktemp -d /tmp/pacer-two-hosts.XXXXXX)
tag="p2h$$"
nsA="$tag-alpha" nsB="$tag-bravo" nsC="$tag-client"
ns_of() { case $1 in alpha) echo "$nsA" ;; bravo) echo "$nsB" ;; esac; }
other() { case $1 in alpha) echo bravo ;; bravo) echo alpha ;; esac; }
# Each node's pacerd gets a cgroup2 directory of its own below ours.
cg_mount=$(sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\) .* - cgroup2 .*/\1/p' /proc/self/mountinfo | head -n 1)
cg_own=$(sed -n 's/^0:://p' /proc/self/cgroup)
cg_base=${cg_mount:+$cg_mount${cg_own%/}}
cg_dir() { [ -n "$cg_base" ] && echo "$cg_base/pacer-two-hosts.$$.$1"; }

holder() { cat "$work/$1/holder.pid" 2>/dev/null; }
# A command on NODE's "host": its namespaces and root, a clean environment.
on() { # node command...
	local node=$1
	shift
	nsenter -t "$(holder "$node")" -m -u -n -r -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}
root_of() { echo "/proc/$(holder "$1")/root"; }

# Every process in a cgroup tree, killed (SIGKILL).
kill_cgroup() { # dir
	local dir=$1 pid
	[ -d "$dir" ] || return 0
	for _ in 1 2 3 4 5; do
		pids=$(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)
		[ -n "$pids" ] || break
		for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
		sleep 0.1
	done
}
remove_cgroup() { # dir
	local dir=$1
	[ -d "$dir" ] || return 0
	for _ in $(seq 30); do
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$dir" ] || return 0
		sleep 0.1
	done
}
cleanup() {
	for node in alpha bravo; do
		[ -f "$work/$node.pid" ] && kill -KILL "$(cat "$work/$node.pid")" 2>/dev/null
		[ -n "$(cg_dir "$node")" ] && kill_cgroup "$(cg_dir "$node")"
		[ -f "$work/$node/holder.pid" ] && kill -KILL "$(cat "$work/$node/holder.pid")" 2>/dev/null
		[ -f "$work/$node/host.pid" ] && kill -KILL "$(cat "$work/$node/host.pid")" 2>/dev/null
	done
	bash "$ROOT/scripts/netns-pair.sh" down "$tag" "$work" >/dev/null 2>&1
	for node in alpha bravo; do [ -n "$(cg_dir "$node")" ] && remove_cgroup "$(cg_dir "$node")"; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${1:-}" ]; then
	deb=$1
else
	start=$(date +%s)
	deb=$("$ROOT/scripts/package.sh" "$work/out" | tail -1)
	check "scripts/package.sh builds a .deb ($(($(date +%s) - start)) s)" [ -f "$deb" ]
	[ -f "$deb" ] || { finish; exit 1; }
fi
version=$(dpkg-deb -f "$deb" Version)
echo "# two hosts from $(basename "$deb")"

# The network: two nodes, a client, a backend (scripts/netns-pair.sh net).
bash "$ROOT/scripts/netns-pair.sh" net "$tag" "$work" >"$work/net.log" 2>&1
check "the network namespaces (scripts/netns-pair.sh net)" [ $? -eq 0 ]

# The two "hosts", installed in parallel.
start=$(date +%s%N)
for node in alpha bravo; do
	mkdir -p "$work/$node"
	ip netns exec "$(ns_of "$node")" unshare --mount --uts --propagation private \
		bash "$0" --host "$node" "$deb" "$work" >"$work/$node/host.log" 2>&1 &
	echo $! >"$work/$node/host.pid"
	disown $! # killed by PID at the end, without bash's "Killed" notice
done
for node in alpha bravo; do
	for _ in $(seq 600); do
		[ -f "$work/$node/ready" ] && break
		kill -0 "$(cat "$work/$node/host.pid")" 2>/dev/null || break
		sleep 0.1
	done
	check "$node: dpkg --root -i in its own root" [ "$(cat "$work/$node/ready" 2>/dev/null)" = ok ]
	[ "$(cat "$work/$node/ready" 2>/dev/null)" = ok ] || sed 's/^/# /' "$work/$node/dpkg-i.log" "$work/$node/host.log" 2>/dev/null
done
echo "# both hosts installed: $(ms_since "$start") ms"
[ "$failed" -eq 0 ] || { finish; exit 1; }

for node in alpha bravo; do
	check "$node: no swift command, empty /opt and /work, hostname $node, pacer $version" \
		sh -c "! nsenter -t $(holder "$node") -m -u -n -r -w sh -c 'command -v swift' >/dev/null &&
			[ -z \"\$(ls -A '$(root_of "$node")/opt')\" ] && [ -z \"\$(ls -A '$(root_of "$node")/work' 2>/dev/null)\" ] &&
			[ \"\$(nsenter -t $(holder "$node") -u hostname)\" = $node ] &&
			[ \"\$(nsenter -t $(holder "$node") -m -u -n -r -w /usr/sbin/pacer --version)\" = '$version' ]"
done

# alpha: pacer cluster init; then its export piped into bravo's import.
on alpha pacer cluster init --name lbpair --node alpha=10.99.0.1,192.168.77.11 \
	--node bravo=10.99.0.2,192.168.77.12 >"$work/init.log" 2>&1
check "alpha: pacer cluster init writes /etc/pacer/pacer.conf and the key" \
	sh -c "[ -f '$(root_of alpha)/etc/pacer/pacer.conf' ] && [ -f '$(root_of alpha)/etc/pacer/authkey' ]"
check "bravo has no configuration yet" [ ! -e "$(root_of bravo)/etc/pacer/pacer.conf" ]
on alpha pacer cluster export 2>"$work/export.err" | on bravo pacer cluster import - >"$work/import.log" 2>&1
status=("${PIPESTATUS[@]}")
check "alpha: pacer cluster export | bravo: pacer cluster import - (exit ${status[*]})" \
	[ "${status[0]}${status[1]}" = 00 ]
sed 's/^/# /' "$work/export.err" "$work/import.log"
check "bravo has alpha's pacer.conf and key, the key 0600 root" \
	sh -c "cmp -s '$(root_of alpha)/etc/pacer/pacer.conf' '$(root_of bravo)/etc/pacer/pacer.conf' &&
		cmp -s '$(root_of alpha)/etc/pacer/authkey' '$(root_of bravo)/etc/pacer/authkey' &&
		[ \"\$(stat -c '%a %U' '$(root_of bravo)/etc/pacer/authkey')\" = '600 root' ]"

# systemctl enable --now pacerd: the unit's ExecStart line, in a cgroup of its own.
exec_start=$(sed -n 's/^ExecStart=//p' "$(root_of alpha)/lib/systemd/system/pacerd.service")
echo "# ExecStart=$exec_start"
for node in alpha bravo; do
	cg=$(cg_dir "$node")
	[ -n "$cg" ] && mkdir -p "$cg"
	(
		[ -n "$cg" ] && echo "$BASHPID" >"$cg/cgroup.procs"
		# shellcheck disable=SC2086  # the unit's command line, split as systemd splits it
		exec nsenter -t "$(holder "$node")" -m -u -n -r -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 $exec_start
	) >"$work/$node.log" 2>&1 &
	echo $! >"$work/$node.pid"
	disown $!
done
both=no
start=$(date +%s%N)
for _ in $(seq 300); do
	if on alpha pacer status >"$work/status.txt" 2>&1 && grep -q 'Online:.*alpha.*bravo' "$work/status.txt"; then both=yes; break; fi
	sleep 0.1
done
check "pacerd on both; alpha's pacer status shows both online ($(ms_since "$start") ms)" [ "$both" = yes ]
[ "$both" = yes ] || sed 's/^/# /' "$work/status.txt" "$work/alpha.log" "$work/bravo.log"

# The canonical group, from the package's example with this network's VIP.
on alpha sh -c "sed 's/192\.168\.10\.80/192.168.77.80/g' /usr/share/doc/pacer/examples/proxy-pair.crm >/root/proxy-pair.crm &&
	pacer configure -f /root/proxy-pair.crm" >"$work/configure.log" 2>&1
check "alpha: pacer configure -f proxy-pair.crm" [ $? -eq 0 ]
sed 's/^/# /' "$work/configure.log"

served() { ip netns exec "$nsC" curl -s -m 1 http://192.168.77.80/ 2>/dev/null | grep -q 'hello from the backend'; }
holder_of_vip() {
	for node in alpha bravo; do
		ip -n "$(ns_of "$node")" -o addr show dev eth0 2>/dev/null | grep -q ' 192\.168\.77\.80/' && { echo "$node"; return; }
	done
}
start=$(date +%s%N)
up=no
for _ in $(seq 120); do
	served && { up=yes; break; }
	sleep 0.25
done
owner=$(holder_of_vip)
check "the client is served through the VIP 192.168.77.80 (from ${owner:-nobody}, $(ms_since "$start") ms after configure)" [ "$up" = yes ]
on alpha pacer status >"$work/status.txt" 2>&1
sed 's/^/# /' "$work/status.txt"

if [ "$up" = yes ] && [ -n "$owner" ]; then
	survivor=$(other "$owner")
	# Power-off: the links go down, its pacerd and all it started die, its addresses go.
	start=$(date +%s%N)
	ip -n "$(ns_of "$owner")" link set il0 down
	ip -n "$(ns_of "$owner")" link set eth0 down
	kill -KILL "$(cat "$work/$owner.pid")" 2>/dev/null
	[ -n "$(cg_dir "$owner")" ] && kill_cgroup "$(cg_dir "$owner")"
	ip -n "$(ns_of "$owner")" addr flush dev eth0
	again=no
	for _ in $(seq $((FAILOVER_BOUND * 4))); do
		served && { again=yes; break; }
		sleep 0.25
	done
	took=$(ms_since "$start")
	check "after $owner's power-off the client is served again within ${FAILOVER_BOUND} s (${took} ms)" [ "$again" = yes ]
	check "the VIP is on $survivor" [ "$(holder_of_vip)" = "$survivor" ]
	on "$survivor" pacer status >"$work/status.txt" 2>&1
	check "$survivor: pacer status shows proxyGroup started on $survivor" \
		sh -c "grep -q 'haproxyd.*Started $survivor' '$work/status.txt'"
	sed 's/^/# /' "$work/status.txt"
	[ "$again" = yes ] || sed 's/^/# pacerd: /' "$work/$survivor.log" | tail -40
fi

echo "# two-hosts test: $(ms_since "$started") ms"
finish
