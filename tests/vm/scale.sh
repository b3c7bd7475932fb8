#!/usr/bin/env bash
# Scale test: an MP ovpn interface with many peers added, keyed, rekeyed,
# swapped and deleted while traffic flows to a subset of them; then rmmod.
# Measures the rates and the memory per peer, and that the memory comes back.
# Runs inside the test guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: scale.sh --results DIR [--test scale|scale-full]

scale: 50 peers, 5 with traffic (make check); scale-full: 1000 peers, 50
with traffic (VMTEST_SCALE_PEERS, VMTEST_SCALE_SUBSET override). The work is
ovpnctl.py scale: namespaces S (the MP server, one UDP socket for all peers),
C (a real client, P2P, = peer 1) and K (a sink: every other peer's endpoint is
one of its AnyIP addresses; IPv6 is off in all three: its autoconfiguration's
packets and neighbour entries would come and go between the readings). It
adds the peers, one key each, and reads the bytes in use of each slab cache
(after reading S's socket, deleting the neighbour entries of S, C and K,
which the traffic makes and the kernel keeps while a namespace lives, and
flushing the per-cpu slabs, which also frees what KASAN holds in quarantine)
and of the percpu allocator; then, while C ping-floods S through its tunnel and S
sends UDP to the VPN addresses of the subset, gives every peer a second key,
swaps all keys 3 times, checks from a dump that exactly the subset and the
client sent packets, deletes every peer, and reads them again (each second,
20 s at most, the best reading of 2 or more). slabcheck.py judges them: each
slab cache ovpn allocates from (the kmalloc caches, and the socket buffer
and route caches of its data path) must come back to where it was before
the peers, within the kernel's tolerance per cache and in total (its
TOLERANCE: the test's own noise with room, under the 50 KiB that a leak of
1 KiB per peer keeps, so that such a leak fails). The percpu
growth is reported, not judged: that allocator keeps freed areas populated.
Then rmmod ovpn (bounded: 60 s) must work, with no ovpn netdev left and no
kernel splat. One result row, named as the test; figures in VM_RESULTS/stats.tsv and
DIR/scale.json.
USAGE
}

out=""
test=scale
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--test) test="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
case "$test" in
scale) peers=${VMTEST_SCALE_PEERS:-50}; subset=${VMTEST_SCALE_SUBSET:-5} ;;
scale-full) peers=${VMTEST_SCALE_PEERS:-1000}; subset=${VMTEST_SCALE_SUBSET:-50} ;;
*) usage >&2; exit 2 ;;
esac
vm_results_dir "$out"
t0=$(vm_now)
why=""

vm_panic_on_warn
modprobe ovpn
python3 "$here/ovpnctl.py" scale --peers "$peers" --subset "$subset" > "$out/scale.json" \
	2> "$out/scale.log" || true
j="$out/scale.json"
get() { jq -r ".$1 // empty" "$j" 2>/dev/null; }
[ "$(get ok)" = true ] || why="$(get why)"
[ -n "$why" ] || [ "$(get ok)" = true ] || why="ovpnctl.py scale failed: $(tail -n 2 "$out/scale.log" | tr '\n' ' ')"
tr=$(vm_now)
unload=$(vm_unload 2>> "$out/scale.log") || why="${why:+$why; }$unload"
rmmod_s=$(($(vm_now) - tr))
vm_panic_on_warn off

for k in peers add_per_s key_per_s rekey_per_s swap_per_s del_per_s bytes_per_peer returned; do
	v=$(get "$k")
	[ -z "$v" ] || vm_stat "$test.$k" "$v"
done
vm_stat "$test.rmmod_s" "$rmmod_s"
if [ -z "$why" ]; then
	vm_result "$test" pass $(($(vm_now) - t0)) "$(get note); rmmod ${rmmod_s}s"
else
	vm_result "$test" fail $(($(vm_now) - t0)) "$why"
	tail -n 10 "$out/scale.log" | sed "s/^/vmtest: $test: /"
	exit 1
fi
