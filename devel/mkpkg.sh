#!/usr/bin/env bash
# Build the ovpn-backports-dkms .deb or .rpm from a release tarball (devel/dist.sh):
# no coccinelle, no network, only what the tarball and debian/ or the spec hold.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

usage() {
	cat <<'USAGE'
Usage: mkpkg.sh [--out DIR] deb|rpm TARBALL

deb: builds the source package ovpn-backports and the binary package
     DIR/ovpn-backports-dkms_<version>-1_all.deb (debhelper + dh-dkms, from
     debian/; control and changelog made by devel/subst.sh), and prints the
     paths of the .deb and the .changes.
rpm: builds DIR/ovpn-backports-dkms-<version>-1.noarch.rpm with rpmbuild -tb
     from the spec the tarball ships (ovpn-backports-dkms.spec) and prints its
     path.
DIR defaults to dist/. TARBALL is ovpn-backports-<version>.tar.xz.
USAGE
}

out="$top/dist"
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--out) out="$2"; shift 2 ;;
esac
[ $# -eq 2 ] || { usage >&2; exit 2; }
kind="$1"
tarball=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")

die() { echo "mkpkg: $*" >&2; exit 1; }

[ -f "$tarball" ] || die "no tarball $tarball (run make dist)"
base=$(basename "$tarball" .tar.xz)
version="${base#ovpn-backports-}"
[ "$version" != "$base" ] || die "$tarball is not ovpn-backports-<version>.tar.xz"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.mkpkg.XXXXXX")
# shellcheck disable=SC2064 # expand now: the path is fixed
trap "rm -rf '$work'" EXIT

# The tarball's time stamp (every member has the same mtime) dates the changelogs.
epoch=$(tar -tvf "$tarball" --full-time "$base/backports/PROVENANCE" | awk '{print $4" "$5}')
epoch=$(date -u -d "$epoch" +%s)

case "$kind" in
deb)
	command -v dpkg-buildpackage >/dev/null && [ -x /usr/bin/dh_dkms ] ||
		die "install debhelper and dh-dkms (apt-get install debhelper dh-dkms)"
	cp "$tarball" "$work/ovpn-backports_$version.orig.tar.xz"
	tar -C "$work" -xf "$tarball"
	src="$work/$base"
	cp -a "$top/debian" "$src/"
	for f in control changelog; do
		"$here/subst.sh" --provenance "$src/backports/PROVENANCE" --epoch "$epoch" \
			"$src/debian/$f.in" > "$src/debian/$f"
		rm "$src/debian/$f.in"
	done
	(cd "$src" && SOURCE_DATE_EPOCH=$epoch dpkg-buildpackage -us -uc -sa >"$work/build.log" 2>&1) || {
		tail -n 30 "$work/build.log" >&2
		die "dpkg-buildpackage failed"
	}
	for f in "$work"/*.deb "$work"/*.changes "$work"/*.dsc "$work"/*.debian.tar.* \
		"$work"/*.buildinfo "$work"/*.orig.tar.xz; do
		mv -f "$f" "$out/"
	done
	echo "$out/ovpn-backports-dkms_${version}-1_all.deb"
	echo "$out/ovpn-backports_${version}-1_$(dpkg --print-architecture).changes"
	;;
rpm)
	command -v rpmbuild >/dev/null || die "install rpm (apt-get install rpm)"
	mkdir -p "$work/rpm"
	SOURCE_DATE_EPOCH=$epoch rpmbuild -tb --nodeps \
		--define "_topdir $work/rpm" \
		--define "_buildhost ovpn-backports" \
		--define "packager $(sed -n 's/^Maintainer: //p' "$top/debian/control.in")" \
		--define "use_source_date_epoch_as_buildtime 1" \
		--define "clamp_mtime_to_source_date_epoch 1" \
		"$tarball" >"$work/build.log" 2>&1 || {
		tail -n 30 "$work/build.log" >&2
		die "rpmbuild failed"
	}
	rpm="$work/rpm/RPMS/noarch/ovpn-backports-dkms-$version-1.noarch.rpm"
	[ -f "$rpm" ] || die "rpmbuild made no $(basename "$rpm")"
	mv -f "$rpm" "$out/"
	echo "$out/$(basename "$rpm")"
	;;
*) usage >&2; exit 2 ;;
esac
