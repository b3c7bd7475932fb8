#!/usr/bin/env bash
# Make the reproducible release tarball: the pre-generated backports/ tree and
# everything a build (plain make, DKMS, .deb, .rpm) reads, nothing it does not.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

usage() {
	cat <<'USAGE'
Usage: dist.sh [--out DIR] [--version VERSION]

Writes DIR/ovpn-backports-<version>.tar.xz (DIR default: dist/) and prints its
path. <version> is PACKAGE_VERSION of backports/PROVENANCE (what modinfo shows).
The tarball holds the DKMS tree (the Makefile's DKMS_TREE: backports/ with
the module sources, version.h and PROVENANCE, compat/, scripts/, Kbuild,
Makefile, dkms.conf), ovpn-backports-dkms.spec, README.md and COPYING.

Reproducible: same input, same bytes. Every mtime is SOURCE_DATE_EPOCH, else
the time of the last commit; owner 0:0, names sorted, xz -T1 -6.

  --version V   package as version V instead (PROVENANCE, version.h, dkms.conf
                and the spec say V): for testing upgrades
USAGE
}

out="$top/dist"
version=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--out) out="$2"; shift 2 ;;
	--version) version="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done

die() { echo "dist: $*" >&2; exit 1; }

prov="$top/backports/PROVENANCE"
[ -f "$prov" ] || die "backports/ is missing: run 'make sources' first"
orig_version=$(sed -n 's/^PACKAGE_VERSION=//p' "$prov")
[ -n "$orig_version" ] || die "$prov has no PACKAGE_VERSION"
version="${version:-$orig_version}"
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || die "bad version '$version'"

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	epoch="$SOURCE_DATE_EPOCH"
elif epoch=$(git -C "$top" log -1 --format=%ct 2>/dev/null) && [ -n "$epoch" ]; then
	:
else
	epoch=$(stat -c %Y "$prov")
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
name="ovpn-backports-$version"
stage=$(mktemp -d "$out/.dist.XXXXXX")
# shellcheck disable=SC2064 # expand now: the path is fixed
trap "rm -rf '$stage'" EXIT
d="$stage/$name"
# The DKMS tree (one list, the Makefile's DKMS_TREE: scripts/ is what a build
# on the user's machine reads; devel/ is not shipped), the docs and the spec.
make -s -C "$top" dkms-tree DEST="$d" >&2
cp -a "$top/README.md" "$top/COPYING" "$d/"

if [ "$version" != "$orig_version" ]; then
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=$version/" "$d/backports/PROVENANCE"
	sed -i "s/OVPN_BACKPORTS_VERSION \"$orig_version /OVPN_BACKPORTS_VERSION \"$version /" \
		"$d/backports/version.h"
	grep -q "\"$version " "$d/backports/version.h" || die "cannot set the version in version.h"
fi
subst=("$top/devel/subst.sh" --provenance "$d/backports/PROVENANCE" --epoch "$epoch")
"${subst[@]}" "$top/dkms.conf.in" > "$d/dkms.conf"
"${subst[@]}" "$top/rpm/ovpn-backports-dkms.spec.in" > "$d/ovpn-backports-dkms.spec"

tarball="$out/$name.tar.xz"
tar -C "$stage" --sort=name --format=gnu --mtime="@$epoch" \
	--owner=0 --group=0 --numeric-owner --mode='u+rw,go-w,a+rX' \
	-cf - "$name" | xz -T1 -6 -c > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "$tarball"
