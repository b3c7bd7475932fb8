#!/usr/bin/env bash
# Build and install ovpn with DKMS for each kernel: skipped kernels are named
# with the reason, failed builds with their log. The one per-kernel DKMS loop
# (make dkms-install and the .rpm's %post run it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'USAGE'
Usage: dkms-kernels.sh [--force] VERSION [KERNEL_RELEASE...]

For each KERNEL_RELEASE (default: every kernel with headers, /lib/modules/*/build)
runs `dkms build` and `dkms install` (with --force if given) of ovpn/VERSION,
which must be added to DKMS already. A kernel DKMS skips because of the
BUILD_EXCLUSIVE range of dkms.conf (exit 77 on DKMS 3.0.11 and later and on
Debian's 3.0.10; exit 9 on DKMS 2.8 and upstream 3.0.10) is reported as skipped,
with the reason (scripts/dkms-notice.sh). A failed build is reported with the
end of its make.log. Exits 1 if a build or install failed, else 0.
USAGE
}
force=()
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--force) force=(--force); shift ;;
esac
[ $# -ge 1 ] || { usage >&2; exit 2; }
version="$1"
shift
kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	for k in /lib/modules/*/build; do
		[ -e "$k" ] && kernels+=("$(basename "$(dirname "$k")")")
	done
fi

failed=0
for kver in "${kernels[@]}"; do
	rc=0
	out=$(dkms build -m ovpn -v "$version" -k "$kver" 2>&1) || rc=$?
	if [ "$rc" -eq 9 ] && grep -q 'BUILD_EXCLUSIVE' <<< "$out"; then
		rc=77
	fi
	case "$rc" in
	0)
		if out=$(dkms install -m ovpn -v "$version" -k "$kver" "${force[@]}" 2>&1); then
			echo "ovpn-backports: ovpn $version built and installed for $kver"
		else
			echo "$out" | tail -n 5 >&2
			echo "ovpn-backports: dkms install of ovpn $version for $kver failed" >&2
			failed=1
		fi ;;
	77)
		why=$("$here/dkms-notice.sh" "$kver")
		echo "${why:-ovpn-backports: kernel $kver is skipped by DKMS: $(grep -m1 BUILD_EXCLUSIVE <<< "$out" || true)}" ;;
	*)
		log="/var/lib/dkms/ovpn/$version/build/make.log"
		{ tail -n 5 "$log" 2>/dev/null || echo "$out" | tail -n 5; } >&2
		echo "ovpn-backports: the DKMS build of ovpn $version for $kver failed (exit $rc; log: $log)" >&2
		failed=1 ;;
	esac
done
exit "$failed"
