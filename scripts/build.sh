#!/usr/bin/env bash
# Build ovpn.ko from backports/ + compat/ against one kernel tree, in a build
# directory of its own, and verify the result.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=scripts/kernel-tree.sh
. "$here/kernel-tree.sh"

usage() {
	cat <<'USAGE'
Usage: build.sh [--allow-intree] [--quiet] [--tree DIR] [--copy-to FILE] [--report-only]
                KERNEL_DIR [OUTDIR]

Checks KERNEL_DIR (scripts/check-kernel.sh), copies Kbuild, compat/,
scripts/kernel-range.conf and backports/ into OUTDIR (default
build/<kernel release>), runs kbuild there and verifies ovpn.ko: vermagic of
the target kernel, a version line, no undefined symbols at modpost. Writes
the probe report (which gate decided what on this kernel, and the shims the
module contains) to OUTDIR/probe-report.txt. Prints one summary line:
  <release> built=yes|no warnings=N undefined=N ko=PATH ... report=PATH
and exits non-zero when the module was not built or is not sound.
--report-only compiles compat/shims.o alone (a few seconds) instead of the
module, prints the probe report and writes it to OUTDIR/probe-report.txt
(OUTDIR default: build/report/<kernel release>).
--copy-to FILE copies the verified module to FILE.
--tree DIR takes the generated tree from DIR instead of backports/.
Environment: KEEP_GOING=1 (make -k, to see every error), CC (default: the compiler the kernel was configured with when
installed, else gcc), JOBS (default: nproc), OVPN_FORCE_V4MAPPED_SHIM=1 (compile
the IPv6-mapped-IPv4 udp_encap shim on any kernel, for runtime tests).
Cross builds: the kernel's .config says its architecture (arm64, arm, x86
32-bit, ...); kbuild's ARCH follows from it unless ARCH is given, and the
compiler is CROSS_COMPILE's (default: Debian's cross compiler for it, e.g.
aarch64-linux-gnu- from gcc-aarch64-linux-gnu) with the configured version
where installed (aarch64-linux-gnu-gcc-12), unless CC is given.
USAGE
}

args=()
quiet=0
tree="$top/backports"
copy_to=""
report_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--allow-intree) args+=(--allow-intree); shift ;;
	--quiet) quiet=1; shift ;;
	--tree) tree=$(cd "$2" && pwd); shift 2 ;;
	--copy-to) copy_to="$2"; shift 2 ;;
	--report-only) report_only=1; shift ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
kdir="$1"
"$here/check-kernel.sh" "${args[@]}" "$kdir"
kdir=$(cd "$kdir" && pwd)
rel=$(ktree_release "$kdir")
out="${2:-$top/build/$rel}"
[ "$report_only" = 0 ] || out="${2:-$top/build/report/$rel}"

[ -f "$tree/PROVENANCE" ] ||
	{ echo "ovpn-backports: $tree is missing: run 'make sources' first" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
# Fresh copy of the sources: a kernel's objects never mix with another's.
rm -rf "$out/src"
mkdir -p "$out/src"
cp -a "$top/Kbuild" "$top/compat" "$out/src/"
mkdir -p "$out/src/scripts"
cp -a "$top/scripts/kernel-range.conf" "$out/src/scripts/"
cp -a "$tree" "$out/src/backports"

# The target's architecture: kbuild's ARCH and the cross compiler prefix.
# karch_of CONFIG: "ARCH PREFIX" for the architecture CONFIG is for ("-": none)
karch_of() {
	local c="$1"
	if grep -q '^CONFIG_ARM64=y' "$c"; then echo "arm64 aarch64-linux-gnu-"
	elif grep -q '^CONFIG_ARM=y' "$c"; then echo "arm arm-linux-gnueabihf-"
	elif grep -q '^CONFIG_X86_64=y' "$c"; then echo "x86 x86_64-linux-gnu-"
	elif grep -q '^CONFIG_X86_32=y' "$c"; then echo "x86 i686-linux-gnu-"
	elif grep -q '^CONFIG_S390=y' "$c"; then echo "s390 s390x-linux-gnu-"
	elif grep -q '^CONFIG_PPC64=y' "$c"; then echo "powerpc powerpc64le-linux-gnu-"
	elif grep -q '^CONFIG_RISCV=y' "$c"; then echo "riscv riscv64-linux-gnu-"
	else echo "- -"
	fi
}
read -r karch kprefix < <(karch_of "$kdir/.config")
arch="${ARCH:-}"
[ -n "$arch" ] || [ "$karch" = - ] || arch="$karch"
cross="${CROSS_COMPILE-}"
host_prefix="$(uname -m)-linux-gnu-"
if [ -z "${CROSS_COMPILE+set}" ] && [ "$kprefix" != - ] && [ "$kprefix" != "$host_prefix" ]; then
	if [ "$kprefix" = i686-linux-gnu- ] && [ "$host_prefix" = x86_64-linux-gnu- ] &&
		! command -v i686-linux-gnu-gcc >/dev/null; then
		cross=""	# x86_64's gcc and binutils build 32-bit x86 too (-m32)
	else
		cross="$kprefix"
	fi
fi
if [ -n "$cross" ] && [ -z "${CC:-}" ] && ! command -v "${cross}gcc" >/dev/null; then
	if [ -n "${CROSS_COMPILE+set}" ]; then
		echo "ovpn-backports: CROSS_COMPILE=$cross: there is no ${cross}gcc (give the prefix of an installed cross compiler)" >&2
	else
		echo "ovpn-backports: $rel is a kernel for $arch: install its cross compiler ${cross}gcc (Debian: apt-get install gcc-${cross%-}) or pass CROSS_COMPILE=PREFIX" >&2
	fi
	exit 1
fi

# The compiler: the one named in the kernel's config if this host has it.
mk=()
[ -z "$arch" ] || mk+=(ARCH="$arch")
[ -z "$cross" ] || mk+=(CROSS_COMPILE="$cross")
cc_want=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)$/\1/p' "$kdir/.config")
[ -z "$cc_want" ] || cc_want=$((cc_want / 10000))
cc="${CC:-}"
if [ -n "$cc" ] && ! command -v "${cc##* }" >/dev/null; then
	# DKMS passes the compiler the kernel was configured with; it may not be here.
	echo "build: CC=$cc is not installed, choosing another" >&2
	cc=""
fi
if [ -z "$cc" ]; then
	if [ -n "$cc_want" ] && command -v "${cross}gcc-$cc_want" >/dev/null; then
		cc="${cross}gcc-$cc_want"
	else
		cc="${cross}gcc"
	fi
fi
cc_have=$("$cc" -dumpversion | cut -d. -f1)
if [ -n "$cc_want" ] && [ "$cc_have" != "$cc_want" ]; then
	[ "$quiet" = 1 ] || echo "build: $rel was configured with gcc $cc_want; using $cc (gcc $cc_have)" >&2
	# Options that only the configured (newer) compiler supports.
	if [ "$cc_have" -lt 14 ] && grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$kdir/.config"; then
		mk+=(CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=)
	fi
fi
# cc_has_counted_by: the compiler takes the counted_by attribute
cc_has_counted_by() {
	echo 'struct s { int n; int a[] __attribute__((__counted_by__(n))); };' |
		"$cc" -x c -Werror -c -o /dev/null - 2>/dev/null
}
kcflags="${KCFLAGS:-}"
if grep -q '^CONFIG_CC_HAS_COUNTED_BY=y' "$kdir/.config" && ! cc_has_counted_by; then
	[ "$quiet" = 1 ] || echo "build: $rel was configured by a compiler with counted_by; $cc lacks it: compat/no-counted-by.h drops the annotation" >&2
	kcflags="$kcflags -include $out/src/compat/no-counted-by.h"
fi
[ -z "$kcflags" ] || mk+=(KCFLAGS="$kcflags")
if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/.config" && ! command -v pahole >/dev/null; then
	echo "ovpn-backports: $rel builds BTF for modules and needs pahole: install dwarves (apt-get install dwarves)" >&2
	exit 1
fi
if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/.config" && [ "$cc_have" != "$cc_want" ]; then
	# BTF of a module made by another compiler than vmlinux's does not dedup.
	mk+=(CONFIG_DEBUG_INFO_BTF_MODULES=)
fi

# write_report MARKERS: the probe report of this build, from the flags its
# compat/shims.o was compiled with and the shim markers (one a line) it got
write_report() {
	local report="$out/probe-report.txt"
	{
		echo "# ovpn-backports probe report: kernel $rel ($kdir)"
		echo "# module: $(modinfo -F version "$ko" 2>/dev/null || echo "none (compat/shims.o only)")"
		[ -z "${OVPN_FORCE_V4MAPPED_SHIM:-}" ] || echo "# OVPN_FORCE_V4MAPPED_SHIM=$OVPN_FORCE_V4MAPPED_SHIM"
		bash "$out/src/compat/gates.sh" --report --shims "$1" \
			--flags "$out/src/compat/.shims.o.cmd" "$kdir"
	} > "$report.tmp" && mv "$report.tmp" "$report"
}

log="$out/build.log"
target=modules
[ "$report_only" = 0 ] || target=compat/shims.o
t0=$(date +%s)
set +e
make -C "$kdir" M="$out/src" CC="$cc" HOSTCC="${HOSTCC:-gcc}" "${mk[@]}" \
	${KEEP_GOING:+-k} ${OVPN_FORCE_V4MAPPED_SHIM:+OVPN_FORCE_V4MAPPED_SHIM="$OVPN_FORCE_V4MAPPED_SHIM"} \
	-j"${JOBS:-$(nproc)}" "$target" >"$log" 2>&1
rc=$?
set -e
t1=$(date +%s)
warnings=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: warning:' "$log" || true)
undefined=$(grep -cE 'undefined!|Unknown symbol' "$log" || true)
ko="$out/src/ovpn.ko"
if [ "$report_only" = 1 ]; then
	obj="$out/src/compat/shims.o"
	[ $rc -eq 0 ] && [ -f "$obj" ] || {
		grep -E 'warning:|error:|\*\*\* .*Stop\.$' "$log" | head -n 40 >&2 || true
		echo "build: compat/shims.o did not build against $rel, see $log" >&2
		exit 1
	}
	"${cross}objcopy" -O binary --only-section=.modinfo "$obj" "$out/modinfo.bin"
	tr '\0' '\n' < "$out/modinfo.bin" | sed -n 's/^ovpn_shim=//p' > "$out/shims.txt"
	write_report "$out/shims.txt"
	cat "$out/probe-report.txt"
	exit 0
fi
built=no
[ $rc -eq 0 ] && [ -f "$ko" ] && built=yes
if [ "$built" = yes ]; then
	vermagic=$(modinfo -F vermagic "$ko")
	version=$(modinfo -F version "$ko")
	case "$vermagic" in
	"$rel "*) ;;
	*) echo "build: $ko has vermagic '$vermagic', expected $rel" >&2; built=no ;;
	esac
	[ -n "$version" ] || { echo "build: $ko has no version line" >&2; built=no; }
	cp "$ko" "$out/ovpn.ko"
	modinfo -F ovpn_shim "$ko" > "$out/shims.txt"
	write_report "$out/shims.txt"
fi
if [ "$quiet" = 0 ] || [ "$built" = no ]; then
	grep -E 'warning:|error:|undefined!|ERROR|\*\*\* .*Stop\.$' "$log" | head -n 40 >&2 || true
fi
if [ "$built" = yes ] && [ -n "$copy_to" ]; then
	cp "$out/ovpn.ko" "$copy_to"
fi
echo "$rel built=$built warnings=$warnings undefined=$undefined seconds=$((t1 - t0)) ko=$out/ovpn.ko log=$log report=$out/probe-report.txt"
[ "$built" = yes ] && [ "$undefined" = 0 ]
