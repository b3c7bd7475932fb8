#!/usr/bin/env bash
# Release hygiene, no root needed: the supported range is written once
# (scripts/kernel-range.conf) and everything else agrees with it; the Makefile
# regenerates what it must, once, and never loops; the release tarball ships
# no developer tooling and works without it; the helper scripts the packages
# run (openvpn version check, the per-kernel DKMS loop) behave.
# --can-fail: two checks fed a deliberately broken input (a script and a
# README prose line that write the range, README's generated range block
# with another range) fail.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/kernel-tree.sh
. "$TOP/scripts/kernel-tree.sh"

canfail=0
case "${1:-}" in
-h|--help)
	sed -n '2,9s/^# \{0,1\}//p' "$0"
	exit 0
	;;
--can-fail) canfail=1 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
last=$(krange_last)
max="${last/x/999}.999"

# --- the range: one place -----------------------------------------------------
# README states the range only in its generated kernel-range block
# (devel/readme-range.sh, from kernel-range.conf and dkms.conf.in); its prose
# refers to that block.
# prose FILE: FILE with its generated blocks (<!-- BEGIN x ... --> ... <!-- END x -->)
# blanked, line numbers kept
prose() {
	awk '/^<!-- BEGIN [a-z0-9-]+ \(/ { skip = 1 } { print skip ? "" : $0 } /^<!-- END [a-z0-9-]+ -->$/ { skip = 0 }' "$1"
}
# range_elsewhere [DIR]: tracked files (of DIR: any file) other than kernel-range.conf,
# and README outside its generated blocks, that write the range (its bounds as a
# range, a DKMS bound, a version-code bound)
range_elsewhere() {
	local min_re="${OVPN_KERNEL_MIN//./\\.}" end_re="${OVPN_KERNEL_INTREE//./\\.}"
	local last_re="${last//./\\.}" hits readme="" dir="${1:-$TOP}" idx=() res
	[ "$dir" = "$TOP" ] || idx=(--no-index)
	res=(-e "$min_re ?(to|-|–) ?$last_re" -e "${last_re}\\.999"
		-e "(since|from) (Linux )?$end_re|$end_re (and|or) (later|newer)"
		-e "older than $min_re" -e "LINUX_VERSION_IS_LESS\\(${OVPN_KERNEL_MIN/./, *}, *0\\)"
		-e "\\* 65536 \\+ ${OVPN_KERNEL_MIN#*.} \\* 256|\\* 65536 \\+ ${OVPN_KERNEL_INTREE#*.} \\* 256")
	hits=$(cd "$dir" && git grep "${idx[@]}" -nE "${res[@]}" -- . ':!scripts/kernel-range.conf' ':!README.md' || true)
	[ ! -f "$dir/README.md" ] ||
		readme=$(prose "$dir/README.md" | grep -nE "${res[@]}" | sed 's/^/README.md (prose):/' || true)
	hits+="${readme:+${hits:+$'\n'}$readme}"
	[ -z "$hits" ] || { echo "$hits"; return 1; }
}

# readme_range FILE: FILE's kernel-range block is what devel/readme-range.sh writes
readme_range() { "$TOP/devel/readme-range.sh" --check "$1"; }

# The DKMS range of dkms.conf against krange_class, on every MAJOR.MINOR from 2.0
# to 12.40 with the suffixes distributions use: the regex alone (what DKMS before
# 3.0.11 reads) and MIN/MAX alone, compared the way DKMS does (its VER function,
# taken from the installed dkms).
dkms_conf_range() {
	local conf="$1" re lo hi vlo vhi maj min k cls vk in_re in_mm want bad=0
	# shellcheck disable=SC1090,SC2034 # dkms.conf is a bash fragment
	re=$(kernelver=x kernel_source_dir=x; . "$conf"; echo "$BUILD_EXCLUSIVE_KERNEL")
	# shellcheck disable=SC1090,SC2034
	lo=$(kernelver=x kernel_source_dir=x; . "$conf"; echo "$BUILD_EXCLUSIVE_KERNEL_MIN")
	# shellcheck disable=SC1090,SC2034
	hi=$(kernelver=x kernel_source_dir=x; . "$conf"; echo "${BUILD_EXCLUSIVE_KERNEL_MAX:-}")
	eval "$(sed -n '/^VER()/,/^}/p' /usr/sbin/dkms)"
	declare -F VER >/dev/null || { echo "no VER() in /usr/sbin/dkms"; return 1; }
	vlo=$(VER "$lo") vhi=$(VER "$hi")
	for ((maj = 2; maj <= 12; maj++)); do
		for ((min = 0; min <= 40; min++)); do
			cls=$(krange_class "$maj" "$min")
			for k in "$maj.$min" "$maj.$min.0" "$maj.$min.11-1-amd64" "$maj.$min.0-32-generic" \
				"$maj.$min.95+deb12-amd64" "$maj.$min-rc3"; do
				vk=$(VER "$k") in_re=no in_mm=no
				[[ ! "$k" =~ $re ]] || in_re=yes
				if [[ ! "$vk" < "$vlo" ]] && { [ -z "$hi" ] || [[ ! "$vk" > "$vhi" ]]; }; then
					in_mm=yes
				fi
				[ "$cls" = supported ] && want=yes || want=no
				[ "$in_re" = "$want" ] || { echo "regex: $k ($cls): $in_re"; bad=1; }
				[ "$in_mm" = "$want" ] || { echo "MIN/MAX: $k ($cls): $in_mm"; bad=1; }
			done
		done
	done
	return "$bad"
}

# bad_readme FILE: README whose generated range block says another range
bad_readme() { sed "0,/Linux $(krange_text)/s//Linux $OVPN_KERNEL_MIN to 6.1/" "$TOP/README.md" > "$1"; }
if [ "$canfail" = 1 ]; then
	# --can-fail (tests/t-canfail.sh): two checks fed a deliberately broken input,
	# a tree with a script and a README prose line that write the range themselves,
	# and a README whose generated block says another range: each must print "not ok".
	mkdir -p "$tmp/tree/scripts"
	printf '%s\n' "echo 'ovpn-backports supports Linux $OVPN_KERNEL_MIN to $last'" > "$tmp/tree/scripts/range.sh"
	printf '%s\n' "# ovpn-backports" "" "It supports Linux $OVPN_KERNEL_MIN to $last." > "$tmp/tree/README.md"
	check "the range ($(krange_text)) is written in scripts/kernel-range.conf only (git grep; README: outside its generated blocks)" \
		range_elsewhere "$tmp/tree"
	bad_readme "$tmp/README.bad"
	check "README's kernel-range block is what devel/readme-range.sh writes from kernel-range.conf and dkms.conf.in" \
		readme_range "$tmp/README.bad"
	tap_done
	exit 0
fi

check "the range ($(krange_text)) is written in scripts/kernel-range.conf only (git grep; README: outside its generated blocks)" \
	range_elsewhere
printf '%s\n' "" "Supported: Linux $OVPN_KERNEL_MIN to $last." >> "$tmp/README.prose"
prose_restates() {
	rm -rf "$tmp/prose" && mkdir -p "$tmp/prose" && cat "$TOP/README.md" "$tmp/README.prose" > "$tmp/prose/README.md" &&
		! range_elsewhere "$tmp/prose"
}
check "the range check fails on a README whose prose (outside the blocks) restates the range" prose_restates
check "README's kernel-range block is what devel/readme-range.sh writes from kernel-range.conf and dkms.conf.in" \
	readme_range "$TOP/README.md"
bad_readme "$tmp/README.bad"
check "the README check fails on a README whose block says another range" \
	eval '! readme_range "$tmp/README.bad"'
check "RHEL 8 (4.18) is below the range, RHEL 9 (5.14) in it (krange_class, which sorts README's distributions)" \
	eval '[ "$(krange_class 4 18)" = below ] && [ "$(krange_class 5 14)" = supported ]'

check "devel/subst.sh fills in dkms.conf.in completely" \
	eval '"$TOP/devel/subst.sh" "$TOP/dkms.conf.in" > "$tmp/dkms.conf" && ! grep -n "@[A-Z_]*@" "$tmp/dkms.conf"'
check "dkms.conf: the regex, and MIN/MAX as DKMS compares them, each take exactly $(krange_text) (2.0 to 12.40, 6 suffixes)" \
	dkms_conf_range "$tmp/dkms.conf"
sed 's/^\(\tBUILD_EXCLUSIVE_KERNEL_MAX=\).*/\1"6.16.999"/' "$tmp/dkms.conf" > "$tmp/dkms.conf.bad"
check "the dkms.conf check fails when MAX lets $OVPN_KERNEL_INTREE through" \
	eval '! dkms_conf_range "$tmp/dkms.conf.bad" >/dev/null'

# The opt-in: no upper bound, and make is told.
optin() {
	local v
	# shellcheck disable=SC1090,SC2034
	v=$(OVPN_ALLOW_INTREE_KERNEL=1 kernelver=7.3.4+deb13-amd64 kernel_source_dir=/k; . "$1"
		echo "max=${BUILD_EXCLUSIVE_KERNEL_MAX:-} make=${MAKE[0]}"
		[[ 7.3.4+deb13-amd64 =~ $BUILD_EXCLUSIVE_KERNEL ]] && echo regex=7.3
		[[ 5.3.18 =~ $BUILD_EXCLUSIVE_KERNEL ]] && echo regex=5.3)
	echo "$v"
	[ "$v" = "max= make=make KERNEL_SRC=/k KVER=7.3.4+deb13-amd64 OVPN_ALLOW_INTREE_KERNEL=1
regex=7.3" ]
}
check "dkms.conf with OVPN_ALLOW_INTREE_KERNEL=1: no MAX, the regex takes 7.3 (not 5.3), make gets the opt-in" \
	optin "$tmp/dkms.conf"
# Kernels of $OVPN_KERNEL_INTREE and later by their configuration: DKMS sets
# kernel_source_dir before it sources dkms.conf; a .config without CONFIG_OVPN
# lifts the upper bound (no opt-in), CONFIG_OVPN=m keeps it.
mkdir -p "$tmp/kno" "$tmp/kmod"
echo '# CONFIG_OVPN is not set' > "$tmp/kno/.config"
echo 'CONFIG_OVPN=m' > "$tmp/kmod/.config"
# by_config CONF KDIR: what CONF decides for a 7.3 kernel whose tree is KDIR
by_config() {
	# shellcheck disable=SC1090,SC2034
	(unset OVPN_ALLOW_INTREE_KERNEL; kernelver=7.3.4+deb13-amd64 kernel_source_dir="$2"; . "$1"
		echo "max=${BUILD_EXCLUSIVE_KERNEL_MAX:-} make=${MAKE[0]}"
		[[ 7.3.4+deb13-amd64 =~ $BUILD_EXCLUSIVE_KERNEL ]] && echo regex=7.3
		[[ 5.3.18 =~ $BUILD_EXCLUSIVE_KERNEL ]] && echo regex=5.3
		true)	# (the decision is what it prints: its status, under pipefail, is not)
}
# takes_7_3 CONF KDIR: CONF builds for 7.3 in KDIR without the opt-in
takes_7_3() {
	local v
	v=$(by_config "$1" "$2")
	echo "$v"
	[ "$v" = "max= make=make KERNEL_SRC=$2 KVER=7.3.4+deb13-amd64
regex=7.3" ]
}
check "dkms.conf: a 7.3 kernel whose .config lacks CONFIG_OVPN is built (no MAX, the regex takes 7.3, no opt-in)" \
	takes_7_3 "$tmp/dkms.conf" "$tmp/kno"
check "dkms.conf: a 7.3 kernel with CONFIG_OVPN=m is skipped as before (MAX $max)" \
	eval 'by_config "$tmp/dkms.conf" "$tmp/kmod" | grep -qx "max=$max make=make KERNEL_SRC=$tmp/kmod KVER=7.3.4+deb13-amd64"'
check "dkms.conf: a 7.3 kernel without a .config to tell is skipped as before (MAX $max)" \
	eval 'by_config "$tmp/dkms.conf" "$tmp/none" | grep -qx "max=$max make=.*"'
sed '/^if \[ -r "\$ovpn_kconfig" \]/,/^elif /{s/^if .*/if false; then/;s/^elif /elif /}' "$tmp/dkms.conf" > "$tmp/dkms.conf.noconfig"
check "the configuration check fails on a dkms.conf that ignores the kernel's configuration" \
	eval '! takes_7_3 "$tmp/dkms.conf.noconfig" "$tmp/kno" >/dev/null'
# notice_by_config: dkms-notice.sh names a 7.3 kernel without CONFIG_OVPN as built,
# one with it as skipped
notice_by_config() {
	local r="$tmp/root" out
	mkdir -p "$r/lib/modules/7.3.4+deb13-amd64" "$r/lib/modules/7.2.12+deb13-amd64"
	ln -sfn "$tmp/kno" "$r/lib/modules/7.3.4+deb13-amd64/build"
	ln -sfn "$tmp/kmod" "$r/lib/modules/7.2.12+deb13-amd64/build"
	out=$(env -u OVPN_ALLOW_INTREE_KERNEL "$TOP/scripts/dkms-notice.sh" --root "$r")
	echo "$out"
	grep -q '^ovpn-backports: kernel 7.3.4+deb13-amd64 is built without ovpn (CONFIG_OVPN is not set): DKMS builds this backport for it$' <<< "$out" &&
		grep -q '^ovpn-backports: kernel 7.2.12+deb13-amd64 is skipped: Linux' <<< "$out" &&
		[ "$(wc -l <<< "$out")" = 2 ]
}
check "dkms-notice.sh: a $OVPN_KERNEL_INTREE+ kernel without CONFIG_OVPN is named as built, one with it as skipped" \
	notice_by_config
check "dkms.conf: CLEAN=\"true\" (no deprecation warning on DKMS 3.1.8+, no kernel make clean before)" \
	grep -qx 'CLEAN="true"' "$tmp/dkms.conf"

# compat.h's #error takes the bound Kbuild passes (from kernel-range.conf).
k61=$("$TOP/devel/fetch-kernel.sh" debian-6.1)
compat_error() {
	gcc -E -I"$k61/include" -I"$(dirname "$k61")/linux-headers-6.1.0-56-common/include" \
		-I"$k61/include/generated/uapi" "$@" "$TOP/compat/compat.h" -o /dev/null 2>&1 |
		grep -c 'error: #error.*older than the oldest supported' || true
}
check "compat.h on 6.1 headers: #error only when the oldest supported is above 6.1 (-D as Kbuild passes it)" \
	eval '[ "$(compat_error -DOVPN_KERNEL_MIN_MAJOR=6 -DOVPN_KERNEL_MIN_MINOR=1)" = 0 ] &&
	      [ "$(compat_error -DOVPN_KERNEL_MIN_MAJOR=6 -DOVPN_KERNEL_MIN_MINOR=2)" = 1 ]'
check "Kbuild passes the oldest supported kernel from scripts/kernel-range.conf" \
	grep -q 'include $(ovpn_bp)/scripts/kernel-range.conf' "$TOP/Kbuild"

check "check-kernel.sh and dkms-notice.sh say the range of kernel-range.conf" \
	eval '"$TOP/scripts/check-kernel.sh" --help | grep -q "Linux $(krange_text)" &&
	      "$TOP/scripts/dkms-notice.sh" 6.0.1 "$OVPN_KERNEL_INTREE.0" "${OVPN_KERNEL_MIN%.*}.0.0" |
	      grep -c skipped | grep -qx 2'

# --- the Makefile: regenerates once, never loops ------------------------------
# A copy of the checkout's Makefile and inputs, with a stand-in gentree that only
# logs its runs and stamps backports/PROVENANCE (spatch is not what is tested).
mkcopy() {
	local c="$1" mk="${2:-$TOP/Makefile}"
	rm -rf "$c"
	mkdir -p "$c/devel" "$c/scripts" "$c/debian" "$c/backports"
	cp "$mk" "$c/Makefile"
	cp -a "$TOP/upstream.pin" "$TOP/VERSION" "$TOP/dkms.conf.in" "$TOP/patches" "$c/"
	cp -a "$TOP/scripts/kernel-range.conf" "$TOP/scripts/kernel-tree.sh" "$c/scripts/"
	cp -a "$TOP/devel/subst.sh" "$c/devel/"
	cp -a "$TOP/debian/control.in" "$c/debian/"
	printf '#!/bin/sh\necho /pristine\n' > "$c/devel/fetch-upstream.sh"
	# (it fails from its 6th run on: a Makefile that recurses stops there)
	cat > "$c/devel/gentree.sh" <<-EOF
	#!/bin/sh
	[ \$(wc -l < "$c/gentree.log") -lt 5 ] || exit 1
	echo run >> "$c/gentree.log"
	printf 'UPSTREAM_KVER=7.3.4\nPACKAGE_VERSION=7.3.4+bp1\n' > "$c/backports/PROVENANCE"
	EOF
	chmod +x "$c/devel/fetch-upstream.sh" "$c/devel/gentree.sh"
	# everything in the past, the generated files after their inputs
	find "$c" -exec touch -d '-2 hours' {} +
	printf 'UPSTREAM_KVER=7.3.4\nPACKAGE_VERSION=7.3.4+bp1\n' > "$c/backports/PROVENANCE"
	touch -d '-1 hour' "$c/backports/PROVENANCE"
	: > "$c/gentree.log"
}
runs() { wc -l < "$1/gentree.log"; }
c="$tmp/mk"
# regen_after FILE: touching FILE makes `make dkms.conf` run gentree exactly once
regen_after() {
	mkcopy "$c" && make -s -C "$c" dkms.conf >/dev/null && [ "$(runs "$c")" = 0 ] &&
		touch "$c/$1" && make -s -C "$c" dkms.conf >/dev/null && [ "$(runs "$c")" = 1 ] &&
		grep -q 'PACKAGE_VERSION="7.3.4+bp1"' "$c/dkms.conf" &&
		make -s -C "$c" dkms.conf >/dev/null && [ "$(runs "$c")" = 1 ]
}
for f in upstream.pin VERSION devel/gentree.sh patches/series; do
	check "Makefile: touching $f regenerates backports/ once (then nothing)" regen_after "$f"
done
# future_patch MAKEFILE: with a patch dated in the future, make dkms.conf and make
# sources succeed within 30 s each, running gentree at most 3 times
future_patch() {
	local rc=0
	mkcopy "$c" "$1" && touch -d '+1 day' "$c/patches/series" &&
		{ timeout 30 make -s -C "$c" dkms.conf >/dev/null 2>&1 || rc=$?; } &&
		[ "$rc" = 0 ] && { timeout 30 make -s -C "$c" sources >/dev/null 2>&1 || rc=$?; } &&
		echo "gentree runs: $(runs "$c"), exit $rc" && [ "$rc" = 0 ] && [ "$(runs "$c")" -le 3 ]
}
check "Makefile: a patch dated in the future: make dkms.conf and make sources terminate" \
	future_patch "$TOP/Makefile"
# The check can fail: on the Makefile rules that recursed (kept as a fixture).
check "the check fails on Makefile rules that recurse (tests/release/Makefile.recursing): gentree runs until it gives up" \
	eval '! future_patch "$TOP/tests/release/Makefile.recursing"'

# --- the release tarball: no devel/, and it works without it ---------------
tb=$(SOURCE_DATE_EPOCH=1700000000 "$TOP/devel/dist.sh" --out "$tmp/dist" 2>/dev/null)
tbname=$(basename "$tb" .tar.xz)
tar -C "$tmp" -xf "$tb"
src="$tmp/$tbname"
contents() {
	local list bad=0 f
	list=$(tar -tf "$tb" | sed "s|^$tbname/||" | cut -d/ -f1 | sort -u | grep . | tr '\n' ' ')
	echo "top level: $list"
	[ "$list" = "COPYING Kbuild Makefile README.md backports compat dkms.conf ovpn-backports-dkms.spec scripts " ] || bad=1
	for f in scripts/kernel-range.conf scripts/dkms-kernels.sh scripts/openvpn-check.sh \
		backports/PROVENANCE backports/version.h; do
		[ -e "$src/$f" ] || { echo "missing $f"; bad=1; }
	done
	return "$bad"
}
check "tarball: the DKMS tree (Makefile's DKMS_TREE) + README, COPYING, spec; no devel/, tests/, patches/" contents
check "tarball: make dkms-tree DEST= (what debian/rules and the spec run) installs the tarball's tree" \
	eval 'make -s -C "$src" dkms-tree DEST="$tmp/tree" &&
	      diff -r -x README.md -x COPYING -x ovpn-backports-dkms.spec "$src" "$tmp/tree" &&
	      [ "$(ls "$tmp/tree" | wc -l)" = 6 ]'
# nothing regenerates there, even with every file dated in the future
no_regen() {
	local out
	find "$src" -exec touch -d '+1 day' {} + &&
		out=$(make -n -C "$src" KVER=0.0.0-none build 2>&1) && echo "$out" &&
		! grep -qE 'gentree|fetch-upstream|subst' <<< "$out" && make -q -C "$src" "$src/dkms.conf" &&
		make -q -C "$src" "$src/backports/PROVENANCE"
}
check "tarball: nothing regenerates (files dated in the future: make -n build, make -q dkms.conf)" no_regen
# expect_fail PATTERN CMD...: CMD fails and says PATTERN
expect_fail() {
	local pat="$1" out; shift
	if out=$("$@" 2>&1); then echo "succeeded: $out"; return 1; fi
	echo "$out"
	grep -qE "$pat" <<< "$out"
}
check "tarball: make sources says it needs a git checkout" \
	expect_fail "make sources' needs a git checkout" make -s -C "$src" sources
check "tarball: make dist says it needs a git checkout" \
	expect_fail "make dist' needs a git checkout" make -s -C "$src" dist
check "tarball: make KERNEL=debian-6.1 (the test-matrix fetcher is devel/) says it needs a checkout" \
	expect_fail "KERNEL=debian-6.1 .*needs a git checkout" make -s -C "$src" KERNEL=debian-6.1
check "tarball: make KVER=<no headers> names the missing kernel tree" \
	expect_fail "no kernel tree at /lib/modules/0.0.0-none/build" make -s -C "$src" KVER=0.0.0-none
check "tarball: make help works and names the range" \
	eval 'make -s -C "$src" help | grep -q "Supported kernels: Linux $(krange_text)"'

# --- what the packages run: the openvpn check and the per-kernel DKMS loop ---
mkdir -p "$tmp/ovpn26" "$tmp/ovpn27"
for v in 2.6.14 2.7.8; do
	d="$tmp/ovpn${v:0:1}${v:2:1}"
	printf '#!/bin/sh\necho "OpenVPN %s x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [DCO]"\nexit 1\n' \
		"$v" > "$d/openvpn"
	chmod +x "$d/openvpn"
done
check "openvpn-check.sh: an openvpn 2.6 on PATH gets the one-line note (2.6 speaks ovpn-dco, get 2.7)" \
	eval 'PATH="$tmp/ovpn26:$PATH" "$TOP/scripts/openvpn-check.sh" |
	      grep -q "is OpenVPN 2.6.14, which speaks the older out-of-tree ovpn-dco interface and will not use this module: install OpenVPN 2.7"'
check "openvpn-check.sh: openvpn 2.7 gets no note" \
	eval '[ -z "$(PATH="$tmp/ovpn27:$PATH" "$TOP/scripts/openvpn-check.sh")" ]'
# make install (scripts/install.sh) with openvpn 2.6: installs, and says so. The
# module: an object with only a .modinfo section (what install.sh reads).
install_note() {
	local out
	gcc -c -x c /dev/null -o "$tmp/empty.o" &&
		printf 'vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions \0name=ovpn\0' > "$tmp/modinfo" &&
		objcopy --add-section .modinfo="$tmp/modinfo" "$tmp/empty.o" "$src/ovpn.ko" &&
		out=$(PATH="$tmp/ovpn26:$PATH" make -s -C "$src" install INSTALL_MOD_PATH="$tmp/root" 2>&1) &&
		echo "$out" && [ -f "$tmp/root/lib/modules/6.1.0-56-amd64/updates/ovpn.ko" ] &&
		grep -q 'OpenVPN 2.6.14, which speaks the older' <<< "$out"
}
check "make install with an openvpn 2.6 on PATH installs the module and prints the note" install_note

# A fake dkms: "dkms build" exits as $tmp/dkms-rc/<kernel> says (DKMS 2.8's
# BUILD_EXCLUSIVE message with 9), "dkms install" logs.
mkdir -p "$tmp/fakedkms" "$tmp/dkms-rc"
cat > "$tmp/fakedkms/dkms" <<EOF
#!/bin/bash
k=\$(sed -n 's/.* -k \([^ ]*\).*/\1/p' <<< "\$*")
case "\$1" in
build)
	rc=\$(cat "$tmp/dkms-rc/\$k")
	[ "\$rc" != 9x ] || { echo "Error! Bad return status for module build on kernel: \$k"; exit 9; }
	[ "\$rc" != 9 ] || echo "Error! The /var/lib/dkms/ovpn/1/\$k/x86_64/dkms.conf for module ovpn includes a BUILD_EXCLUSIVE directive which does not match this kernel/arch."
	exit "\$rc" ;;
install) echo "\$k" >> "$tmp/dkms-installed" ;;
esac
EOF
chmod +x "$tmp/fakedkms/dkms"
echo 0 > "$tmp/dkms-rc/6.1.0-56-amd64"
echo 9 > "$tmp/dkms-rc/7.3.4+deb13-amd64"
echo 77 > "$tmp/dkms-rc/6.17.1-1-amd64"
echo 9x > "$tmp/dkms-rc/6.12.95+deb12-amd64"
dkms_loop() {
	local out rc=0
	: > "$tmp/dkms-installed"
	out=$(PATH="$tmp/fakedkms:$PATH" "$TOP/scripts/dkms-kernels.sh" 1 "$@" 2>&1) || rc=$?
	echo "$out"
	echo "exit $rc"
	return "$rc"
}
loop_skips() {
	local out
	out=$(dkms_loop 6.1.0-56-amd64 7.3.4+deb13-amd64 6.17.1-1-amd64) && echo "$out" &&
		grep -q 'kernel 7.3.4+deb13-amd64 is skipped: Linux .* ship ovpn in-tree' <<< "$out" &&
		grep -q 'kernel 6.17.1-1-amd64 is skipped' <<< "$out" &&
		[ "$(cat "$tmp/dkms-installed")" = 6.1.0-56-amd64 ]
}
check "dkms-kernels.sh: DKMS 2.8's exit 9 (BUILD_EXCLUSIVE) and exit 77 are skips with the reason; 0 installs" loop_skips
loop_fails() {
	local out
	! out=$(dkms_loop 6.12.95+deb12-amd64) && echo "$out" &&
		grep -q "the DKMS build of ovpn 1 for 6.12.95+deb12-amd64 failed (exit 9" <<< "$out" &&
		[ ! -s "$tmp/dkms-installed" ]
}
check "dkms-kernels.sh: an exit 9 without the BUILD_EXCLUSIVE message is a failure (exit 1)" loop_fails

tap_done
