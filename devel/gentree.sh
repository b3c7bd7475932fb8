#!/usr/bin/env bash
# Generate backports/ from a pristine upstream copy: copy, apply patches/series
# in order, stamp the provenance. Atomic: on any failure the previous
# backports/ stays as it was.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

usage() {
	cat <<'USAGE'
Usage: gentree.sh [--out DIR] PRISTINE

PRISTINE is a directory made by fetch-upstream.sh (src/ + PROVENANCE).
Applies every entry of patches/series in order: NNNN-*.cocci with spatch,
NNNN-*.patch with patch -p1. After each semantic patch its "detect" rules
(spatch -D detect, see devel/cocci-detect.sh) run on the files of its
"// Files:" header line:
  - they find the upstream construct the patch undoes, left untransformed (a
    new shape of it): the run stops with one line naming the patch, the file
    and the line of the construct;
  - the patch changed nothing in a file and they find nothing there: this
    upstream does not have the construct, there is nothing to undo; said in
    one line and recorded in PROVENANCE (PATCHES_SKIPPED).
A plain patch must apply cleanly. Writes the result to backports/ (or DIR)
atomically: on any failure the previous tree stays as it was.
USAGE
}

die() { echo "gentree: $*" >&2; exit 1; }

out="$top/backports"
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--out) out="$2"; shift 2 ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
pristine=$(cd "$1" && pwd) || die "no such directory $1"
[ -f "$pristine/PROVENANCE" ] && [ -d "$pristine/src/drivers/net/ovpn" ] ||
	die "$pristine is not a pristine upstream copy (run devel/fetch-upstream.sh)"
command -v spatch >/dev/null || die "spatch not found: install coccinelle (apt-get install coccinelle)"
# The series is checked with coccinelle 1.1.0, 1.1.1 and 1.3.0 (tests/t-spatch-versions.sh).
spver=$(spatch --version 2>/dev/null | sed -n '1s/^spatch version \([0-9.]*\).*/\1/p')
if [ -n "$spver" ] && [ "$(printf '%s\n' "$spver" 1.1.0 | sort -V | head -n1)" != 1.1.0 ]; then
	echo "gentree: note: spatch $spver is older than any checked (1.1.0); if a patch fails," \
		"use coccinelle >= 1.1.0 or the release tarball (make dist), which needs no spatch" >&2
fi

parent=$(dirname "$out")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.gentree.XXXXXX")
# shellcheck disable=SC2064 # expand now: the path is fixed
trap "rm -rf '$tmp'" EXIT

t0=$(date +%s.%N)
# The module only: the selftests, ynl, the netlink specs and the other uapi
# headers of the pristine copy are for tests/vm (tests/vm/build-tools.sh).
for f in drivers/net/ovpn include/uapi/linux/ovpn.h; do
	[ -e "$pristine/src/$f" ] || die "$pristine lacks $f"
	mkdir -p "$tmp/$(dirname "$f")"
	cp -a "$pristine/src/$f" "$tmp/$f"
done

# upstream_line "FILE:LINE: CODE": the same with the line of CODE in the upstream
# file (the detect rules ran on the patched one, where lines may have moved)
upstream_line() {
	local f="${1%%:*}" rest="${1#*:}" code line
	code="${rest#*: }"
	line=$(awk -v c="$code" '{ l = $0; gsub(/^[ \t]+|[ \t]+$/, "", l) }
		l == c { print NR; exit }' "$tmp/.orig/${f//\//_}")
	echo "$f:${line:-${rest%%:*}}: $code"
}

# apply_cocci PATCH: in place over the ovpn sources, then its detect rules
apply_cocci() {
	local p="$1" name files f log found changed=0
	name=$(basename "$p")
	files=$(sed -n 's|^// Files: *||p' "$p" | head -n1)
	[ -n "$files" ] || die "$name has no '// Files:' header line"
	mkdir -p "$tmp/.orig"
	for f in $files; do
		[ -f "$tmp/$f" ] || die "$name: $f does not exist upstream any more"
		cp "$tmp/$f" "$tmp/.orig/${f//\//_}"
	done
	log="$tmp/.spatch.log"
	# shellcheck disable=SC2086 # word splitting of the file list is intended
	if ! (cd "$tmp" && spatch --very-quiet --no-show-diff --in-place \
		--include-headers --timeout 120 --sp-file "$p" $files) >"$log" 2>&1; then
		cat "$log" >&2
		die "$name failed in spatch"
	fi
	if grep -qiE '^(error|fatal)|exception' "$log"; then
		cat "$log" >&2
		die "$name: spatch reported an error"
	fi
	# shellcheck disable=SC2086 # word splitting of the file list is intended
	found=$("$here/cocci-detect.sh" --dir "$tmp" "$p" $files 2>"$log") ||
		{ cat "$log" >&2; die "$name: its detect rules failed in spatch"; }
	if [ -n "$found" ]; then
		die "$name: $(upstream_line "${found%%$'\n'*}") is the construct this patch undoes," \
			"left untransformed (a new use or shape of it upstream: the patch needs updating)"
	fi
	for f in $files; do
		if cmp -s "$tmp/$f" "$tmp/.orig/${f//\//_}"; then
			echo "gentree: $name: nothing to undo in $f (this upstream does not have" \
				"what the patch is for): skipped" >&2
			skipped+=("$name:$f")
		else
			changed=1
		fi
	done
	[ "$changed" = 0 ] || n=$((n + 1))
	rm -rf "$tmp/.orig" "$log"
}

apply_plain() {
	local p="$1" name
	name=$(basename "$p")
	if ! patch -d "$tmp" -p1 -s --no-backup-if-mismatch -f -r - < "$p" >"$tmp/.patch.log" 2>&1; then
		sed 's/^/  /' "$tmp/.patch.log" >&2
		die "$name no longer applies: $(grep -m1 -oE 'patching file [^ ]+|can.t find file[^:]*' "$tmp/.patch.log" || echo see above)"
	fi
	rm -f "$tmp/.patch.log"
}

n=0
skipped=()
while read -r entry _; do
	case "$entry" in ''|\#*) continue ;; esac
	p="$top/patches/$entry"
	[ -f "$p" ] || die "patches/series names $entry, which does not exist"
	case "$entry" in
	*.cocci) apply_cocci "$p" ;;
	*.patch) apply_plain "$p"; n=$((n + 1)) ;;
	*) die "patches/series: $entry is neither .cocci nor .patch" ;;
	esac
done < "$top/patches/series"

# Provenance: upstream origin + this project's commit, into the module's version.
# shellcheck disable=SC1091
. "$pristine/PROVENANCE"
bp_release=$(cat "$top/VERSION")
commit=$(git -C "$top" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
version="${UPSTREAM_KVER}+bp${bp_release}"
case "$UPSTREAM_SOURCE" in
git) origin="git ${UPSTREAM_REF} ${UPSTREAM_COMMIT:0:12}" ;;
debian) origin="debian ${UPSTREAM_URL} ${UPSTREAM_REF}" ;;
tarball) origin="tarball sha256:${UPSTREAM_SHA256:0:16}" ;;
*) origin="tree ${UPSTREAM_REF:-$UPSTREAM_URL}" ;;
esac
{
	cat "$pristine/PROVENANCE"
	echo "BACKPORT_RELEASE=$bp_release"
	echo "BACKPORT_COMMIT=$commit"
	echo "PACKAGE_VERSION=$version"
	echo "PATCHES_APPLIED=$n"
	# only when there are any: the trees of the pinned and tested upstreams
	# have none, and stay byte-identical
	[ ${#skipped[@]} -eq 0 ] || echo "PATCHES_SKIPPED=\"${skipped[*]}\""
} > "$tmp/PROVENANCE"
cat > "$tmp/version.h" <<VERSION
/* Generated by devel/gentree.sh: where this tree came from. */
#define OVPN_BACKPORTS_VERSION "$version ($origin; ovpn-backports $commit)"
VERSION
rm -f "$tmp/.spatch.log"

# Swap into place.
if [ -e "$out" ]; then
	mv "$out" "$tmp.old"
fi
mv "$tmp" "$out"
rm -rf "$tmp.old"
trap - EXIT
t1=$(date +%s.%N)
printf 'gentree: %s: %d patches applied%s in %.1f s -> %s\n' "$version" "$n" \
	"${skipped[*]:+ (nothing to undo: ${skipped[*]})}" "$(echo "$t1 - $t0" | bc)" "$out" >&2
