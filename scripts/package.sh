#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package OUTDIR/pacer_<version>_<arch>.deb from this checkout: pacer and
# pacerd in release mode with the Swift runtime linked statically (the target host needs no
# Swift), the OCF agents, the systemd unit, man pages pacer(8), pacerd(8), pacer.conf(5),
# bash completion and the maintainer scripts of dist/debian.
#
#   scripts/package.sh OUTDIR              package the last commit (HEAD), print the .deb's path
#   scripts/package.sh --worktree OUTDIR   package the working tree as it is
#   scripts/package.sh --version           print the version it would build
#
# HEAD is checked out into PACER_SCRATCH/source (only changed files are rewritten), so edits
# in the working tree, yours or anyone's, neither leak into the package nor disturb the build.
# The version comes from git describe: a tag vX.Y.Z gives X.Y.Z (X.Y.Z+gitN.HASH N commits
# later); without a tag it is NEXT~gitDATE.HASH, NEXT being the development version in
# Sources/CPacerSys/pacer_version.c ("0.3.0" of "0.3.0-dev") and DATE the commit's date;
# --worktree appends ".dirty" when the working tree differs from HEAD. It is compiled in
# (-DPACER_VERSION, printed by pacer --version and pacerd --version): no tracked file changes.
# Environment: PACER_SCRATCH (build directory, default .build-release), DEBFULLNAME and
# DEBEMAIL (the Maintainer field; default the last commit's author).
set -euo pipefail

usage() { echo "usage: scripts/package.sh [--worktree] OUTDIR | --version" >&2; exit 64; }
worktree=no
if [ "${1:-}" = --worktree ]; then worktree=yes; shift; fi
[ $# -eq 1 ] || usage
case "$1" in -h|--help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

package_version() {
  local describe base hash date version
  describe=$(git describe --tags --match 'v[0-9]*' "$commit" 2>/dev/null || true)
  if [ -n "$describe" ]; then
    version=${describe#v}
    if [[ $version =~ ^(.*)-([0-9]+)-g([0-9a-f]+)$ ]]; then
      version="${BASH_REMATCH[1]}+git${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
    fi
    version=${version//-/.}
  else
    base=$(sed -n 's/^#define PACER_VERSION "\(.*\)-dev"$/\1/p' Sources/CPacerSys/pacer_version.c)
    [ -n "$base" ] || { echo "package.sh: no development version in Sources/CPacerSys/pacer_version.c" >&2; exit 1; }
    hash=$(git rev-parse --short=7 "$commit")
    date=$(git log -1 --format=%cd --date=format:%Y%m%d "$commit")
    version="${base}~git${date}.${hash}"
  fi
  if [ "$worktree" = yes ] && ! git diff --quiet "$commit" --; then version="$version.dirty"; fi
  echo "$version"
}

# One commit throughout, even if HEAD moves meanwhile.
commit=$(git rev-parse HEAD)
if [ "$1" = --version ]; then package_version; exit 0; fi
case "$1" in -*) usage ;; esac
mkdir -p "$1"
out=$(cd "$1" && pwd)

export PATH="/opt/swift/usr/bin:$PATH"
version=$(package_version)
arch=$(dpkg --print-architecture)
scratch=${PACER_SCRATCH:-$repo/.build-release}
# Reproducible: file dates, man page dates and the changelog take the commit's time.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct "$commit")
export SOURCE_DATE_EPOCH
date_iso=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
described=$(git describe --tags --always "$commit")
[ "$version" = "${version%.dirty}" ] || described="$described-dirty"
maintainer="${DEBFULLNAME:-$(git log -1 --format=%an "$commit")} <${DEBEMAIL:-$(git log -1 --format=%ae "$commit")}>"
started=$(date +%s)

mkdir -p "$scratch"
# One package build at a time per build directory (several people share a checkout).
exec 9>"$scratch/package.lock"
flock 9
if [ "$worktree" = yes ]; then
  src=$repo
else
  # HEAD in a directory of its own, through an index of its own (the checkout's is untouched).
  src="$scratch/source"
  export GIT_INDEX_FILE="$scratch/source.index"
  if [ -d "$src" ] && [ -f "$GIT_INDEX_FILE" ]; then
    git --work-tree="$src" read-tree -m -u "$commit" || { rm -rf "$src"; mkdir -p "$src"; git --work-tree="$src" read-tree --reset -u "$commit"; }
  else
    rm -rf "$src" "$GIT_INDEX_FILE"
    mkdir -p "$src"
    git --work-tree="$src" read-tree --reset -u "$commit"
  fi
  unset GIT_INDEX_FILE
  [ -f Package.resolved ] && cp -p Package.resolved "$src/Package.resolved"
fi
cd "$src"
echo "package.sh: pacer $version ($arch) from $src, building in $scratch"
# Static Swift runtime; bind now + relro as Debian's hardening asks.
flags=(-c release --package-path "$src" --scratch-path "$scratch" --static-swift-stdlib -Xcc "-DPACER_VERSION=\"$version\""
  -Xlinker -z -Xlinker now -Xlinker -z -Xlinker relro)
swift build "${flags[@]}" --product pacer >"$scratch/package.log" 2>&1 || { tail -40 "$scratch/package.log" >&2; exit 1; }
swift build "${flags[@]}" --product pacerd >>"$scratch/package.log" 2>&1 || { tail -40 "$scratch/package.log" >&2; exit 1; }
bin=$(swift build "${flags[@]}" --show-bin-path)
built=$(date +%s)
if ldd "$bin/pacer" "$bin/pacerd" | grep -q /opt/swift; then
  echo "package.sh: the binaries still link Swift's shared runtime:" >&2
  ldd "$bin/pacer" "$bin/pacerd" | grep /opt/swift >&2
  exit 1
fi
got=$("$bin/pacer" --version)
[ "$got" = "$version" ] || { echo "package.sh: pacer --version prints '$got', expected '$version'" >&2; exit 1; }

# swift-argument-parser's generate-manual (a host tool, built once beside the package build).
manual_tool="$scratch/tools/debug/generate-manual"
if [ ! -x "$manual_tool" ]; then
  swift build --package-path "$scratch/checkouts/swift-argument-parser" --scratch-path "$scratch/tools" \
    --product generate-manual >>"$scratch/package.log" 2>&1 || { tail -40 "$scratch/package.log" >&2; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/pacer"
doc="$root/usr/share/doc/pacer"
install -d -m 0755 "$root/DEBIAN" "$root/usr/sbin" "$root/usr/lib/ocf/resource.d/pacer" \
  "$root/usr/lib/ocf/resource.d/heartbeat" "$root/lib/systemd/system" "$root/etc/pacer" \
  "$root/usr/share/man/man5" "$root/usr/share/man/man8" "$root/usr/share/bash-completion/completions" \
  "$doc/examples"

# Binaries, stripped as dh_strip does.
for b in pacer pacerd; do
  install -m 0755 "$bin/$b" "$root/usr/sbin/$b"
  strip --remove-section=.comment --remove-section=.note "$root/usr/sbin/$b"
done
# Agents under provider pacer; the heartbeat/ names are links postinst makes (and postrm removes).
for a in heartbeat/VIPcheck heartbeat/haproxy pacer/IPaddr2 pacer/Dummy; do
  install -m 0755 "agents/$a" "$root/usr/lib/ocf/resource.d/pacer/${a#*/}"
done
install -m 0644 dist/pacerd.service "$root/lib/systemd/system/pacerd.service"
install -m 0644 dist/pacer.conf.example "$root/etc/pacer/pacer.conf.example"

# Man pages: pacer(8) generated from the command's own help, the others from dist/man.
"$manual_tool" "$bin/pacer" --section 8 --date "$date_iso" -o "$work" >>"$scratch/package.log" 2>&1
printf '\n.Sh SEE ALSO\n.Xr pacerd 8 ,\n.Xr pacer.conf 5 ,\n.Xr crm 8 ,\n.Xr crm_mon 8\n' >>"$work/pacer.8"
for page in "$work/pacer.8" dist/man/pacerd.8 dist/man/pacer.conf.5; do
  name=$(basename "$page")
  sed -e "s/^\(\.TH [^ ]* [0-9]\) \"[^\"]*\" \"Pacer\"/\1 \"$date_iso\" \"Pacer $version\"/" -e "s/^\.Os$/.Os Pacer $version/" "$page" |
    gzip -9n >"$root/usr/share/man/man${name##*.}/$name.gz"
done
# Completion files are sourced, not run: no #! line.
"$bin/pacer" --generate-completion-script bash | sed '1{/^#!/d}' >"$root/usr/share/bash-completion/completions/pacer"

# Documentation (README.md stays uncompressed: the unit's Documentation= names it).
install -m 0644 README.md "$doc/README.md"
gzip -9n <SECURITY.md >"$doc/SECURITY.md.gz"
gzip -9n <agents/README.md >"$doc/README.agents.md.gz"
install -m 0644 dist/debian/copyright "$doc/copyright"
install -m 0644 cib-examples/proxy-pair.crm cib-examples/proxy-pair.xml "$doc/examples/"
{
  echo "pacer ($version) unstable; urgency=medium"
  echo
  echo "  * Built by scripts/package.sh from git $described."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"

# Control area.
install -m 0755 dist/debian/postinst dist/debian/prerm dist/debian/postrm "$root/DEBIAN/"
echo /etc/pacer/pacer.conf.example >"$root/DEBIAN/conffiles"
mkdir -p "$work/shlibs/debian"
printf 'Source: pacer\n\nPackage: pacer\nArchitecture: any\n' >"$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$root/usr/sbin/pacer" -e"$root/usr/sbin/pacerd" 2>/dev/null)
shlibs=${shlibs#shlibs:Depends=}
[ -n "$shlibs" ] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
installed_size=$(du -s -k --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
  -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@DEPENDS@|adduser, $shlibs|" \
  dist/debian/control.in >"$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

deb="$out/pacer_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "package.sh: built in $((built - started)) s, packaged in $(($(date +%s) - built)) s: $(du -k "$deb" | cut -f1) KiB"
echo "$deb"
