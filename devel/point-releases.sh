#!/usr/bin/env bash
# List the Debian kernel point releases of each series that Debian's mirror has,
# from the package index at run time, as kernel names for fetch-kernel.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# The series: a name and the ERE its ABIs match (6.12 is built twice, for
# bookworm-backports with gcc 12 and for trixie with gcc 14)
SERIES="5.10 6.1 6.12+deb12 6.12+deb13 7.2 7.3"

usage() {
	cat <<USAGE
Usage: point-releases.sh [--newest] [--arch ARCH] [SERIES...]

Prints one line per Debian point release of each SERIES (default: $SERIES)
with headers on Debian's mirror (devel/apt-fetch.sh's index, refreshed once a
day): "SERIES KERNEL", KERNEL a name for fetch-kernel.sh (debian-ABI, e.g.
debian-6.1.0-57, with -ARCH for ARCH other than amd64), oldest first.
  --newest   only the newest point release of each series
  --arch A   Debian architecture (amd64, arm64, armhf, i386); default amd64
  --series   print the default series and exit
Exits non-zero, naming it, when a series has no point release at all.
USAGE
}

newest=0 arch=amd64
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--newest) newest=1; shift ;;
	--series) echo "$SERIES"; exit 0 ;;
	--arch) arch="$2"; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
series=("$@")
# shellcheck disable=SC2206 # the default list is space-separated on purpose
[ ${#series[@]} -gt 0 ] || series=($SERIES)

# series_ere SERIES: the ERE of the ABIs of SERIES
series_ere() {
	local s="$1" mm
	mm="${s%%+*}"
	mm="${mm//./\\.}"
	case "$s" in
	*+deb*) echo "^$mm\\.[0-9]+\\+${s#*+}\$" ;;
	5.*|6.*) echo "^$mm\\.0-[0-9]+\$" ;;
	*) echo "^$mm\\.[0-9]+\\+deb[0-9]+\$" ;;
	esac
}

# The ABIs with a -common headers package (every architecture's headers need it)
abis=$("$here/apt-fetch.sh" --names linux-headers- |
	sed -n 's/^linux-headers-\([0-9].*\)-common$/\1/p' | sort -uV)
[ -n "$abis" ] || { echo "point-releases: the package index lists no kernel headers" >&2; exit 1; }
suffix=""
[ "$arch" = amd64 ] || suffix="-$arch"
rc=0
for s in "${series[@]}"; do
	found=$(grep -E "$(series_ere "$s")" <<< "$abis" || true)
	if [ -z "$found" ]; then
		echo "point-releases: Debian's mirror has no point release of $s" >&2
		rc=1
		continue
	fi
	[ "$newest" = 0 ] || found=$(tail -n1 <<< "$found")
	while read -r abi; do
		echo "$s debian-$abi$suffix"
	done <<< "$found"
done
exit "$rc"
