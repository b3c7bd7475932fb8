#!/usr/bin/env bash
# Download Debian packages from any suite through a private apt configuration
# (never touching /etc/apt) and optionally unpack them into a prefix.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: apt-fetch.sh [--unpack DIR] [--print-version] PKG[:ARCH][=VER|/SUITE]...
       apt-fetch.sh --names PREFIX

Downloads the named Debian packages (any of bullseye, bookworm, bookworm-backports,
bookworm-security, trixie, trixie-backports, sid) into the project cache using a
private apt configuration, and prints the paths of the .deb files.
PKG alone is the newest version in any suite, PKG=VER that version,
PKG/SUITE the version SUITE has (e.g. coccinelle/trixie). ARCH is amd64 (the
default) or, for the cross builds' kernel headers, arm64, armhf or i386
or s390x (indexed for bullseye, bookworm, bookworm-security,
bookworm-backports, trixie; arm64 and s390x also trixie-backports: the
foreign test guests' userland).

  --unpack DIR      also dpkg -x every package into DIR
  --print-version   print "PKG VERSION" for each package instead of downloading
  --names PREFIX    print the names of the amd64 and all-architecture packages
                    starting with PREFIX, one a line (the index, no download)
  --update          force an apt index refresh (otherwise refreshed once a day,
                    and when the list of suites changes)
  --deps SUITE      also every package they depend on (Pre-Depends, Depends,
                    no Recommends), as apt would install them on an empty SUITE
                    system of their architecture (the :ARCH of the first; arm64
                    also has trixie-backports): a foreign test guest's userland

Environment: XDG_CACHE_HOME (cache root, default ~/.cache); APT_FETCH_MIRROR and
APT_FETCH_SECURITY_MIRROR (default: the mirrors of the machine's apt sources,
see devel/apt-mirror.sh).
USAGE
}

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports/apt"
unpack=""
printver=0
names=""
deps=""
force=0
pkgs=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--unpack) unpack="$2"; shift 2 ;;
	--print-version) printver=1; shift ;;
	--names) names="$2"; shift 2 ;;
	--update) force=1; shift ;;
	--deps) deps="$2"; shift 2 ;;
	-*) echo "apt-fetch.sh: unknown option $1" >&2; exit 2 ;;
	*) pkgs+=("$1"); shift ;;
	esac
done
[ ${#pkgs[@]} -gt 0 ] || [ -n "$names" ] || { usage >&2; exit 2; }

# Two indexes: amd64 (and all-architecture) packages of every suite, and the
# other architectures' packages of the suites with their kernels (asked for
# as PKG:ARCH, tests/t-cross.sh), refreshed only when those are asked for.
foreign=0
for p in "${pkgs[@]}"; do
	case "${p%%[=/]*}" in *:arm64|*:armhf|*:i386|*:s390x) foreign=1 ;; esac
done
key="/usr/share/keyrings/debian-archive-keyring.gpg"
# the machine's own Debian mirror and security mirror (devel/apt-mirror.sh)
read -r mirror security < <("$(dirname "$0")/apt-mirror.sh") || exit 1
lists="$cache/lists"
src="$cache/sources.list"
mkdir -p "$cache"
# One apt-fetch.sh at a time on this cache (held to the exit): the sources
# list, the index update and the downloads share its files.
exec 9>"$cache/.lock"
flock 9
if [ "$foreign" = 1 ]; then
	lists="$cache/lists-cross"
	src="$cache/sources-cross.list"
	for suite in bullseye bookworm bookworm-backports trixie; do
		echo "deb [signed-by=$key arch=arm64,armhf,i386,s390x] $mirror $suite main"
	done > "$src.new"
	echo "deb [signed-by=$key arch=arm64,armhf,i386,s390x] $security bookworm-security main" >> "$src.new"
	# OpenVPN 2.7 for the userland of the arm64 and s390x test guests
	# (tests/vm/rootimg-arch.sh)
	echo "deb [signed-by=$key arch=arm64,s390x] $mirror trixie-backports main" >> "$src.new"
else
	for suite in bullseye bookworm bookworm-backports trixie trixie-backports sid; do
		echo "deb [signed-by=$key] $mirror $suite main"
	done > "$src.new"
	sed -i "3a deb [signed-by=$key] $security bookworm-security main" "$src.new"
fi
# A changed list of suites needs a fresh index
cmp -s "$src.new" "$src" || force=1
mv "$src.new" "$src"
mkdir -p "$lists/partial" "$cache/archives/partial" "$cache/debs"

aptopts=(
	-o "Dir::Etc::SourceList=$src"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$lists"
	-o "Dir::State::status=/dev/null"
	-o "Dir::Cache=$cache"
	-o "Dir::Cache::archives=$cache/archives"
	-o "APT::Default-Release="
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
	-o "APT::Architecture=amd64"
	-o "APT::Architectures::=amd64"
)
[ "$foreign" = 0 ] || aptopts+=(-o "APT::Architectures::=arm64" -o "APT::Architectures::=armhf"
	-o "APT::Architectures::=i386" -o "APT::Architectures::=s390x" -o "Dir::Cache::pkgcache=$lists/pkgcache.bin"
	-o "Dir::Cache::srcpkgcache=$lists/srcpkgcache.bin")

stamp="$lists/.stamp"
if [ "$force" = 1 ] || [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
	apt-get "${aptopts[@]}" -qq update >&2 || {
		echo "apt-fetch.sh: apt-get update failed (is Debian's mirror reachable?)" >&2
		exit 1
	}
	touch "$stamp"
fi

# pkg_version PKG|PKG=VER|PKG/SUITE: the version to fetch (exits if there is none)
pkg_version() {
	local p="$1" name v
	case "$p" in
	*=*) echo "${p#*=}"; return ;;
	*/*)
		name="${p%/*}"
		# madison rows: "NAME | VERSION | URL SUITE/main amd64 Packages"
		v=$(apt-cache "${aptopts[@]}" madison "$name" 2>/dev/null |
			awk -F' [|] ' -v s="${p#*/}" '{ split($3, u, " "); sub("/.*", "", u[2]) }
				u[2] == s { gsub(/ /, "", $2); print $2; exit }')
		[ -n "$v" ] || { echo "apt-fetch.sh: no package $name in $p" >&2; exit 1; } ;;
	*)
		v=$(apt-cache "${aptopts[@]}" show --no-all-versions "$p" 2>/dev/null |
			sed -n 's/^Version: //p' | head -n1)
		[ -n "$v" ] || { echo "apt-fetch.sh: no package $p in any suite" >&2; exit 1; } ;;
	esac
	echo "$v"
}

if [ -n "$names" ]; then
	apt-cache "${aptopts[@]}" pkgnames "$names" | LC_ALL=C sort
	exit 0
fi

# Resolve the dependencies: apt-get's plan for an empty system of that
# architecture (its own cache file: another native architecture)
if [ -n "$deps" ]; then
	darch=amd64
	case "${pkgs[0]%%[=/]*}" in *:*) darch="${pkgs[0]%%[=/]*}"; darch="${darch##*:}" ;; esac
	aptopts+=(-o "APT::Architecture=$darch" -o "APT::Default-Release=$deps"
		-o "Dir::Cache::pkgcache=$lists/pkgcache-$darch.bin" -o "Dir::Cache::srcpkgcache=")
	plan=$(apt-get "${aptopts[@]}" -s -qq install --no-install-recommends "${pkgs[@]}") || {
		echo "apt-fetch.sh: apt cannot resolve ${pkgs[*]} in $deps for $darch" >&2
		exit 1
	}
	# "Inst NAME (VERSION SUITES [ARCH])"
	mapfile -t pkgs < <(echo "$plan" | awk '$1 == "Inst" { sub(/^\(/, "", $3); print $2 "=" $3 }')
fi

if [ "$printver" = 1 ]; then
	for p in "${pkgs[@]}"; do
		v=$(pkg_version "$p") || exit 1
		echo "${p%%[=/]*} $v"
	done
	exit 0
fi

cd "$cache/debs"
for p in "${pkgs[@]}"; do
	pkg="${p%%[=/]*}"
	name="${pkg%:*}"
	ver=$(pkg_version "$p") || exit 1
	arch="${darch:-amd64}"
	[ "$pkg" = "$name" ] || arch="${pkg##*:}"
	# apt-get download names files NAME_VER_ARCH.deb with ':' escaped as %3a
	# (the same name and version of another architecture is another file)
	existing=$(find . -maxdepth 1 \( -name "${name}_${ver//:/%3a}_$arch.deb" -o \
		-name "${name}_${ver//:/%3a}_all.deb" \) | head -n1)
	if [ -z "$existing" ]; then
		apt-get "${aptopts[@]}" -qq download "$pkg=$ver" >&2 || {
			echo "apt-fetch.sh: cannot download $pkg=$ver" >&2
			exit 1
		}
		existing=$(find . -maxdepth 1 \( -name "${name}_${ver//:/%3a}_$arch.deb" -o \
			-name "${name}_${ver//:/%3a}_all.deb" \) | head -n1)
	fi
	deb="$cache/debs/${existing#./}"
	if [ -n "$unpack" ]; then
		mkdir -p "$unpack"
		dpkg -x "$deb" "$unpack"
	fi
	echo "$deb"
done
