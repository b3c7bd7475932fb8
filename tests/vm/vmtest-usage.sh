#!/usr/bin/env bash
# vmtest.sh's --help (sourced): the command line, the options, the
# environment. Reads vmtest.sh's KERNELS_ALL, top and ITERS_FAST.
# shellcheck disable=SC2154 # those are set by vmtest.sh

usage() {
	cat <<USAGE
Usage: vmtest.sh --kernel K[,K...] | --image PATH | --debug-kernel SERIES  [--module PATH/ovpn.ko | --native | --tree DIR]
                 [--tests LIST|fast|full] [--results DIR] [--timeout SECONDS]
                 [--iterations N] [--smp N] [--cpu MODEL] [--tcg-threads single|multi]
                 [--icount PLUGIN.so [--icount-profile]] [--kernel-args ARGS] [--make VAR=VALUE] [--jobs N]
       vmtest.sh --report DIR [--kernel K,...] [--expect LIST] [--tsv]

Boots each kernel K (one of: $KERNELS_ALL; or "all"; or an arm64 or
s390x one: debian-6.1-arm64, debian-6.1.0-50-s390x) in qemu-system-x86_64
-accel tcg (arm64, s390x: their own qemu, qemu-arch.sh) with a local root image of
the guest's userland (rootimg.sh; arm64: Debian's, rootimg-arch.sh) over the
host's root shared read-only over virtio-9p
(a tmpfs overlay on top), runs the tests in the guest and prints a results
table and a final "N passed, N failed" line. Exits non-zero on any test
failure, on a result row missing or duplicated (each test writes the rows
tests/vm/tests.tsv names), on a guest status file (results share) that is
missing, incomplete or says rc!=0, on any kernel splat (common.sh) on the
console or in the guest's dmesg, on a missing end sentinel, or on a timeout.

--image PATH    (repeatable, with or instead of --kernel) another kernel, named
                image-RELEASE: a directory with boot/vmlinuz-RELEASE (or
                vmlinuz-RELEASE, arch/x86/boot/bzImage) and lib/modules/RELEASE
                (an unpacked package, a machine's /, a modules_install), or the
                bzImage itself; ovpn.ko is built against lib/modules/RELEASE/build.
--debug-kernel SERIES  (5.10, 6.1, 6.12; a comma list) a kernel of that series
                with KASAN, kmemleak, lockdep, KFENCE and DEBUG_ATOMIC_SLEEP,
                built from Debian's linux-source by debug-kernel.sh (cached; the
                first build takes 20-40 min), run as an --image. A KASAN, KFENCE
                or lockdep report fails kernel-clean as any splat does, and so
                does an object kmemleak reports after the tests (kmemleak.txt).

Which ovpn.ko the guest loads (it is put into the image's updates/ + depmod):
  --module PATH   this ovpn.ko (its vermagic must match the kernel)
  --native        the kernel's own in-tree ovpn (debian-7.3 only)
  --tree DIR      build ovpn.ko from the generated tree DIR with the scripts/build.sh
                  of the checkout DIR is in (DIR/../scripts/build.sh), else ours
  default: --native for debian-7.3, --tree $top/backports otherwise
USAGE
	usage_options
}

usage_options() {
	cat <<USAGE

--tests LIST    comma or space separated names of tests/vm/tests.tsv:
                $(vm_tests | xargs | fold -s -w 60 | sed '2,$s/^/                /')
                fast (default): $(vm_tests fast | xargs)
                full: $(vm_tests full | xargs | fold -s -w 58 | sed '2,$s/^/                /')
--results DIR   where console.log, dmesg.txt, TAP files and logs go
                (default: $top/build/vmtest/<timestamp>); one subdir per kernel
--timeout S     bound of one qemu run (default: 120 + the tests' budgets)
--iterations N  life-cycle iterations (default 50; $ITERS_FAST with --tests fast)
--smp N         guest vCPUs (default 2)
--cpu MODEL     qemu CPU model (default max)
--tcg-threads T multi: one host thread per vCPU (default; debian-7.3: single);
                single: the vCPUs take turns on one host thread (no
                cross-vCPU race of the emulator when the kernel patches its
                own text; less host CPU, but one host core at most)
--icount SO     deterministic time: qemu -icount shift=0,sleep=off (the guest
                clock counts executed instructions, one per ns; idle time is
                skipped), one vCPU on one host thread, and the TCG plugin SO
                (tests/bench/icount-plugin.c) writing to RESULTS/KERNEL/icount.tsv
--icount-profile  the plugin also counts per kernel block address, into
                RESULTS/KERNEL/icount-profile.tsv (tests/bench/icount-profile.py)
--jobs N        N guests at a time, each kernel's own (default 1; a guest
                takes the next kernel of the list when it is done; nldiff-full
                and nldiff-random with debian-7.3 run one at a time: 7.3's
                answers come first). make bench's guests run alone.
--kernel-args A more guest kernel command line, e.g. "panic_on_warn=1 slub_debug=FZPU"
                (tests/vm/README.md lists what each Debian kernel offers)
--make VAR=VAL  a make variable for the module build of --tree (repeatable; passed
                to scripts/build.sh through its environment), e.g.
                OVPN_FORCE_V4MAPPED_SHIM=1
--report DIR    no qemu: the verdict on the results already in DIR (the kernels
                there, or those of --kernel) from their files alone
--expect LIST   with --report: the tests that were requested (as --tests;
                default: each kernel's request.env, written when it ran)
--tsv           with --report: print the verdict rows (KERNEL NAME STATUS
                SECONDS NOTE, tab-separated) instead of the table

Environment: VMTEST_* variables are handed to the guest's tests (e.g.
VMTEST_NLDIFF_SEED, see each test's --help; a run of nldiff-random sets it
once for all its kernels when it is not set). VMTEST_SLOTS: how many guests
of all runs on this cache may run at once (default: the host's cores).
VMTEST_BOOT_TIMEOUT: a guest not up after these seconds (default 300, 2400
on a kernel built with KASAN) is stopped and booted once more, and the
kernel's steps say boot-stalled.

Everything fetched or built is cached under \${XDG_CACHE_HOME:-~/.cache}/ovpn-backports.
Host packages: tests/vm/host-packages.txt and tests/vm/guest-packages.txt.
USAGE
}
