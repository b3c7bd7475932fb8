#!/usr/bin/env bash
# Netlink differential test, guest side: send the request corpus of
# tests/vm/nlcorpus.py to the loaded ovpn module and diff the answers with
# those of 7.3's in-tree ovpn. Runs inside the test guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: nldiff.sh --results DIR [--test nldiff|nldiff-full|nldiff-random]

nldiff         the make-check subset of the corpus (whole groups, about a sixth)
nldiff-full    the whole deterministic corpus
nldiff-random  VMTEST_NLDIFF_COUNT (default 2000) random cases from
               VMTEST_NLDIFF_SEED (set by the host once per run, so that every
               kernel of the run gets the same cases; else from the clock)
The corpus runs in a namespace of its own (ovpn_nldiff) against a P2P and an
MP interface with peers, keys and sockets of every kind (nldiff.py run).
nldiff and nldiff-full: the answers are diffed with the answers of 7.3's
in-tree ovpn, those of a debian-7.3 guest that ran nldiff-full earlier in the
same vmtest.sh run, else the committed tests/vm/nldiff-ref-7.3.jsonl. On 7.3
itself only with the committed ones (never with its own answers).
nldiff-random: with the answers of a debian-7.3 guest (in-tree ovpn) that
ran the same set earlier in the same run: list debian-7.3 first
(--kernel debian-7.3,debian-6.1). Without them the row is a skip (answers
recorded); on 7.3 with its in-tree ovpn the answers are recorded as the
reference of the run. Every difference must be listed in
tests/vm/nldiff-allow.yaml for this kernel, and the answers must cover every
case of the set once. Also fails on a kernel splat, or when the module does
not unload afterwards. One result row, named as the test; stats (cases,
identical, listed, unlisted) in VM_RESULTS/stats.tsv.
USAGE
}

out=""
test=nldiff
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) out="$2"; shift 2 ;;
	--test) test="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
vm_results_dir "$out"
case "$test" in
nldiff) set=core ;;
nldiff-full) set=full ;;
nldiff-random)
	seed=${VMTEST_NLDIFF_SEED:-$(( $(date +%s) % 100000 ))}
	set="random:$seed:${VMTEST_NLDIFF_COUNT:-2000}"
	vm_log "$test: seed $seed${VMTEST_NLDIFF_SEED:+ (from the host)} (rerun: VMTEST_NLDIFF_SEED=$seed)" ;;
*) usage >&2; exit 2 ;;
esac
# on_reference_kernel: this guest runs the kernel of the committed reference
# (7.3): its own answers of this run must never be its reference
on_reference_kernel() {
	local mm
	mm=$(head -n1 "$here/nldiff-ref-7.3.jsonl" | jq -r .kernel | cut -d. -f1-2)
	[ "$(uname -r | cut -d. -f1-2)" = "$mm" ]
}

# same_run TEST CORPUS: the answers of 7.3's in-tree ovpn to the same corpus
# (hash CORPUS), given by a debian-7.3 guest earlier in this vmtest.sh run
# (TEST: the test whose answers they are); fails if there are none, or if
# this is the 7.3 guest itself
same_run() {
	local f="${VM_RUN_DIR:-/nonexistent}/debian-7.3/$1/answers.jsonl" h
	! on_reference_kernel && [ -f "$f" ] || return 1
	h=$(head -n1 "$f")
	[ "$(jq -r .corpus <<< "$h")" = "$2" ] && [ "$(jq -r .module <<< "$h")" = in-tree ] &&
		echo "$f"
}

NS=ovpn_nldiff
t0=$(vm_now)
why=""
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT

vm_panic_on_warn
modprobe ovpn
ip netns add "$NS"
if ! ip netns exec "$NS" python3 "$here/nldiff.py" run --set "$set" --progress \
	--out "$out/answers.jsonl" > "$out/run.log" 2>&1; then
	why="the corpus did not run: $(tail -n 1 "$out/run.log")"
fi

# reference_of_random: pick the reference of a random set (REF), or say why
# there is none (SKIP), or record 7.3's answers as the run's reference (SUMMARY)
reference_of_random() {
	ref=$(same_run "$test" "$(jq -r .corpus <<< "$head")" || true)
	[ -z "$ref" ] || return 0
	if ! on_reference_kernel; then
		skip="recorded $n answers of set $set; no answers of debian-7.3 (in-tree) to this set earlier in this run to diff with: list it first, with the seed from the host"
	elif [ "$(jq -r .module <<< "$head")" != in-tree ]; then
		skip="recorded $n answers of set $set; ours on 7.3 has no in-tree answers to be diffed with"
	elif summary=$(python3 "$here/nldiff.py" check "$out/answers.jsonl" 2>&1); then
		summary="recorded $n answers of set $set: the reference of this run"
	else
		why="$(echo "$summary" | head -n 4 | tr '\n' ' ')"
	fi
}

summary=""
skip=""
ref=""
if [ -z "$why" ]; then
	head=$(head -n1 "$out/answers.jsonl")
	n=$(($(wc -l < "$out/answers.jsonl") - 1))
	case "$set" in
	core|full)
		ref=$(same_run nldiff-full "$(jq -r .full_corpus <<< "$head")" ||
			echo "$here/nldiff-ref-7.3.jsonl") ;;
	random:*) reference_of_random ;;
	esac
	if [ -n "$ref" ] && ! summary=$(python3 "$here/nldiff.py" diff --reference "$ref" \
		--report "$out/diff.txt" "$out/answers.jsonl" 2>&1); then
		why="$(echo "$summary" | head -n 4 | tr '\n' ' ')"
	fi
fi
cleanup
unload=$(vm_unload) || why="${why:+$why; }after the corpus: $unload"
vm_panic_on_warn off

line=$(echo "$summary" | grep '^cases=' || true)
for kv in $line; do
	case "$kv" in rules=*) ;; *) vm_stat "$test.${kv%%=*}" "${kv#*=}" ;; esac
done
if [ -z "$why" ] && [ -n "$skip" ]; then
	vm_result "$test" skip $(($(vm_now) - t0)) "$skip"
elif [ -z "$why" ]; then
	vm_result "$test" pass $(($(vm_now) - t0)) "${line:-$summary} ($set)"
else
	vm_result "$test" fail $(($(vm_now) - t0)) "$why ($set)"
	grep -m 10 '^UNLISTED' -A4 "$out/diff.txt" 2>/dev/null | sed "s/^/vmtest: $test: /" || true
	exit 1
fi
