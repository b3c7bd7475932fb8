#!/usr/bin/env bash
# Compat code that the other guest tests never make carry traffic: TCP over
# IPv6 (the borrowed IPv6 TCP proto and proto_ops) and the keepalive re-arm
# under teardown; and the keepalive given in peer-new (a fix of ours). Runs
# inside the test guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: compat-paths.sh --results DIR --test tcp6|keepalive|keepalive-new

tcp6 (make check): two namespaces joined by an IPv6-only veth; a P2P
tunnel over one TCP connection between them (compat/tcp6.c gives the
kernel's IPv6 TCP proto and proto_ops where they are not exported); ping
through it, 4 MiB through it (TCP inside), the receiving peer's counters
must show them; rmmod ovpn under ping floods both ways (60 s at most), then
the sockets' owners exit and the connection must close.
keepalive (full): 50 times (VMTEST_KEEPALIVE_ITERS) P2P peers with a 1 s
keepalive (the first time, a keepalive must be seen without traffic) torn
down, the interface or the peer and then the interface, while another
process re-arms the keepalive with peer-set (which must then fail); then
rmmod, and 2 s later no splat (a keepalive work re-armed after the
teardown would run in the unloaded module). It does not prove
patches/0304-keepalive-rearm.cocci: the window that patch closes (a
peer-set that found the device before its unregistration arms the work
after ndo_uninit cancelled it) is too narrow, and 50 teardowns passed on
6.1 with the patch's check taken out.
keepalive-new: a P2P and an MP peer given a keepalive (1 s, timeout 4 s)
in peer-new only, no peer-set: both must send keepalives (the P2P one's
other end must get them) and expire, as nothing comes back
(patches/0502-keepalive-after-peer-add.cocci). The in-tree module
(VM_EXPECT_MODULE=native) arms its keepalive worker before it adds the
peer, a race whose outcome follows the kernel's preemption model: each
peer must show one of upstream's two outcomes, started (as ours) or never
(no keepalive, no expiry), said in the note.
The work is compatpaths.py NAME. All run with panic_on_warn, fail on a
kernel splat, and end with ovpn unloaded and no ovpn netdev left. One
result row, named as the test; DIR/NAME.json.
USAGE
}

out=""
test=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--test) test="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case "$test" in
tcp6) args=() ;;
keepalive) args=(--iters "${VMTEST_KEEPALIVE_ITERS:-50}") ;;
keepalive-new) args=() ;;
*) usage >&2; exit 2 ;;
esac
[ -n "$out" ] || { usage >&2; exit 2; }
vm_results_dir "$out"
t0=$(vm_now)
j="$out/$test.json"
why=""

vm_panic_on_warn
modprobe ovpn
python3 "$here/compatpaths.py" "$test" "${args[@]}" > "$j" 2> "$out/$test.log" || true
[ "$(jq -r .ok "$j" 2>/dev/null)" = true ] || why="$(jq -r '.why // empty' "$j" 2>/dev/null)"
[ -n "$why" ] || [ "$(jq -r .ok "$j" 2>/dev/null)" = true ] ||
	why="compatpaths.py $test failed: $(tail -n 2 "$out/$test.log" | tr '\n' ' ')"
unload=$(vm_unload 2>> "$out/$test.log") || why="${why:+$why; }$unload"
vm_panic_on_warn off
if [ -z "$why" ]; then
	vm_result "$test" pass $(($(vm_now) - t0)) "$(jq -r .note "$j")"
else
	vm_result "$test" fail $(($(vm_now) - t0)) "$why"
	tail -n 10 "$out/$test.log" | sed "s/^/vmtest: $test: /"
	exit 1
fi
