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
nldiff-random  VMTEST_NLDIFF_SEED (default: time-based, printed) and
               VMTEST_NLDIFF_COUNT (default 2000) random cases
The corpus runs in a namespace of its own (ovpn_nldiff) against a P2P and an
MP interface with peers, keys and sockets of every kind (nldiff.py run). The
answers are diffed with tests/vm/nldiff-ref-7.3.jsonl, the committed answers
of 7.3's in-tree ovpn, or with those of a debian-7.3 guest that ran nldiff-full
earlier in the same vmtest.sh run (random mode: only with those). Every difference must be listed in
tests/vm/nldiff-allow.yaml for this kernel. Also fails on a kernel splat, or
when the module does not unload afterwards. One result row, named as the
test; stats (cases, identical, listed, unlisted) in VM_RESULTS/stats.tsv.
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
	vm_log "$test: seed $seed (rerun: VMTEST_NLDIFF_SEED=$seed)" ;;
*) usage >&2; exit 2 ;;
esac
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

summary=""
if [ -z "$why" ]; then
	ref="$here/nldiff-ref-7.3.jsonl"
	same="${VM_RUN_DIR:-/nonexistent}/debian-7.3/nldiff-full/answers.jsonl"
	case "$set" in
	core|full)
		# a debian-7.3 guest of this run answered the whole current corpus: its
		# answers are as good as the committed ones, and newer
		if [ -f "$same" ] && [ "$(head -n1 "$same" | jq -r .corpus)" = \
			"$(head -n1 "$out/answers.jsonl" | jq -r .full_corpus)" ]; then
			ref="$same"
		fi ;;
	random:*)
		ref="${VM_RUN_DIR:-/nonexistent}/debian-7.3/$test/answers.jsonl"
		if [ ! -f "$ref" ] || [ "$(head -n1 "$ref" | jq -r .set)" != "$set" ]; then
			ref=""
		fi ;;
	esac
	if [ -z "$ref" ]; then
		summary="recorded $(($(wc -l < "$out/answers.jsonl") - 1)) answers of set $set (no same-run 7.3 answers to diff with)"
	elif ! summary=$(python3 "$here/nldiff.py" diff --reference "$ref" \
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
if [ -z "$why" ]; then
	vm_result "$test" pass $(($(vm_now) - t0)) "${line:-$summary} ($set)"
else
	vm_result "$test" fail $(($(vm_now) - t0)) "$why ($set)"
	grep -m 10 '^UNLISTED' -A4 "$out/diff.txt" 2>/dev/null | sed "s/^/vmtest: $test: /" || true
	exit 1
fi
