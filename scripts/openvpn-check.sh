#!/usr/bin/env bash
# Say so when the installed openvpn is too old to use this module.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: openvpn-check.sh [OPENVPN]

Asks OPENVPN (default: `openvpn` on PATH, else /usr/sbin/openvpn) for its
version. OpenVPN 2.7 and later use the ovpn module; 2.6 speaks the older
out-of-tree ovpn-dco interface and runs without offload next to this module.
For an openvpn older than 2.7 it prints one line saying so and where to get
2.7 on this distribution (README: "Which OpenVPN"); for 2.7 and later, or
without openvpn, nothing. Run by `make install`, `make dkms-install` and the
.deb/.rpm install scripts. Always exits 0.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }

bin="${1:-$(command -v openvpn || true)}"
[ -n "$bin" ] || bin=/usr/sbin/openvpn
[ -x "$bin" ] || exit 0
# (openvpn --version exits 1 after printing the version)
line=$(timeout 10 "$bin" --version 2>/dev/null | head -n1 || true)
[[ "$line" =~ ^OpenVPN\ ([0-9]+)\.([0-9]+)([^ ]*) ]] || exit 0
maj=${BASH_REMATCH[1]} min=${BASH_REMATCH[2]} ver="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
[ $((maj * 100 + min)) -lt 207 ] || exit 0

# Where 2.7 comes from, by distribution (README: "Which OpenVPN").
id="" version_id=""
if [ -r /etc/os-release ]; then
	# shellcheck disable=SC1091 # the distribution's release file
	id=$(. /etc/os-release && echo "${ID:-}") version_id=$(. /etc/os-release && echo "${VERSION_ID:-}")
fi
case "$id:$version_id" in
debian:13) where="apt install -t trixie-backports openvpn" ;;
debian:*|ubuntu:*) where="OpenVPN's apt repository https://build.openvpn.net/debian/openvpn/release/2.7" ;;
*) where="your distribution, or a build from https://openvpn.net/community-downloads/" ;;
esac
echo "ovpn-backports: $bin is OpenVPN $ver, which speaks the older out-of-tree ovpn-dco" \
	"interface and will not use this module: install OpenVPN 2.7 or later ($where;" \
	"README: \"Which OpenVPN\")"
exit 0
