#!/usr/bin/env bash
# make bench's deterministic mode, host side (sourced by bench.sh): the TCG
# plugin that counts guest instructions (icount-plugin.c) and the guest's
# marker program (icount-mark.c), built with the host's gcc for this run.

# icount_build DIR: DIR/icount-plugin.so and DIR/icount-mark (static);
# dies when gcc fails
icount_build() {
	local dir="$1" src
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	mkdir -p "$dir"
	gcc -shared -fPIC -O2 -Wall -o "$dir/icount-plugin.so" "$src/icount-plugin.c" ||
		{ echo "bench: building icount-plugin.so failed" >&2; exit 2; }
	gcc -static -O2 -Wall -o "$dir/icount-mark" "$src/icount-mark.c" ||
		{ echo "bench: building icount-mark (static; libc6-dev) failed" >&2; exit 2; }
}

# icount_smoke DIR: the plugin loads into qemu-system-x86_64 and counts (the
# firmware's instructions in a few seconds without a guest kernel): its
# whole-run line (window 0) has a nonzero count
icount_smoke() {
	local dir="$1"
	rm -f "$dir/smoke.tsv"
	timeout 3 qemu-system-x86_64 -display none -nodefaults -monitor none -accel tcg,thread=single \
		-icount "shift=0,sleep=off" -smp 1 -plugin "file=$dir/icount-plugin.so,out=$dir/smoke.tsv" \
		> "$dir/smoke.log" 2>&1 || true
	awk '$1 == 0 && $2 + $3 > 0 {ok = 1} END {exit !ok}' "$dir/smoke.tsv"
}
