#!/usr/bin/env bash
# The ovpn genetlink operations that read or configure peers and keys must be
# refused (EPERM) to a process without CAP_NET_ADMIN in the initial user
# namespace, exactly as the in-tree module does (GENL_ADMIN_PERM on every op).
# Runs inside the test guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: unpriv.sh --results DIR [--cli PATH/ovpn-cli]

As root: create a P2P ovpn interface, a peer and a key (ovpn-cli). Then, as
nobody (setpriv --reuid=65534 --regid=65534 --clear-groups), every peer/key
operation (new_peer, set_peer, get_peer, get_peer dump, new_key, get_key,
swap_keys, del_key, del_peer) must fail with "Operation not permitted"; the
same requests as root must succeed (so EPERM is not a malformed request).
Also, where unprivileged user namespaces are allowed: nobody as root of its
own user+network namespace may create the interface (rtnetlink checks the
netns owner) but must still get EPERM from the genetlink ops (an ovpn-cli
that nobody cannot run there, e.g. under a 0700 directory, fails the test).
Writes one unpriv-denied line to VM_RESULTS/summary.tsv and logs to DIR.
USAGE
}

out=""
cli="${OVPN_CLI:-}"
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--cli) cli="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$out" ] || [ -z "$cli" ]; then usage >&2; exit 2; fi
vm_results_dir "$out"
log="$out/unpriv.log"
: > "$log"
NS=ovpn_unpriv
keydir=$(mktemp -d)
chmod 755 "$keydir"
# the selftests' pre-shared key, next to ovpn-cli
cp "$(dirname "$cli")/data64.key" "$keydir/data64.key"
chmod 644 "$keydir/data64.key"
cleanup() {
	vm_kill_ovpn_cli
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$keydir"
}
trap cleanup EXIT

nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
t0=$(vm_now)
why=""

as_root_ok() {
	echo "# root: $*" >> "$log"
	if ! (cd "$keydir" && ip netns exec "$NS" "$cli" "$@") >> "$log" 2>&1; then
		why="${why}root: '$*' failed; "
	fi
}

as_nobody_eperm() {
	local o rc=0
	echo "# nobody: $*" >> "$log"
	o=$(cd "$keydir" && ip netns exec "$NS" "${nobody[@]}" "$cli" "$@" 2>&1) || rc=$?
	echo "$o" >> "$log"
	echo "# rc=$rc" >> "$log"
	if [ "$rc" = 0 ]; then
		why="${why}nobody: '$*' SUCCEEDED; "
	elif ! grep -q 'Operation not permitted' <<<"$o"; then
		why="${why}nobody: '$*' failed without EPERM; "
	fi
}

modprobe ovpn
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 127.0.0.2/8 dev lo
as_root_ok new_iface tun0 P2P
as_root_ok new_peer tun0 1 none 1194 127.0.0.2 1195
as_root_ok new_key tun0 1 1 0 aes 0 data64.key

as_nobody_eperm new_peer tun0 2 none 1196 127.0.0.2 1197
as_nobody_eperm set_peer tun0 1 10 20
as_nobody_eperm get_peer tun0 1
as_nobody_eperm get_peer tun0
as_nobody_eperm new_key tun0 1 2 1 aes 0 data64.key
as_nobody_eperm get_key tun0 1 1
as_nobody_eperm swap_keys tun0 1
as_nobody_eperm del_key tun0 1 1
as_nobody_eperm del_peer tun0 1

# the same requests are fine for root
as_root_ok set_peer tun0 1 10 20
as_root_ok get_peer tun0 1
as_root_ok get_peer tun0
as_root_ok new_key tun0 1 2 1 aes 0 data64.key
as_root_ok get_key tun0 1 1
as_root_ok swap_keys tun0 1
as_root_ok del_key tun0 1 1
as_root_ok del_peer tun0 1
as_root_ok del_iface tun0
vm_kill_ovpn_cli

# root of its own user namespace: owns the netns, not the genetlink family
userns=skipped
if "${nobody[@]}" unshare --user --map-root-user --net true 2>/dev/null; then
	echo "# nobody in its own user+net namespace" >> "$log"
	# shellcheck disable=SC2016 # the inner script expands its own variables
	o=$(cd "$keydir" && "${nobody[@]}" unshare --user --map-root-user --net -- sh -c '
		cli="$1"
		ip link set lo up
		"$cli" new_iface tun9 P2P || { echo "USERNS: new_iface failed rc=$?"; exit 0; }
		for c in "new_peer tun9 1 none 1198 127.0.0.1 1199" "get_peer tun9" "del_peer tun9 1"; do
			if "$cli" $c; then echo "USERNS-ALLOWED: $c"; else echo "USERNS-rc: $c"; fi
		done' sh "$cli" 2>&1) || true
	echo "$o" >> "$log"
	if grep -qE 'USERNS: new_iface failed rc=12[67]$' <<<"$o"; then
		# the shell could not run it (a directory on its path nobody may not enter)
		why="${why}userns: nobody cannot run $cli; "
		userns=fail
	elif grep -q 'USERNS: new_iface failed' <<<"$o"; then
		userns="skipped (nobody cannot create the interface in its own netns)"
	elif grep -q 'USERNS-ALLOWED' <<<"$o"; then
		why="${why}userns root: $(grep 'USERNS-ALLOWED' <<<"$o" | head -n1); "
		userns=fail
	elif [ "$(grep -c 'Operation not permitted' <<<"$o")" -ge 3 ]; then
		userns=denied
	else
		why="${why}userns root: ops failed without EPERM; "
		userns=fail
	fi
else
	userns="skipped (no unprivileged user namespaces)"
fi
unload=$(vm_unload) || why="${why}$unload; "

if [ -z "$why" ]; then
	vm_result unpriv-denied pass $(($(vm_now) - t0)) "9 ops EPERM for nobody, ok for root; userns: $userns"
else
	vm_result unpriv-denied fail $(($(vm_now) - t0)) "${why%; }"
	exit 1
fi
