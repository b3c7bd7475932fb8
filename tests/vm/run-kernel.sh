#!/usr/bin/env bash
# One kernel's run for vmtest.sh (sourced): the module it loads (built,
# given, or the in-tree one), the guest's settings, the boot, the verdict;
# and what all kernels of a run share (the tools, the root image). Reads
# vmtest.sh's globals (its "run's settings").
# shellcheck disable=SC2154 # those globals are set by vmtest.sh

# step RES NAME T0: one line of RES/steps.txt, the seconds since T0
step() { echo "$2 $(($(date +%s) - $3))" >> "$1/steps.txt"; }

# build_module ALIAS RES: ovpn.ko from $tree for ALIAS into RES/build (the
# module-build row); prints its path
build_module() {
	local alias="$1" res="$2" tb kdir builder="$top/scripts/build.sh"
	tb=$(date +%s)
	if ! kdir=$(kernel_build_dir "$alias"); then
		host_row "$res" module-build fail "$(($(date +%s) - tb))" "no kernel build tree for $alias (see the line above)"
		return 1
	fi
	# The checkout the tree belongs to builds it (its Kbuild and compat/ match the tree).
	[ ! -x "$(dirname "$tree")/scripts/build.sh" ] || builder="$(dirname "$tree")/scripts/build.sh"
	echo "building with ${makevars[*]} $builder --tree $tree" > "$res/build.txt"
	if ! env ${makevars[@]+"${makevars[@]}"} "$builder" --quiet --tree "$tree" "$kdir" "$res/build" \
		>> "$res/build.txt" 2>&1; then
		cat "$res/build.txt" >&2
		host_row "$res" module-build fail "$(($(date +%s) - tb))" "scripts/build.sh failed, see build.txt"
		return 1
	fi
	host_row "$res" module-build pass "$(($(date +%s) - tb))" "$(tail -n1 "$res/build.txt" | cut -d' ' -f1-4)"
	step "$res" build-module "$tb"
	echo "$res/build/ovpn.ko"
}

# pick_module ALIAS RES MODDIR: sets sel (native|module|tree), ko (the file
# to install, or none) and expect (where guest.sh must find the loaded ovpn)
pick_module() {
	local alias="$1" res="$2" moddir="$3"
	sel="$modsel" ko=""
	[ -n "$sel" ] || { if [ "$alias" = debian-7.3 ]; then sel=native; else sel=tree; fi; }
	case "$sel" in
	native)
		[ -e "$moddir/kernel/drivers/net/ovpn" ] || die "$alias has no in-tree ovpn: --native is for debian-7.3"
		host_row "$res" module-build skip 0 "not built: the kernel's in-tree ovpn"
		expect=native ;;
	module)
		host_row "$res" module-build skip 0 "not built: --module $modpath"
		ko="$modpath" expect=updates ;;
	tree)
		ko=$(build_module "$alias" "$res") || return 1
		expect=updates ;;
	esac
	[ -z "$ko" ] || case "$(modinfo -F vermagic "$ko")" in
	"$KABI "*) ;;
	*) die "$ko was built for '$(modinfo -F vermagic "$ko")', not $KABI" ;;
	esac
}

# write_guest_env RES MODDIR SLOW: the guest's settings (guest.sh sources
# them); SLOW: slowdown's factor
write_guest_env() {
	local res="$1" moddir="$2" slow="$3" v
	cat > "$res/guest.env" <<ENV
VM_KABI='$KABI'
VM_MODDIR='$moddir'
VM_TOOLS='$tools'
VM_TESTS='$tests'
VM_EXPECT_MODULE='$expect'
VM_SELFTEST_TIMEOUT=$((600 * slow))
VM_TCPDUMP_TIMEOUT=${VM_TCPDUMP_TIMEOUT:-20s}
VM_TCPDUMP_SETTLE=${VM_TCPDUMP_SETTLE:-10}
VM_PING_DEADLINE=$((3 * slow))
VM_LIFECYCLE_ITERS=$iters
VM_RUN_DIR='$results'
VM_MAKEVARS='$([ "$sel" != tree ] || echo "${makevars[*]}")'
VM_BENCH_CONF='${VM_BENCH_CONF:-}'
ENV
	for v in $(compgen -e | grep '^VMTEST_' || true); do
		printf '%s=%q\n' "$v" "${!v}" >> "$res/guest.env"
	done
}

# slowdown CONFIG: how much slower a kernel of configuration CONFIG runs the
# same work: 8 for one built with KASAN (debug-kernel.sh's, with lockdep and
# kmemleak as well: 5-8x for a program start on 6.1), else 1
slowdown() {
	if grep -qx 'CONFIG_KASAN=y' "$1" 2>/dev/null; then echo 8; else echo 1; fi
}

# guest_timeout SLOW: the bound of one qemu run
guest_timeout() {
	local t tmo=120
	[ -z "$timeout_s" ] || { echo "$timeout_s"; return; }
	for t in $tests; do tmo=$((tmo + $(vm_budget "$t" "$iters"))); done
	echo $((tmo * $1))
}

# boot_retry RES SECONDS ALIAS BOOT: boot_guest, once more if the guest was
# not up after BOOT seconds (said in steps.txt: boot-stalled BOOT; the first
# console kept as console.try1.log)
boot_retry() {
	local res="$1" rc=0
	boot_guest "$@" || rc=$?
	[ -e "$res/boot-stalled" ] || return "$rc"
	echo "boot-stalled $4" >> "$res/steps.txt"
	mv "$res/console.log" "$res/console.try1.log"
	log "$3: not up after $4 s, booting once more (the first console: console.try1.log)"
	rc=0
	boot_guest "$@" || rc=$?
	[ ! -e "$res/boot-stalled" ] || echo "boot-stalled $4" >> "$res/steps.txt"
	return "$rc"
}

# run_kernel ALIAS: one kernel's run, results in $results/ALIAS; non-zero if
# anything failed
run_kernel() {
	local alias="$1" res img moddir tb tmo slow rc=0 sel ko expect tools rootimg boot_busybox
	kernel_setup "$alias"
	arch_setup "$KDEB_ARCH" || die "$alias: no guest for its architecture"
	read -r tools rootimg boot_busybox <<< "${userland_of[$KDEB_ARCH]}"
	res="$results/$alias"
	rm -rf "$res"
	mkdir -p "$res"
	echo "kernel $alias ($KABI)" > "$res/steps.txt"
	# What was asked: the verdict expects exactly the rows of these tests.
	echo "VM_TESTS='$tests'" > "$res/request.env"
	tb=$(date +%s)
	# an --image kernel's copy in the cache and its build tree there are made
	# again when the image changed: under its lock (a Debian kernel's fetch
	# has a lock of its own; its image directory is locked once the module
	# is built, which may run beside another run's guest of that kernel).
	# A guest slot is taken first: make bench holds every slot, then takes
	# each kernel's lock, and the other order would deadlock with it.
	case "$alias" in image-*) guest_slot; kernel_lock "$alias" ;; esac
	img=$(kernel_image "$alias") || die "$alias: no kernel image (see the line above)"
	moddir=$(readlink -f "$img/lib/modules/$KABI")
	step "$res" fetch-image "$tb"
	pick_module "$alias" "$res" "$moddir" ||
		{ exec 7>&- 6>&-; verdict "$alias" "$tests" || true; return 1; }
	tb=$(date +%s)
	case "$alias" in image-*) ;; *) guest_slot; kernel_lock "$alias" ;; esac
	prepare_boot "$img" "$KABI"
	install_module "$img" "$KABI" "$ko"
	step "$res" prepare-boot "$tb"
	slow=$(slowdown "$(kernel_config "$alias" "$img")")
	write_guest_env "$res" "$moddir" "$slow"
	tmo=$(guest_timeout "$slow")
	log "$alias: booting $KABI (module: $sel${ko:+ $ko}), tests: $tests, timeout ${tmo}s"
	tb=$(date +%s)
	boot_retry "$res" "$tmo" "$alias" "${VMTEST_BOOT_TIMEOUT:-$((300 * slow))}" || rc=$?
	exec 7>&- 6>&-
	step "$res" guest "$tb"
	printf 'rc=%s\ntimeout=%s\nseconds=%s\n' "$rc" "$tmo" "$(($(date +%s) - tb))" > "$res/qemu.txt"
	log "$alias: guest took $(($(date +%s) - tb)) s (qemu rc=$rc)"
	rc=0
	verdict "$alias" "$tests" || rc=1
	[ ! -s "$res/splats.txt" ] || { log "$alias: kernel splats:"; sed 's/^/    /' "$res/splats.txt" >&2; }
	return "$rc"
}

# check_host: the host has what the guests of the run's architectures need
check_host() {
	local tool a
	for tool in busybox depmod modprobe cpio xz zstd mke2fs; do
		command -v "$tool" >/dev/null ||
			die "$tool not found: install the packages in tests/vm/host-packages.txt"
	done
	for a in $(run_arches); do
		arch_setup "$a" || die "no guest for $a"
		command -v "$qemu_bin" >/dev/null || die "$qemu_bin not found: apt-get install $qemu_pkg"
	done
	case "$(ldd /bin/busybox 2>&1 || true)" in
	*"not a dynamic"*) ;;
	*) die "/bin/busybox is not static: install busybox-static" ;;
	esac
}

# run_arches: the architectures of the run's kernels
run_arches() {
	local k
	for k in $kernels; do
		(kernel_setup "$k" >/dev/null && echo "$KDEB_ARCH") || die "unknown kernel $k"
	done | sort -u
}

# prepare_run: what every kernel's run shares (tools, root image and
# initramfs busybox of each architecture: userland_of; the nldiff-random
# seed and order)
prepare_run() {
	local tb a tools rootimg boot_busybox
	check_host
	for a in $(run_arches); do
		tb=$(date +%s)
		arch_userland "$a"
		userland_of[$a]="$tools $rootimg $boot_busybox"
		log "$a: test tools: $tools, root image: $rootimg ($(($(date +%s) - tb)) s)"
	done
	case " $tests " in
	*" nldiff-random "*)
		# one random set for every kernel of the run, diffed with the answers
		# of the run's debian-7.3 guest: that one goes first
		export VMTEST_NLDIFF_SEED="${VMTEST_NLDIFF_SEED:-$(($(date +%s) % 100000))}"
		case " $kernels " in
		*" debian-7.3 "*) kernels="debian-7.3 $(echo " $kernels " | sed 's/ debian-7\.3 / /g')" ;;
		esac ;;
	esac
}

# take_kernel QUEUE: the first kernel of the file QUEUE, taken off it; fails
# when it is empty
take_kernel() {
	local k
	exec 5>"$1.lock"
	flock 5
	k=$(head -n1 "$1")
	[ -n "$k" ] && sed -i 1d "$1" && echo "$k"
	exec 5>&-
	[ -n "$k" ]
}

# run_lane QUEUE: run_kernel for each kernel taken off QUEUE; the failed ones
# to QUEUE.failed
run_lane() {
	local k
	while k=$(take_kernel "$1"); do
		(run_kernel "$k") || echo "$k $?" >> "$1.failed"
	done
}

# run_kernels: every kernel of the run, $jobs guests at a time (one at a time
# when a test diffs with the answers of this run's debian-7.3 guest: that
# one first, then the others); 1 if a kernel failed, 2 if one stopped (die)
run_kernels() {
	local q="$results/.queue" i n="$jobs" pids=() p
	case " $tests " in
	*" nldiff-full "*|*" nldiff-random "*) [[ " $kernels " != *" debian-7.3 "* ]] || n=1 ;;
	esac
	printf '%s\n' $kernels > "$q"
	: > "$q.failed"
	for ((i = 0; i < n; i++)); do run_lane "$q" & pids+=($!); done
	for p in "${pids[@]}"; do wait "$p"; done
	rm -f "$q" "$q.lock"
	if grep -q ' 2$' "$q.failed"; then rm -f "$q.failed"; return 2; fi
	[ ! -s "$q.failed" ] || { rm -f "$q.failed"; return 1; }
	rm -f "$q.failed"
}
