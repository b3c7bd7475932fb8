#!/usr/bin/env bash
# Helpers shared by the scripts that run inside the test guest (sourced).
# shellcheck disable=SC2034 # variables are used by the sourcing scripts

# shellcheck source=tests/vm/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# vm_result NAME pass|fail|skip SECONDS [NOTE]: one line of the results table.
vm_result() {
	local name="$1" status="$2" secs="$3" note="${4:-}"
	printf '%s\t%s\t%s\t%s\n' "$name" "$status" "$secs" "$note" >> "${VM_RESULTS:?}/summary.tsv"
	printf 'vmtest: %-22s %-4s %5ss %s\n' "$name" "$status" "$secs" "$note"
}

vm_log() { printf 'vmtest: %s\n' "$*"; }

# vm_results_dir DIR: make a test script's log directory DIR; its results
# table goes to VM_RESULTS (set by guest.sh), else next to DIR.
vm_results_dir() {
	VM_RESULTS="${VM_RESULTS:-$(dirname "$1")}"
	export VM_RESULTS
	mkdir -p "$1"
}

# vm_now: seconds since boot (integer), for durations.
vm_now() { cut -d. -f1 /proc/uptime; }

# vm_wait_for SECONDS CMD...: poll CMD every 0.5 s until it succeeds.
vm_wait_for() {
	local t="$1" end
	shift
	end=$(($(vm_now) + t))
	until "$@" >/dev/null 2>&1; do
		[ "$(vm_now)" -lt "$end" ] || return 1
		sleep 0.5
	done
}

# vm_netns_pair NS1 NS2 NET: namespaces NS1 (NET.1/24) and NS2 (NET.2/24)
# joined by a veth (veth-s in NS1, veth-c in NS2), loopback up in both
vm_netns_pair() {
	ip netns add "$1"
	ip netns add "$2"
	ip link add veth-s netns "$1" type veth peer name veth-c netns "$2"
	ip -n "$1" addr add "$3.1/24" dev veth-s
	ip -n "$2" addr add "$3.2/24" dev veth-c
	ip -n "$1" link set veth-s up
	ip -n "$2" link set veth-c up
	ip -n "$1" link set lo up
	ip -n "$2" link set lo up
}

# vm_ovpn_links: number of ovpn netdevs in all network namespaces.
vm_ovpn_links() {
	local n=0 ns c
	local q='[.[] | select(.linkinfo.info_kind? == "ovpn")] | length'
	c=$(ip -j -d link show 2>/dev/null | jq "$q" || echo 0)
	n=$((n + c))
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		c=$(ip -n "$ns" -j -d link show 2>/dev/null | jq "$q" || echo 0)
		n=$((n + c))
	done
	echo "$n"
}

# vm_dmesg: the kernel log; with VM_DMESG_MARK set (tests/selftest/run.sh on
# a real machine, whose log holds what came before the run), from the line
# holding it on
vm_dmesg() {
	if [ -n "${VM_DMESG_MARK:-}" ]; then
		dmesg | awk -v m="$VM_DMESG_MARK" 'index($0, m) {on = 1} on'
	else
		dmesg
	fi
}

# vm_splats: kernel log lines that look like a splat (common.sh: the same
# definition the host applies to the console and dmesg.txt).
vm_splats() { vm_dmesg | vm_splat_lines; }

# vm_kill_ovpn_cli: end the ovpn-cli processes that new_peer/listen left in
# the background (they hold the transport sockets, like openvpn would).
vm_kill_ovpn_cli() {
	local p
	for p in $(pgrep -x ovpn-cli || true); do kill "$p" 2>/dev/null || true; done
	vm_wait_for 10 sh -c '! pgrep -x ovpn-cli' || true
}

# vm_stat NAME VALUE: one measured figure of this kernel (VM_RESULTS/stats.tsv),
# shown by stress-table.sh.
vm_stat() {
	printf '%s\t%s\n' "$1" "$2" >> "${VM_RESULTS:?}/stats.tsv"
}

# vm_panic_on_warn [off]: make a WARN panic the guest while a stress test runs
# (a splat then ends the run without its end sentinel: a failure), or restore
# the boot-time setting (panic_on_warn=1 on the command line stays on).
vm_panic_on_warn() {
	local f=/run/vmtest-panic-on-warn.boot
	[ -e "$f" ] || cat /proc/sys/kernel/panic_on_warn > "$f" 2>/dev/null || return 0
	if [ "${1:-on}" = off ]; then
		cat "$f" > /proc/sys/kernel/panic_on_warn 2>/dev/null || true
	else
		echo 1 > /proc/sys/kernel/panic_on_warn 2>/dev/null || true
	fi
}

# vm_unload [SECONDS]: unload ovpn (rmmod, tried again while it is in use, for
# SECONDS (default 60) at most; one that hangs fails too) and check that
# nothing stayed behind: /sys/module/ovpn gone, no ovpn netdev, no kernel
# splat (which includes "unregister_netdevice: waiting", a leaked netdev).
# Prints why not, and is then non-zero.
vm_unload() {
	local t="${1:-60}" why="" n
	if [ -e /sys/module/ovpn ] && ! vm_wait_for "$t" timeout "$t" rmmod ovpn; then
		why="rmmod ovpn failed or hung (${t} s)"
	fi
	vm_wait_for 10 test ! -e /sys/module/ovpn || why="${why:-/sys/module/ovpn still there}"
	n=$(vm_ovpn_links)
	[ "$n" = 0 ] || why="${why:+$why; }$n ovpn netdevs left"
	[ -z "$(vm_splats)" ] || why="${why:+$why; }kernel splat: $(vm_splats | head -n1)"
	[ -z "$why" ] || { echo "$why"; return 1; }
}
