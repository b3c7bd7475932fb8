#!/usr/bin/env bash
# Make an "older upstream" input for gentree from the pinned one, with no
# download: copy its module sources and revert in the copy, with the plain
# patches of this directory that the shape lists (shapes), the upstream changes
# the semantic patches (and the compat shims) exist for.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/older-upstream/derive.sh SHAPE PRISTINE OUT
       tests/older-upstream/derive.sh --list

PRISTINE is a pristine upstream copy (devel/fetch-upstream.sh, the pin). OUT
becomes one too (src/ + PROVENANCE, the module part only) in the shape of an
older upstream release: SHAPE is a line of tests/older-upstream/shapes (v6.16,
v6.17, v6.18, v7.0; --list prints them), whose patches are applied in the order
given. NNNN-*.patch reverts the
upstream change patches/NNNN exists for, so gentree sees the older shape of
that construct, or none; compat-*.patch goes back to an older call of an API
that a compat/ shim provides, which the shim must take too (see each header).
Fails if a patch does not apply (the pin moved on: refresh the patches).
USAGE
}
here=$(cd "$(dirname "$0")" && pwd)
shapes() { sed -n 's/^\(v[0-9][^[:space:]]*\).*/\1/p' "$here/shapes"; }
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--list) shapes; exit 0 ;;
esac
[ $# -eq 3 ] || { usage >&2; exit 2; }
shape="$1" pristine="$2" out="$3"
patches=()
read -r -a patches < <(awk -v s="$shape" '$1 == s { $1 = ""; print }' "$here/shapes") || true
[ "${#patches[@]}" -gt 0 ] ||
	{ echo "derive: no shape '$shape' in tests/older-upstream/shapes (known: $(shapes | xargs))" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out/src/drivers/net" "$out/src/include/uapi/linux"
cp -a "$pristine/src/drivers/net/ovpn" "$out/src/drivers/net/"
cp "$pristine/src/include/uapi/linux/ovpn.h" "$out/src/include/uapi/linux/"
# (the module version string then says it is not the pinned release itself)
sed "s/^UPSTREAM_REF=.*/&-shape-$shape/" "$pristine/PROVENANCE" > "$out/PROVENANCE"
for p in "${patches[@]/#/$here/}"; do
	p="$p.patch"
	[ -f "$p" ] || { echo "derive: shapes names $(basename "$p"), which does not exist" >&2; exit 1; }
	patch -d "$out/src" -p1 -s --no-backup-if-mismatch -f < "$p" >"$out/patch.log" 2>&1 ||
		{ cat "$out/patch.log" >&2; echo "derive: $(basename "$p") does not apply to $pristine" >&2; exit 1; }
done
rm -f "$out/patch.log"
