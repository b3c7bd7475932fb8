#!/usr/bin/env bash
# Fetch the pristine upstream ovpn sources into the cache and record where
# they came from. Prints the directory of the pristine copy.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

usage() {
	cat <<'USAGE'
Usage: fetch-upstream.sh [SOURCE]

SOURCE (default: the pin in upstream.pin) is one of
  git:URL@REF                a kernel git repository and a tag, branch or commit
  DIR                        a local kernel tree (must contain drivers/net/ovpn)
  FILE.tar.{xz,gz,bz2,zst}   a kernel source tarball
  debian:linux-source-X.Y[=VERSION]
                             Debian's kernel source package, from the mirror
  pin                        the pin: its git ref, or its Debian package where
                             git cannot reach the ref (said on stderr)

Copies drivers/net/ovpn, include/uapi/linux/ovpn.h, the ovpn selftests and what
they use (kselftest helpers, tools/net/ynl, the netlink specs, the uapi headers
ovpn-cli needs) into ${XDG_CACHE_HOME:-~/.cache}/ovpn-backports/upstream/ID/
with a PROVENANCE file, and prints that directory. devel/gentree.sh makes
backports/ from the module part; tests/vm/build-tools.sh takes the rest.
USAGE
}

die() { echo "fetch-upstream: $*" >&2; exit 1; }
log() { echo "fetch-upstream: $*" >&2; }

case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }
source="${1:-pin}"
[ -n "$source" ] || source=pin

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
mkdir -p "$cache/upstream"
# One fetch at a time: a second one waits and then finds the copy cached
# (finish() replaces a copy that another run may be reading).
exec 9>"$cache/upstream/.lock"
flock 9

# Paths taken from a kernel tree, relative to its top.
PATHS=(
	Makefile
	drivers/net/ovpn
	include/uapi/linux/ovpn.h
	include/uapi/linux/if_link.h
	include/uapi/linux/udp.h
	tools/testing/selftests/net/ovpn
	tools/testing/selftests/kselftest
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/lib.mk
	tools/net/ynl/pyynl
	Documentation/netlink
)

# copy_paths SRC DST: copy the PATHS from kernel tree SRC into DST
copy_paths() {
	local p
	[ -d "$1/drivers/net/ovpn" ] || die "$1 has no drivers/net/ovpn (ovpn is in Linux" \
		"$(. "$top/scripts/kernel-range.conf" && echo "$OVPN_KERNEL_INTREE") and later)"
	for p in "${PATHS[@]}"; do
		[ -e "$1/$p" ] || die "$1 lacks $p"
		mkdir -p "$2/$(dirname "$p")"
		cp -a "$1/$p" "$2/$p"
	done
}

# kernel_version DIR: "X.Y.Z" from a kernel tree's top Makefile
kernel_version() {
	awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} /^SUBLEVEL =/{s=$3}
	     END{print v "." p "." s}' "$1/Makefile"
}

# finish TMP ID: write the version into PROVENANCE and move TMP into place
finish() {
	local tmp="$1" id="$2" dst="$cache/upstream/$2"
	echo "UPSTREAM_KVER=$(kernel_version "$tmp/src")" >> "$tmp/PROVENANCE"
	rm -rf "$dst"
	mv "$tmp" "$dst"
	echo "$dst"
}

# newtmp: make a scratch dir in $tmp, removed on exit unless moved into place
newtmp() {
	tmp=$(mktemp -d "$cache/upstream/.tmp.XXXXXX")
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -rf '$tmp'" EXIT
}

# extract_tarball TARBALL DST: the PATHS only
extract_tarball() {
	local tb="$1" dst="$2" topdir p pats=()
	# head closes the pipe early: tar's SIGPIPE is expected here
	topdir=$(set +o pipefail; tar -tf "$tb" 2>/dev/null | head -n1 | cut -d/ -f1)
	[ -n "$topdir" ] || die "cannot read tarball $tb"
	for p in "${PATHS[@]}"; do pats+=("$topdir/$p"); done
	mkdir -p "$dst/x"
	tar -C "$dst/x" -xf "$tb" "${pats[@]}" 2>/dev/null ||
		die "$tb does not hold the ovpn sources (need ${PATHS[*]})"
	mv "$dst/x/$topdir" "$dst/src"
	rm -rf "$dst/x"
}

from_git() {
	local spec="$1" url ref sha tmp id
	url="${spec%@*}"
	ref="${spec##*@}"
	[ "$url" != "$spec" ] && [ -n "$ref" ] || die "git source must be git:URL@REF, got git:$spec"
	sha=$(timeout 120 git ls-remote "$url" "$ref" "$ref^{}" 2>/dev/null | tail -n1 | cut -f1) || true
	if [ -z "$sha" ]; then
		# Maybe REF is a commit id: ls-remote cannot list those.
		if [[ "$ref" =~ ^[0-9a-f]{7,40}$ ]] && timeout 120 git ls-remote "$url" >/dev/null 2>&1; then
			sha="$ref"
		else
			die "cannot reach ref '$ref' at $url (no network, or no such ref)"
		fi
	fi
	id="git-$sha"
	if [ -e "$cache/upstream/$id/PROVENANCE" ]; then
		echo "$cache/upstream/$id"
		return
	fi
	newtmp
	log "cloning $url at $ref ($sha)"
	git init -q "$tmp/repo"
	git -C "$tmp/repo" remote add origin "$url"
	timeout 1800 git -C "$tmp/repo" fetch -q --depth 1 --filter=blob:none origin "$sha" 2>/dev/null ||
		timeout 1800 git -C "$tmp/repo" fetch -q --depth 1 origin "$sha" ||
		die "cannot fetch $sha from $url"
	git -C "$tmp/repo" sparse-checkout set --no-cone "${PATHS[@]/#//}" >/dev/null
	git -C "$tmp/repo" checkout -q FETCH_HEAD || die "cannot check out $sha"
	copy_paths "$tmp/repo" "$tmp/src"
	rm -rf "$tmp/repo"
	printf 'UPSTREAM_SOURCE=git\nUPSTREAM_URL=%s\nUPSTREAM_REF=%s\nUPSTREAM_COMMIT=%s\n' \
		"$url" "$ref" "$sha" > "$tmp/PROVENANCE"
	finish "$tmp" "$id"
}

from_dir() {
	local dir tmp desc=""
	dir=$(cd "$1" && pwd)
	newtmp
	copy_paths "$dir" "$tmp/src"
	if git -C "$dir" rev-parse --git-dir >/dev/null 2>&1; then
		desc=$(git -C "$dir" describe --always --dirty 2>/dev/null || true)
	fi
	printf 'UPSTREAM_SOURCE=dir\nUPSTREAM_URL=%s\nUPSTREAM_REF=%s\n' "$dir" "$desc" \
		> "$tmp/PROVENANCE"
	finish "$tmp" "dir-$(echo "$dir" | sha256sum | cut -c1-16)"
}

from_tarball() {
	local tb sum id tmp
	tb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	sum=$(sha256sum "$tb" | cut -d' ' -f1)
	id="tar-${sum:0:16}"
	if [ -e "$cache/upstream/$id/PROVENANCE" ]; then
		echo "$cache/upstream/$id"
		return
	fi
	newtmp
	log "extracting $tb"
	extract_tarball "$tb" "$tmp"
	printf 'UPSTREAM_SOURCE=tarball\nUPSTREAM_URL=%s\nUPSTREAM_SHA256=%s\n' "$tb" "$sum" \
		> "$tmp/PROVENANCE"
	finish "$tmp" "$id"
}

from_debian() {
	local spec="$1" pkg ver deb id tmp tb sum
	pkg="${spec%%=*}"
	[[ "$pkg" =~ ^linux-source-[0-9]+\.[0-9]+$ ]] ||
		die "debian source must be debian:linux-source-X.Y[=VERSION], got debian:$spec"
	if [ "$pkg" != "$spec" ]; then
		ver="${spec#*=}"
	else
		ver=$("$here/apt-fetch.sh" --print-version "$pkg" | cut -d' ' -f2) ||
			die "Debian has no package $pkg"
	fi
	id="debian-$pkg-$ver"
	id="${id//[~:]/_}"
	if [ -e "$cache/upstream/$id/PROVENANCE" ]; then
		echo "$cache/upstream/$id"
		return
	fi
	deb=$("$here/apt-fetch.sh" "$pkg=$ver") || die "cannot download $pkg=$ver from Debian's mirror"
	newtmp
	log "extracting $(basename "$deb")"
	dpkg -x "$deb" "$tmp/deb"
	tb=$(find "$tmp/deb/usr/src" -maxdepth 1 -name "$pkg.tar.*" | head -n1)
	[ -n "$tb" ] || die "$deb holds no kernel tarball"
	extract_tarball "$tb" "$tmp"
	sum=$(sha256sum "$deb" | cut -d' ' -f1)
	rm -rf "$tmp/deb"
	printf 'UPSTREAM_SOURCE=debian\nUPSTREAM_URL=%s\nUPSTREAM_REF=%s\nUPSTREAM_SHA256=%s\n' \
		"$pkg" "$ver" "$sum" > "$tmp/PROVENANCE"
	finish "$tmp" "$id"
}

from_pin() {
	local UPSTREAM_VERSION UPSTREAM_GIT UPSTREAM_DEBIAN out kver
	# shellcheck source=upstream.pin
	. "$top/upstream.pin"
	if out=$( (from_git "$UPSTREAM_GIT") 2>/dev/null); then
		:
	else
		log "git ${UPSTREAM_GIT} is not reachable; using the pinned Debian package $UPSTREAM_DEBIAN"
		out=$(from_debian "$UPSTREAM_DEBIAN")
	fi
	kver=$(sed -n 's/^UPSTREAM_KVER=//p' "$out/PROVENANCE")
	[ "$kver" = "$UPSTREAM_VERSION" ] ||
		die "pinned $UPSTREAM_VERSION but the source is Linux $kver"
	echo "$out"
}

case "$source" in
pin) from_pin ;;
git:*) from_git "${source#git:}" ;;
debian:*) from_debian "${source#debian:}" ;;
*)
	if [ -d "$source" ]; then
		from_dir "$source"
	elif [ -f "$source" ]; then
		from_tarball "$source"
	else
		die "unknown source '$source' (want git:URL@REF, a kernel tree, a tarball or debian:linux-source-X.Y)"
	fi
	;;
esac
