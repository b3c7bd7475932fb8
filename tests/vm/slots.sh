#!/usr/bin/env bash
# The machine's qemu guests (sourced by vmtest.sh and make bench): at most
# VMTEST_SLOTS (default: the number of host cores) guests of any run at once,
# one slot lock file each; one user of a kernel's image directory at a time.
# Every user takes its guest slot (make bench: all of them) before a kernel's
# lock, never the other way round: the two orders together would deadlock.

# the lock files' directory: the ovpn-backports cache, as every user sees it
slots_dir="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"

vm_slots() { echo "${VMTEST_SLOTS:-$(nproc)}"; }

# kernel_lock ALIAS: the kernel's own lock (fd 6): its image directory (the
# module installed there, the guest reading it) has one user at a time
kernel_lock() {
	exec 6>"$slots_dir/.vmtest-$1.lock"
	flock 6
}

# guest_slot: a free guest slot (fd 7), waiting for one; none when the caller
# holds them all (VMTEST_LOCK_HELD=1: make bench's guests)
guest_slot() {
	local i
	[ "${VMTEST_LOCK_HELD:-}" != 1 ] || return 0
	while :; do
		for ((i = 0; i < $(vm_slots); i++)); do
			exec 7>"$slots_dir/.vmtest-slot-$i.lock"
			! flock -n 7 || return 0
		done
		exec 7>&-
		sleep 2
	done
}

# hold_all_slots: every guest slot (an fd each), waiting for each: no other
# guest of this machine runs beside the caller's (measurements)
hold_all_slots() {
	local i fd
	for ((i = 0; i < $(vm_slots); i++)); do
		exec {fd}>"$slots_dir/.vmtest-slot-$i.lock"
		flock "$fd"
		held_slots+=("$fd")
	done
}
held_slots=()

release_slots() {
	local fd
	for fd in "${held_slots[@]}"; do exec {fd}>&-; done
	held_slots=()
}
