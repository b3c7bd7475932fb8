#!/usr/bin/env bash
# The per-kernel table of the netlink differential, scale and fault tests,
# from the stats.tsv and summary.tsv files the guests wrote (called by
# vmtest.sh's table; prints nothing when none of those tests ran).
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: stress-table.sh RESULTS_DIR KERNEL...

For each KERNEL with results under RESULTS_DIR/KERNEL: the corpus of the
netlink differential test (cases, identical answers, listed and unlisted
differences; nldiff-full's when it ran, else nldiff's), the scale figures
(peers, peer adds and deletes per second, bytes per peer, memory returned
after the deletion) and the fault tests (passed/run, failed ones named).
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; "") usage >&2; exit 2 ;; esac
results="$1"
shift

stat() { awk -F'\t' -v k="$2" '$1 == k {v = $2} END {print (v == "" ? "-" : v)}' "$1" 2>/dev/null || echo -; }

any=0
for k in "$@"; do
	cat "$results/$k/stats.tsv" 2>/dev/null | grep -q . && any=1
	grep -qE '^(nldiff|scale|fault)' "$results/$k/summary.tsv" 2>/dev/null && any=1
done
[ "$any" = 1 ] || exit 0

echo
echo "== netlink differential, scale, fault paths"
printf '%-12s %-12s %6s %9s %6s %8s | %5s %6s %6s %7s %8s | %s\n' kernel corpus cases identical \
	listed unlisted peers add/s del/s B/peer returned faults
for k in "$@"; do
	s="$results/$k/stats.tsv"
	sum="$results/$k/summary.tsv"
	[ -f "$sum" ] || continue
	set=nldiff
	[ "$(stat "$s" nldiff-full.cases)" = - ] || set=nldiff-full
	[ "$(stat "$s" $set.cases)" != - ] || [ "$(stat "$s" nldiff-random.cases)" = - ] || set=nldiff-random
	scale=scale
	[ "$(stat "$s" scale-full.peers)" = - ] || scale="scale-full"
	faults=$(awk -F'\t' '$1 ~ /^fault-/ {n++; if ($2 == "pass") p++; else bad = bad " " substr($1, 7)}
		END {if (n) printf "%d/%d%s", p, n, (bad ? " FAIL:" bad : ""); else print "-"}' "$sum")
	printf '%-12s %-12s %6s %9s %6s %8s | %5s %6s %6s %7s %8s | %s\n' "$k" "$set" \
		"$(stat "$s" $set.cases)" "$(stat "$s" $set.identical)" "$(stat "$s" $set.listed)" \
		"$(stat "$s" $set.unlisted)" "$(stat "$s" $scale.peers)" "$(stat "$s" $scale.add_per_s)" \
		"$(stat "$s" $scale.del_per_s)" "$(stat "$s" $scale.bytes_per_peer)" \
		"$(stat "$s" $scale.returned)" "$faults"
done
echo "(identical/listed/unlisted: answers equal to 7.3's, differing as tests/vm/nldiff-allow.yaml"
echo " allows, differing otherwise (must be 0); B/peer: slab + percpu bytes per peer and its keys;"
echo " returned: share of the growth of the caches ovpn allocates from (tests/vm/slabcheck.py)"
echo " that came back after all peers were deleted)"
