#!/usr/bin/env bash
# Build (once, cached) the test guest's local root image: the files of the
# packages in tests/vm/guest-packages.txt (and their dependencies), /etc and
# the test tools, at their host paths, in an ext4 image that the guest mounts
# read-only as the top lower layer of its root, above the host's root over
# 9p. Under TCG every open() over 9p costs a round trip to qemu (a dynamic
# executable opens five files or more), so the guest runs about three times
# faster from the image; what is not in it still comes from the host.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'USAGE'
Usage: rootimg.sh [--list] [DIR...]

Prints the path of the root image (building it first unless a cached copy
for the same files exists): the files of tests/vm/guest-packages.txt's
packages and of their installed dependencies, /etc, the merged-/usr links,
and each DIR (e.g. the guest test tools of build-tools.sh), copied at their
host paths. The cache key covers every file's path, size and time, so a
package upgrade on the host makes a new image.
  --list   print the files that would go in, do not build
USAGE
}

die() { echo "rootimg: $*" >&2; exit 1; }

list=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--list) list=1; shift ;;
esac
dirs=("$@")

# packages: the listed ones and their installed dependencies
packages() {
	grep -vE '^\s*(#|$)' "$here/guest-packages.txt" |
		xargs apt-cache depends --recurse --installed --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances 2>/dev/null |
		grep -v '^[ <]' | sort -u
}

# usr_path: stdin's paths with a merged-/usr link (/bin, /sbin, /lib*) in
# front replaced by its target, so each file is named once
usr_path() {
	local l script=""
	for l in /bin /sbin /lib /lib64; do
		[ ! -L "$l" ] || script+="s#^$l/#$(readlink -f "$l")/#;"
	done
	sed "${script:-p;d}"
}

# files: the regular files and links that go into the image, one a line
files() {
	local p
	for p in $(packages); do dpkg -L "$p" 2>/dev/null || true; done | usr_path |
		grep -vE '^/usr/share/(doc|man|info|locale)/' |
		while read -r f; do if [ -f "$f" ] || [ -L "$f" ]; then echo "$f"; fi; done
	find /etc "${dirs[@]}" \( -type f -o -type l \) 2>/dev/null
	for p in /bin /sbin /lib /lib64; do [ ! -L "$p" ] || echo "$p"; done
}

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports/rootimg"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
files | sort -u > "$tmp/files"
[ -s "$tmp/files" ] || die "no files for the image (is $here/guest-packages.txt installed?)"
if [ "$list" = 1 ]; then cat "$tmp/files"; exit 0; fi

key=$({ cat "$0"; tr '\n' '\0' < "$tmp/files" | xargs -0 stat -c '%n %s %Y'; } | sha256sum | cut -c1-16)
img="$cache/$key.img"
exec 9>"$cache/.lock"
flock 9
# (an image unused for two days goes; one in use is touched)
find "$cache" -maxdepth 1 -name '*.img' -mtime +1 -delete
if [ -s "$img" ]; then touch "$img"; echo "$img"; exit 0; fi

t0=$(date +%s)
mkdir "$tmp/root"
tar -cf - --no-recursion -T "$tmp/files" 2>"$tmp/tar.log" | tar -xf - -C "$tmp/root" ||
	{ tail -n 5 "$tmp/tar.log" >&2; die "could not copy the files"; }
size=$(du -sm "$tmp/root" | cut -f1)
truncate -s "$((size * 5 / 4 + 64))M" "$tmp/img"
mke2fs -q -t ext4 -O ^has_journal -L vmroot -d "$tmp/root" "$tmp/img" >&2 ||
	die "mke2fs -d failed (e2fsprogs 1.43 or later is needed)"
mv "$tmp/img" "$img"
echo "rootimg: $(wc -l < "$tmp/files") files, ${size} MB, $(($(date +%s) - t0)) s: $img" >&2
echo "$img"
