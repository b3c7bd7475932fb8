#!/usr/bin/env bash
# Unit tests of the compat layer's gates, without a kernel build:
#  - compat/gates.txt is well-formed; every OVPN_SHIM() marker belongs to a
#    gate and compat/shims.c sees every shadow header;
#  - probe unit tests: each probe and export check against the fixture
#    headers of tests/probes/fixtures.txt (with and without the API, variant
#    spellings), and the harness catches a probe that can never match or
#    that matches something unrelated;
#  - gate unit tests: compat.h and the shadow headers preprocessed with
#    synthetic LINUX_VERSION_CODE and distribution macros against the
#    decision table below (the v4-mapped udp_encap gate, the 5.4 minimum,
#    the clamped sublevel), and shown to fail when that gate is moved by one
#    stable release; each probe, export and macro gate switches its own shim;
#  - the probe sets of the matrix kernels (tests/probes/<kernel>.expected),
#    probing never reads stdin, Debian 6.1's report, the README compat table.
# --update rewrites tests/probes/<kernel>.expected from the matrix kernels.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=devel/kernels.sh
. "$TOP/devel/kernels.sh"
# shellcheck source=scripts/kernel-tree.sh
. "$TOP/scripts/kernel-tree.sh"

gates="$TOP/compat/gates.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fails CMD...: CMD exits non-zero
fails() { ! "$@"; }

# kernel_trees K: "SRCTREE OBJTREE" of matrix kernel K (fetched into the cache)
kernel_trees() {
	local o
	o=$("$TOP/devel/fetch-kernel.sh" "$1") || return 1
	echo "$(ktree_srctree "$o") $o"
}

canfail=0
case "${1:-}" in
-h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
--can-fail) canfail=1 ;;
--update)
	for k in $KERNELS_ALL; do
		read -r s o < <(kernel_trees "$k")
		f="$TOP/tests/probes/$k.expected"
		{ grep '^#' "$f" 2>/dev/null || echo "# OVPN_HAVE_* that compat/gates.sh finds on $k"; "$gates" --set "$s" "$o"; } > "$f.tmp"
		mv "$f.tmp" "$f"
		echo "updated $f"
	done
	exit 0
	;;
esac

# --can-fail (tests/t-canfail.sh): the probe-set check of debian-6.1 against an
# expected set that lacks a probe the kernel has: must print not ok.
if [ "$canfail" = 1 ]; then
	grep -v '^OVPN_HAVE_SK_USE_TASK_FRAG$' "$TOP/tests/probes/debian-6.1.expected" > "$tmp/flipped.expected"
	read -r s o < <(kernel_trees debian-6.1)
	check "debian-6.1: probe set is $tmp/flipped.expected (deliberately wrong)" \
		diff <(grep -v '^#' "$tmp/flipped.expected") <("$gates" --set "$s" "$o")
	tap_done
	exit
fi

# --- the table and the markers ---
check "compat/gates.txt is well-formed (names, kinds, keys, regexes)" "$gates" --check
sed '0,/^\tmatch\t/{/^\tmatch\t/d}' "$TOP/compat/gates.txt" > "$tmp/broken.txt"
check "a gate without its match is refused" fails "$gates" --table "$tmp/broken.txt" --check
"$gates" --dump > "$tmp/dump"

markers_in_headers() {
	grep -rhoE 'OVPN_SHIM\([A-Za-z0-9_]+\)' "$TOP/compat/include" | sed 's/OVPN_SHIM(\(.*\))/\1/'
}
check "every OVPN_SHIM() marker is a gate's shim, every gate's shim has a marker" \
	diff <(cut -f6 "$tmp/dump" | LC_ALL=C sort -u) <(markers_in_headers | LC_ALL=C sort -u)
check "no OVPN_SHIM() marker is placed twice" test -z "$(markers_in_headers | sort | uniq -d)"

# shadow_headers: the #include name of every shadow header
shadow_headers() {
	(cd "$TOP/compat/include" && find . -name '*.h' | sed 's|^\./||; s|^uapi/linux/|linux/|') | LC_ALL=C sort -u
}
check "compat/shims.c includes every shadow header" \
	diff <(shadow_headers) <(sed -n 's/^#include <\(.*\)>$/\1/p' "$TOP/compat/shims.c" | LC_ALL=C sort -u)

# --- probe unit tests: tests/probes/fixtures.txt ---
fixtures="$TOP/tests/probes/fixtures.txt"
mkdir -p "$tmp/fx"
awk -v dir="$tmp/fx" '
	/^@@ / {
		if (f) close(f)
		n++
		f = dir "/" n
		printf "" > f
		print $2 "\t" $3 "\t" substr($0, index($0, $4)) > (dir "/index")
		next
	}
	n { print > f }
' "$fixtures"
# match_case TABLE NAME EXPECT FILE: gate NAME matches FILE (have) or not (lacks)
match_case() {
	local rc=0
	"$gates" --table "$1" --match "$2" "$4" || rc=$?
	case "$3:$rc" in have:0|lacks:1) return 0 ;; esac
	echo "$2: expected $3, gates.sh --match exited $rc"
	return 1
}
awk -F'\t' -v d="$tmp/fx" '{ print $1 "\t" d "/" NR }' "$tmp/fx/index" > "$tmp/fx/list"
"$gates" --matches "$tmp/fx/list" > "$tmp/fx/results"
# fixture_result N EXPECT: case N matched as EXPECT says (have: yes, lacks: no)
fixture_result() {
	local got
	got=$(sed -n "${1}p" "$tmp/fx/results" | cut -f3)
	case "$2:$got" in have:yes|lacks:no) return 0 ;; esac
	echo "expected $2, the probe said ${got:-nothing}"
	return 1
}
i=0
while IFS=$'\t' read -r name expect what; do
	i=$((i + 1))
	check "probe $name $expect: $what" fixture_result "$i" "$expect"
done < "$tmp/fx/index"

# every probe and export gate: >= 2 "have" (one a variant), >= 1 "lacks"
coverage() {
	local n bad=0
	while read -r n; do
		[ "$(awk -F'\t' -v n="$n" '$1 == n && $2 == "have"' "$tmp/fx/index" | wc -l)" -ge 2 ] &&
			awk -F'\t' -v n="$n" '$1 == n && $2 == "have" && $3 ~ /^variant/ { v = 1 } END { exit !v }' "$tmp/fx/index" &&
			[ "$(awk -F'\t' -v n="$n" '$1 == n && $2 == "lacks"' "$tmp/fx/index" | wc -l)" -ge 1 ] ||
			{ echo "$n: needs 2 have (one variant) and 1 lacks fixture"; bad=1; }
	done < <(awk -F'\t' '$2 == "probe" || $2 == "export" { print $1 }' "$tmp/dump")
	return "$bad"
}
check "every probe and export gate has have, variant and lacks fixtures" coverage

# The fixtures catch broken probes: one that can never match (a typo in the
# regex) and one that matches something unrelated (no longer anchored).
sed 's/^\tmatch\t^enum wq_flags /\tmatch\t^enum wq_flag /; s/^\(\tmatch\t\)^(static inline |extern )?void netdev_lock\\(.*$/\1netdev_lock/' \
	"$TOP/compat/gates.txt" > "$tmp/typo.txt"
case_of() { awk -F'\t' -v n="$1" -v e="$2" '$1 == n && $2 == e { print NR; exit }' "$tmp/fx/index"; }
check "a probe that can never match fails its 'have' fixture" \
	fails match_case "$tmp/typo.txt" WQ_PERCPU have "$tmp/fx/$(case_of WQ_PERCPU have)"
check "a probe that matches a use instead of the declaration fails its 'lacks' fixture" \
	fails match_case "$tmp/typo.txt" NETDEV_LOCK lacks "$tmp/fx/$(case_of NETDEV_LOCK lacks)"

# --- gate unit tests: the preprocessor on compat.h, the shadow headers and
# compat/shims.c, with empty stubs for the kernel's headers ---
stubs="$tmp/stubs"
grep -rhoE '#[[:space:]]*include(_next)?[[:space:]]*<[^>]+>' "$TOP/compat/include" "$TOP/compat/compat.h" \
	"$TOP/compat/shims.c" | sed -E 's/.*<([^>]+)>/\1/' | sort -u | while read -r h; do
	mkdir -p "$stubs/$(dirname "$h")"
	: > "$stubs/$h"
done
# the kernel's linux/X.h includes its uapi/linux/X.h, which we shadow
for h in "$TOP"/compat/include/uapi/linux/*.h; do
	echo "#include <uapi/linux/${h##*/}>" > "$stubs/linux/${h##*/}"
done
# the version as kbuild writes it: a sublevel above 255 is clamped
cat > "$stubs/linux/version.h" <<'EOF'
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE OVPN_TEST_VERSION_CODE
EOF

# version_code X.Y.Z: LINUX_VERSION_CODE of kernel X.Y.Z (sublevel clamped)
version_code() {
	local a b c
	IFS=. read -r a b c <<< "$1"
	[ "$c" -le 255 ] || c=255
	echo $((a * 65536 + b * 256 + c))
}
# The oldest supported kernel, as Kbuild passes it (scripts/kernel-range.conf).
# shellcheck source=scripts/kernel-range.conf
. "$TOP/scripts/kernel-range.conf"
range_cppflags=(-DOVPN_KERNEL_MIN_MAJOR="${OVPN_KERNEL_MIN%%.*}" -DOVPN_KERNEL_MIN_MINOR="${OVPN_KERNEL_MIN#*.}")
# the release before the oldest supported one (X.Y-1.18, or X-1.19.18 for an X.0)
if [ "${OVPN_KERNEL_MIN#*.}" -gt 0 ]; then
	below_min="${OVPN_KERNEL_MIN%%.*}.$((${OVPN_KERNEL_MIN#*.} - 1)).18"
else
	below_min="$((${OVPN_KERNEL_MIN%%.*} - 1)).19.18"
fi
# markers COMPAT_DIR VERSION [CPPFLAGS...]: the shims compiled, one a line
# (fails when the preprocessor does, e.g. on an #error)
markers() {
	local c="$1" code out
	code=$(version_code "$2")
	shift 2
	out=$(mktemp -p "$tmp")
	gcc -E -P -nostdinc -I "$c/include" -I "$stubs" -DOVPN_TEST_VERSION_CODE="$code" \
		"${range_cppflags[@]}" -include "$c/compat.h" "$@" "$c/shims.c" > "$out" ||
		{ rm -f "$out"; return 1; }
	{ grep -oE '__ovpn_shim_[A-Za-z0-9_]+\[' "$out" || true; } |
		sed 's/^__ovpn_shim_//; s/\[$//' | LC_ALL=C sort -u
	rm -f "$out"
}

# The decision table of the version gate V4MAPPED (upstream a4a600dd301c in
# 5.12, stable 5.4.189 and 5.10.110): KERNEL [distribution macros] -> answer.
decisions=(
	"5.4.0 shim"
	"5.4.188 shim"
	"5.4.189 native"
	"5.4.302 native"	# reported as 5.4.255 since "kbuild: clamp SUBLEVEL to 255"
	"5.5.0 shim"
	"5.10.0 shim"
	"5.10.109 shim"
	"5.10.110 native"
	"5.10.223 native"
	"5.11.0 shim"
	"5.11.22 shim"
	"5.12.0 native"
	"5.14.0 native -DRHEL_MAJOR=9 -DRHEL_MINOR=4 -DRHEL_RELEASE_CODE=2308"
	"5.14.21 native -DCONFIG_SUSE_KERNEL=1"
	"5.15.0 native -DUTS_UBUNTU_RELEASE_ABI=91"
	"6.1.192 native"
)
# decision_table COMPAT_DIR: every row of the table holds for that compat/
decision_table() {
	local row v want flags got bad=0
	for row in "${decisions[@]}"; do
		read -r v want flags <<< "$row"
		# shellcheck disable=SC2086 # flags are words
		if markers "$1" "$v" $flags | grep -qx V4MAPPED; then got=shim; else got=native; fi
		[ "$got" = "$want" ] || { echo "$v ${flags:-}: V4MAPPED is $got, table says $want"; bad=1; }
	done
	return "$bad"
}
check "version gate V4MAPPED follows the decision table (5.4.188/189, 5.10.109/110, 5.11.22, 5.12.0, 5.14.0+RHEL 9.4, 5.4.302=5.4.255)" \
	decision_table "$TOP/compat"
forced() { markers "$TOP/compat" 6.1.192 -DOVPN_FORCE_V4MAPPED_SHIM | grep -qx V4MAPPED; }
check "OVPN_FORCE_V4MAPPED_SHIM compiles the v4-mapped shim on 6.1.192" forced
# Recorded failing case: the same test on a compat/ whose 5.10 gate is moved
# by one stable release (5.10.110 -> 5.10.111) must fail.
cp -a "$TOP/compat" "$tmp/moved"
sed -i 's/LINUX_VERSION_IS_LESS(5, 10, 110)/LINUX_VERSION_IS_LESS(5, 10, 111)/' "$tmp/moved/include/net/udp_tunnel.h"
check "a compat/ with the 5.10 gate moved to 5.10.111 differs" \
	fails cmp -s "$TOP/compat/include/net/udp_tunnel.h" "$tmp/moved/include/net/udp_tunnel.h"
check "the decision table fails when the 5.10 gate is moved by one stable release" \
	fails decision_table "$tmp/moved"
check "compat.h refuses kernels before $OVPN_KERNEL_MIN ($below_min)" fails markers "$TOP/compat" "$below_min"
check "compat.h accepts $OVPN_KERNEL_MIN.0" markers "$TOP/compat" "$OVPN_KERNEL_MIN.0"
# no_range: markers without the range flags fails (compat.h's #error)
no_range() { local range_cppflags=(); ! markers "$TOP/compat" "$OVPN_KERNEL_MIN.0" 2>&1; }
check "compat.h refuses a compile without the range Kbuild passes" no_range
# no gate depends on a distribution: the same shims with and without its macros
same_without_distro() {
	local v
	for v in 5.4.0 5.14.0 5.15.0 6.1.0; do
		diff <(markers "$TOP/compat" "$v") \
			<(markers "$TOP/compat" "$v" -DRHEL_MAJOR=9 -DRHEL_MINOR=6 -DRHEL_RELEASE_CODE=2310 \
				-DCONFIG_SUSE_KERNEL=1 -DUTS_UBUNTU_RELEASE_ABI=91) || return 1
	done
}
check "no gate depends on RHEL_RELEASE_CODE, CONFIG_SUSE_KERNEL or the Ubuntu ABI" same_without_distro
sublevels() {
	! grep -rhoE '(LINUX_VERSION_IS_(LESS|GEQ)|KERNEL_VERSION)\([0-9]+, *[0-9]+, *[0-9]+\)' "$TOP/compat" |
		awk -F'[(), ]+' '$4 > 255 { print; bad = 1 } END { exit !bad }'
}
check "no version gate names a sublevel above 255" sublevels

# Each probe, export and macro gate switches its own shim: from the oldest
# kernel (no OVPN_HAVE_*, no macro) or the newest (all of them), its flag
# alone changes exactly its marker. FLAG: -DOVPN_HAVE_<NAME>, or -D<macro>.
mapfile -t gateflags < <(awk -F'\t' '
	$2 == "probe" || $2 == "export" { print "-DOVPN_HAVE_" $1 "\t" $1 "\t" $6 }
	$2 == "macro" { print "-D" $4 "\t" $1 "\t" $6 }' "$tmp/dump")
all=()
for g in "${gateflags[@]}"; do all+=("${g%%$'\t'*}"); done
markers "$TOP/compat" 6.1.192 > "$tmp/base-none"
markers "$TOP/compat" 6.1.192 "${all[@]}" > "$tmp/base-all"
# toggles FLAG SHIM: FLAG switches exactly SHIM in one of the two bases
toggles() {
	local flag="$1" shim="$2" f others=()
	for f in "${all[@]}"; do [ "$f" = "$flag" ] || others+=("$f"); done
	[ "$(LC_ALL=C comm -3 "$tmp/base-none" <(markers "$TOP/compat" 6.1.192 "$flag") | tr -d '\t')" = "$shim" ] ||
	[ "$(LC_ALL=C comm -3 "$tmp/base-all" <(markers "$TOP/compat" 6.1.192 "${others[@]}") | tr -d '\t')" = "$shim" ] ||
		{ echo "$flag does not switch exactly $shim"; return 1; }
}
for g in "${gateflags[@]}"; do
	IFS=$'\t' read -r flag name shim <<< "$g"
	check "gate $name ($flag) switches shim $shim alone" toggles "$flag" "$shim"
done
check "a gate that switched another gate's shim would be caught" \
	fails toggles -DOVPN_HAVE_NETDEV_LOCK NETDEV_LLTX

# --- the matrix kernels: expected probe sets, stdin, Debian 6.1's report ---
# set_of K: the OVPN_HAVE_ set of matrix kernel K against its expected file
set_of() {
	local s o
	read -r s o < <(kernel_trees "$1") && diff <(grep -v '^#' "${2:-$TOP/tests/probes/$1.expected}") <("$gates" --set "$s" "$o")
}
for k in $KERNELS_ALL; do
	check "$k: probe set is tests/probes/$k.expected" set_of "$k"
done
grep -v '^OVPN_HAVE_SK_USE_TASK_FRAG$' "$TOP/tests/probes/debian-6.1.expected" > "$tmp/flipped.expected"
check "a probe that flips is caught (debian-6.1 without SK_USE_TASK_FRAG expected)" \
	fails set_of debian-6.1 "$tmp/flipped.expected"

# stdin: a pipe that never ends; debian-5.10 has no net/gso.h, net/hotdata.h
read -r s510 o510 < <(kernel_trees debian-5.10)
# no_stdin: gates.sh finishes with a stdin that never delivers nor closes
no_stdin() {
	local rc=0 pid
	exec 3< <(sleep 120)
	pid=$!
	timeout 60 "$gates" --cppflags "$s510" "$o510" <&3 > "$tmp/flags510" || rc=$?
	exec 3<&-
	kill "$pid" 2>/dev/null || true
	[ "$rc" -eq 0 ] && grep -q '^ok' "$tmp/flags510"
}
check "probing debian-5.10 (no net/gso.h) never reads stdin (stdin: a pipe that never delivers)" no_stdin

read -r s61 o61 < <(kernel_trees debian-6.1)
"$gates" --report --shims <(grep -v '^#' "$TOP/tests/probes/debian-6.1.shims") "$s61" "$o61" > "$tmp/report61"
native_on_61() {
	local g
	for g in NETDEV_PCPU_STAT_DSTATS PCPU_DSTATS SK_USE_TASK_FRAG dst_rt6_info KERNEL_SENDPAGE_LOCKED; do
		grep -qE "^$g +[a-z]+ +native " "$tmp/report61" || { echo "$g is not native"; return 1; }
	done
}
check "debian-6.1.192: the kernel's DSTATS, sk_use_task_frag, dst_rt6_info and sendpage are used, not shims" \
	native_on_61

# --- README compat table ---
check "README's compat table is what devel/compat-table.sh writes from compat/" \
	"$TOP/devel/compat-table.sh" --check "$TOP/README.md"
tap_done
