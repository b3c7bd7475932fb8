#!/usr/bin/env bash
# The semantic patches with the coccinelle of each Debian release a user may
# have: bullseye 1.1.0, trixie 1.3.0 (the host's, bookworm 1.1.1, is the
# reference). Each must pass the unit tests and generate, from upstream 7.3.4,
# 7.2.13 and the older upstream shapes of 6.16 and 7.0 derived from the pin
# (tests/older-upstream/), a tree byte-identical to the host's.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

suites="${SPATCH_SUITES:-bullseye trixie}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v spatch >/dev/null || { echo "Bail out! spatch not found (apt-get install coccinelle)"; exit 1; }
diag "reference: $(spatch --version | head -n1)"
# SPATCH_SOURCES: the upstreams to generate from (default: the pin and 7.2)
read -r -a sources <<< "${SPATCH_SOURCES:-pin debian:linux-source-7.2}"
pristine=()
for i in "${!sources[@]}"; do
	src="${sources[$i]}"
	args=()
	[ "$src" = pin ] || args=("$src")
	p=$("$TOP/devel/fetch-upstream.sh" "${args[@]}" 2>"$tmp/fetch.err") || p=""
	[ -n "$p" ] || { sed 's/^/#   /' "$tmp/fetch.err"; echo "Bail out! cannot fetch upstream ($src)"; exit 1; }
	pristine[i]="$p"
	if "$TOP/devel/gentree.sh" --out "$tmp/ref$i" "$p" 2>"$tmp/gen.err"; then ok=0; else ok=1; fi
	tap "$ok" "reference tree from $(sed -n 's/^UPSTREAM_KVER=//p' "$p/PROVENANCE") with the host's spatch"
done
# the older shapes of the constructs (other rules of the patches run there):
# 6.16 and 7.0 between them take every rule the other shapes take
older=(v6.16 v7.0)
for shape in "${older[@]}"; do
	i=${#pristine[@]}
	check "derive an upstream of the shape of $shape from the pin" \
		"$TOP/tests/older-upstream/derive.sh" "$shape" "${pristine[0]}" "$tmp/older-$shape"
	pristine[i]="$tmp/older-$shape"
	check "reference tree from the $shape shape with the host's spatch" \
		"$TOP/devel/gentree.sh" --out "$tmp/ref$i" "$tmp/older-$shape"
done

for s in $suites; do
	if bin=$("$TOP/tests/spatch-from-suite.sh" "$s" 2>"$tmp/fetch.err"); then ok=0; else ok=1; fi
	tap "$ok" "coccinelle of $s runs here"
	if [ "$ok" -ne 0 ]; then
		sed 's/^/#   /' "$tmp/fetch.err"
		not_run "$s: every semantic patch passes its unit test" "no coccinelle of $s"
		for src in "${sources[@]}"; do
			not_run "$s: the tree generated from $src is byte-identical to the reference" "no coccinelle of $s"
		done
		continue
	fi
	ver=$(PATH="$bin:$PATH" spatch --version 2>&1 | head -n1 || true)
	diag "$s: $ver"
	if PATH="$bin:$PATH" "$TOP/tests/cocci/run.sh" > "$tmp/unit.$s" 2>&1; then ok=0; else ok=1; fi
	tap "$ok" "$s ($ver): every semantic patch passes its unit test"
	grep -E '^not ok|Bail out' "$tmp/unit.$s" | sed 's/^/#   /' || true
	for i in "${!pristine[@]}"; do
		p="${pristine[$i]}"
		up=$(sed -n 's/^UPSTREAM_KVER=//p' "$p/PROVENANCE")
		case "$p" in "$tmp"/older-*) up="the ${p##*/older-} shape" ;; esac
		: > "$tmp/diff"
		if PATH="$bin:$PATH" "$TOP/devel/gentree.sh" --out "$tmp/$s$i" "$p" 2>"$tmp/gen.err" &&
			diff -r "$tmp/ref$i" "$tmp/$s$i" > "$tmp/diff" 2>&1; then ok=0; else ok=1; fi
		tap "$ok" "$s: the tree generated from upstream $up is byte-identical to the reference"
		[ "$ok" -eq 0 ] || sed 's/^/#   /' "$tmp/gen.err" "$tmp/diff" | head -n 40
		rm -rf "${tmp:?}/$s$i"
	done
done
tap_done
