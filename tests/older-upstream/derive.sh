#!/usr/bin/env bash
# Make an "older upstream" input for gentree from the pinned one, with no
# download: copy its module sources and revert in the copy, with the plain
# patches of this directory, the upstream changes the semantic patches (and
# the compat shims) exist for.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/older-upstream/derive.sh PRISTINE OUT

PRISTINE is a pristine upstream copy (devel/fetch-upstream.sh, the pin). OUT
becomes one too (src/ + PROVENANCE, the module part only) with every
tests/older-upstream/*.patch applied in name order: NNNN-*.patch reverts the
upstream change patches/NNNN exists for, so gentree sees the older shape of
that construct, or none; compat-*.patch goes back to an older call of an API
that a compat/ shim provides, which the shim must take too (see each header).
Fails if a patch does not apply (the pin moved on: refresh the patches).
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -eq 2 ] || { usage >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
pristine="$1" out="$2"

rm -rf "$out"
mkdir -p "$out/src/drivers/net" "$out/src/include/uapi/linux"
cp -a "$pristine/src/drivers/net/ovpn" "$out/src/drivers/net/"
cp "$pristine/src/include/uapi/linux/ovpn.h" "$out/src/include/uapi/linux/"
# (the module version string then says it is not the pinned release itself)
sed 's/^UPSTREAM_REF=.*/&-older/' "$pristine/PROVENANCE" > "$out/PROVENANCE"
for p in "$here"/*.patch; do
	patch -d "$out/src" -p1 -s --no-backup-if-mismatch -f < "$p" >"$out/patch.log" 2>&1 ||
		{ cat "$out/patch.log" >&2; echo "derive: $(basename "$p") does not apply to $pristine" >&2; exit 1; }
done
rm -f "$out/patch.log"
