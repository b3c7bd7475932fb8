#!/usr/bin/env bash
# make bench's smoke run: one debian-6.1 guest, every variant once with a
# second of traffic; it must produce results.json with a complete measurement
# of every variant and the chart. No speed is asserted (a report, not a test).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# can_fail: the report checks on a fabricated results directory (no qemu): a
# requested variant without a measurement, a chart that is no PNG
can_fail() {
	local d
	d=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -rf '$d'" EXIT
	jq -n '{kernels: {"debian-6.1": {variants_requested: ["veth", "dco-udp-aes"], runs: [
		{variant: "veth", rep: 1, error: null, tcp1_mbps: 900, tcp4_mbps: 900, udp_mbps: 40,
		 udp_loss_pct: 0, rtt_median_ms: 0.3, rtt_p99_ms: 0.5},
		{variant: "dco-udp-aes", rep: 1, error: "no Initialization Sequence Completed"}]}}}' \
		> "$d/results.json"
	echo "not a png" > "$d/bench.png"
	check "results.json: every variant has a complete measurement; bench.png is a PNG (broken input)" \
		python3 "$TOP/tests/bench/report.py" --check "$d"
	tap_done
}

case "${1:-}" in
-h|--help)
	echo "Usage: tests/t-bench.sh [--can-fail]   (a suite of tests/run.sh; BENCH=none or VMTESTS=none skips it)"
	echo "  --can-fail   the report checks on a deliberately broken results directory (must be red)"
	exit 0 ;;
--can-fail) can_fail; exit ;;
esac

if [ "${BENCH:-smoke}" = none ] || [ "${VMTESTS:-fast}" = none ]; then
	echo "1..0 # skip BENCH=none or VMTESTS=none"
	exit 0
fi
results="$TOP/build/bench/ci"
rm -rf "$results"
mkdir -p "$TOP/build/bench"
bench_log="$TOP/build/bench/ci.log"

# The vm suite's 6.1 module, when it was built from the current tree (saves a build).
args=(--smoke --results "$results")
ko="$TOP/build/vmtest/ci/debian-6.1/build/ovpn.ko"
if [ -f "$ko" ] && [ "$ko" -nt "$TOP/backports/PROVENANCE" ]; then
	args+=(--module "debian-6.1=$ko")
	diag "using the vm suite's module $ko"
fi

# The deterministic mode's plugin and marker build, and the plugin counts
# (qemu for 3 s without a guest kernel: the firmware's instructions).
icount_dir="$TOP/build/bench/ci-icount"
rm -rf "$icount_dir"
icount_ok() {
	# shellcheck source=tests/bench/icount.sh
	. "$TOP/tests/bench/icount.sh" && (icount_build "$icount_dir") && icount_smoke "$icount_dir"
}
check "icount-plugin.so and icount-mark build; under qemu -icount the plugin counts instructions" icount_ok
fails() { ! "$@"; }
# icount_report KERNEL2 [USER2]: icount-report.py on two fabricated rounds
# whose second counts KERNEL2 kernel and USER2 (default 2.00) user
# instructions per byte (the first 60 and 2.00)
icount_report() {
	local d="$icount_dir/report"
	mkdir -p "$d/debian-7.3/bench"
	jq -cn --argjson k2 "$1" --argjson u2 "${2:-2.00}" '[[60, 2.00], [$k2, $u2]][] as [$k, $u] |
		{variant: "cli-udp-aes.ours", error: null, bytes_delivered: 1e6,
		 user_insn_per_byte: $u, kernel_insn_per_byte: $k, insn_per_byte: ($k + $u)}' \
		> "$d/debian-7.3/bench/raw.jsonl"
	python3 "$TOP/tests/bench/icount-report.py" "$d"
}
check "icount-report.py passes two rounds 0.25 % apart" icount_report 60.15
check "icount-report.py fails two rounds 1 % apart (determinism lost)" fails icount_report 60.6
# user instructions, 3 % of the total, are shown but do not gate
icount_user_only() { icount_report 60 2.02 | grep -qF '(1.000%)*'; }
check "icount-report.py passes user instructions alone 1 % apart, marked" icount_user_only
# icount_compare KERNEL: icount-report.py --compare, a run of 60 and 60.15
# kernel instructions per byte against one of KERNEL in both rounds
icount_compare() {
	local d="$icount_dir/other/debian-7.3/bench"
	mkdir -p "$d"
	icount_report 60.15 > /dev/null || return 1
	jq -c --argjson k "$1" '.kernel_insn_per_byte = $k | .insn_per_byte = $k + .user_insn_per_byte' \
		"$icount_dir/report/debian-7.3/bench/raw.jsonl" > "$d/raw.jsonl"
	python3 "$TOP/tests/bench/icount-report.py" "$icount_dir/report" --compare "$icount_dir/other"
}
check "icount-report.py --compare passes two runs 0.1 % apart" icount_compare 60.0
check "icount-report.py --compare fails two runs 1 % apart" fails icount_compare 60.6
# icount_chart JSON: icount-chart.py draws the run of JSON (a PNG)
icount_chart() {
	rm -f "$icount_dir/chart.png"
	python3 "$TOP/tests/bench/icount-chart.py" "$icount_dir/chart.png" "$1" &&
		[ "$(head -c 4 "$icount_dir/chart.png" | tail -c 3)" = PNG ]
}
check "icount-chart.py draws a run's instructions per byte" icount_chart "$icount_dir/report/icount.json"
echo '{"kernels": {}}' > "$icount_dir/empty.json"
check "icount-chart.py fails on a run without a measurement" fails icount_chart "$icount_dir/empty.json"

# icount_profile ADDR: icount-profile.py on a fabricated run of two variants
# (one round each, 1000 bytes): variant b's extra 3000 instructions at ADDR
# must show as +3 insn/B of gcm_encrypt (its symbol starts at ...1000, the
# next at ...2000)
icount_profile() {
	local d="$icount_dir/profile" k v w out
	k="$d/debian-7.3"
	mkdir -p "$k/bench"
	: > "$k/bench/raw.jsonl"
	for v in a b; do
		w=$([ "$v" = a ] && echo 1 || echo 2)
		mkdir -p "$k/bench/$v/rep1"
		printf 'ffffffff81001000 T gcm_encrypt\nffffffff81002000 t ovpn_encrypt\t[ovpn]\n' \
			> "$k/bench/$v/rep1/kallsyms.txt"
		jq -cn --arg v "$v" --argjson w "$w" --argjson k $((w == 1 ? 5000 : 8000)) \
			'{variant: $v, rep: 1, error: null, icount_window: $w, bytes_delivered: 1000,
			  icount_user: 2000, icount_kernel: $k}' >> "$k/bench/raw.jsonl"
	done
	printf '1\tffffffff81001010\t1000\n1\tffffffff81002004\t4000\n' > "$k/icount-profile.tsv"
	printf '2\tffffffff81001010\t1000\n2\t%s\t3000\n2\tffffffff81002004\t4000\n' "$1" >> "$k/icount-profile.tsv"
	out=$(python3 "$TOP/tests/bench/icount-profile.py" "$d") || return 1
	grep -E '^ +1\.000 +4\.000 +\+3\.000 +100\.0  gcm_encrypt$' <<< "$out"
}
check "icount-profile.py: blocks to functions by kallsyms, the diff of two variants" \
	icount_profile ffffffff81001f00
check "icount-profile.py: a block past the function's end is not the function's" \
	fails icount_profile ffffffff81002f00

smoke() { "$TOP/tests/bench/bench.sh" "${args[@]}" > "$bench_log" 2>&1 || { tail -n 30 "$bench_log"; return 1; }; }
check "bench.sh --smoke ran (one debian-6.1 guest, every variant once)" smoke
sed -n '/^== /,$p' "$results/table.txt" 2>/dev/null | sed 's/^/# /' || true
grep -E '^bench: (total|guest|module)' "$bench_log" 2>/dev/null | sed 's/^/# /' || true

check "results.json: every variant has a complete measurement; bench.png is a PNG" \
	python3 "$TOP/tests/bench/report.py" --check "$results"
check "results.json: DCO/userspace ratios for udp/tcp x aes/chacha, each variant vs the veth ceiling" \
	jq -e '.kernels["debian-6.1"] | (.ratios | map(.label) | sort) ==
		["DCO/userspace tcp-aes", "DCO/userspace tcp-chacha", "DCO/userspace udp-aes",
		 "DCO/userspace udp-chacha"] and (.vs_ceiling | length) == 9
		and all(.ratios[]; .tcp1_mbps.median > 0)' "$results/results.json"

# The checks can fail: a variant without measurements, a chart that is no image.
broken=$(mktemp -d)
trap 'rm -rf "$broken"' EXIT
no_variant() {
	jq '.kernels["debian-6.1"].runs |= map(select(.variant != "user-tcp-aes"))' \
		"$results/results.json" > "$broken/results.json" && cp "$results/bench.png" "$broken/" &&
		! python3 "$TOP/tests/bench/report.py" --check "$broken"
}
check "--check fails when a variant has no measurement (user-tcp-aes removed)" no_variant
bad_png() {
	cp "$results/results.json" "$broken/" && head -c 100 "$results/table.txt" > "$broken/bench.png" &&
		! python3 "$TOP/tests/bench/report.py" --check "$broken"
}
check "--check fails when bench.png is not a PNG" bad_png
tap_done
