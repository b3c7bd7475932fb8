#!/usr/bin/env bash
# kmemleak in the guest (sourced by guest.sh): on a kernel built with
# CONFIG_DEBUG_KMEMLEAK, what leaked while the tests ran, after ovpn is
# unloaded. The host's kernel-clean row fails on any object it reports.

VM_KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_clear: forget what was unreferenced before the tests (the boot's)
kmemleak_clear() {
	[ -w "$VM_KMEMLEAK" ] || return 0
	# (a kernel booted with kmemleak=off has the file but refuses writes)
	echo clear 2>/dev/null > "$VM_KMEMLEAK" || return 0
}

# kmemleak_report OUT: unload ovpn, scan (an object is reported once it stays
# unreferenced for two scans and five seconds), and write the reports to OUT
kmemleak_report() {
	local out="$1"
	[ -w "$VM_KMEMLEAK" ] || return 0
	modprobe -r ovpn 2>/dev/null || true
	echo scan 2>/dev/null > "$VM_KMEMLEAK" || return 0
	sleep 6
	echo scan > "$VM_KMEMLEAK"
	cat "$VM_KMEMLEAK" > "$out"
	vm_log "kmemleak: $(grep -c '^unreferenced object' "$out" || true) suspected leaks"
}
