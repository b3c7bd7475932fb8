#!/usr/bin/env bash
# The netlink differential test's host side, without a guest: the allow-list
# and README's Limitations agree, the committed 7.3 reference answers the
# current corpus, the corpus is deterministic, the differ fails on an
# unlisted difference (and only then) and on answers that do not cover their
# set, and the rules for kernels before 5.10 list 5.4-shaped answers there only
# (each of them needed).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h|--help) sed -n '2,7s/^# \{0,1\}//p' "$0"
	echo "--can-fail: the README, reference and 5.4-rule checks on broken copies (must fail)"; exit 0 ;;
--can-fail) ;;
"") ;;
*) echo "usage: $0 [--can-fail]" >&2; exit 2 ;;
esac

vm="$TOP/tests/vm"
nld=(python3 "$vm/nldiff.py")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 5.4-shaped answers made from the 7.3 reference the way 5.4 answers: no policy
# in the extended ACK, the generic length message for binary attributes, the
# statistics checked as u64 (a length error at the attribute), no extack when a
# dump starts. Writes the answers to $1 and, to $2, the ids it changed that
# only the 5.4 rules explain (dump-start-no-extack lists the others below 6.2).
as_54() {
	python3 - "$vm/nldiff-ref-7.3.jsonl" "$1" "$2" <<'PY'
import json, re, sys
dump = re.compile(r"(/peer-dump/|/flags-dump$|/dump$)")
stats = re.compile(r"/peer-get/peer/\+((vpn|link)-(rx|tx)-(bytes|packets))$")
lines = open(sys.argv[1]).read().splitlines()
head = json.loads(lines[0])
head["kernel"] = "5.4.273"
out, changed = [json.dumps(head, sort_keys=True)], []
for line in lines[1:]:
    x = json.loads(line)
    a, cid = x["a"], x["id"]
    before = dict(a)
    a.pop("policy", None)
    is_dump = dump.search(cid) and a.get("err", "").startswith("E")
    if is_dump:
        for k in ("msg", "offs", "miss_type", "miss_nest"):
            a.pop(k, None)
    if a.get("msg") == "binary attribute size out of range":
        a["msg"] = "Attribute failed policy validation"
    m = stats.search(cid)
    if m:
        a.update(msg="invalid attribute length", offs="/peer/" + m.group(1))
    if a != before and not is_dump:
        changed.append(cid)
    out.append(json.dumps(x, sort_keys=True))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
open(sys.argv[3], "w").write("\n".join(changed) + "\n")
print("%d answers changed, %d of them only the 5.4 rules explain" % (
    sum(1 for a, b in zip(out[1:], lines[1:]) if json.loads(a) != json.loads(b)), len(changed)))
PY
}
# --can-fail (tests/t-canfail.sh): README without the allow-list's first rule,
# a reference that lacks its last answer, and an allow-list without the rules
# for kernels before 5.10: all three checks must turn red.
if [ "${1:-}" = --can-fail ]; then
	awk '!done && /^- `[a-z0-9-]*` \(kernels / {done = 1; next} 1' "$TOP/README.md" > "$tmp/README.md"
	check "README's Limitations carry the allow-list (a rule removed)" \
		"${nld[@]}" readme --check "$tmp/README.md"
	sed '$d' "$vm/nldiff-ref-7.3.jsonl" > "$tmp/ref.jsonl"
	check "the reference answers the current corpus (its last answer removed)" \
		"${nld[@]}" diff --reference "$tmp/ref.jsonl" "$vm/nldiff-ref-7.3.jsonl"
	python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["rules"] = [r for r in d["rules"] if r["kernels"] != "<5.10"]
yaml.safe_dump(d, open(sys.argv[2], "w"))' "$vm/nldiff-allow.yaml" "$tmp/allow.yaml"
	as_54 "$tmp/54.jsonl" "$tmp/54-ids" > /dev/null
	check "5.4-shaped answers: every difference listed for 5.4 (the rules for <5.10 removed)" \
		"${nld[@]}" diff --reference "$vm/nldiff-ref-7.3.jsonl" --kernel 5.4.273 \
		--allow "$tmp/allow.yaml" "$tmp/54.jsonl"
	tap_done
fi

check "python helpers compile" python3 -c "
import ast, sys
for f in sys.argv[1:]:
    ast.parse(open(f).read(), f)" "$vm"/ovpnnl.py "$vm"/nlcorpus.py "$vm"/nldiff.py "$vm"/ovpnctl.py

# --- the allow-list and README ---------------------------------------------------
allow_ok() {
	python3 - "$vm/nldiff-allow.yaml" <<'PY'
import re, sys, yaml
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import nldiff
rules = yaml.safe_load(open(sys.argv[1]))["rules"]
fields = {"err", "msg", "offs", "miss_type", "miss_nest", "policy", "cookie", "done", "done_msg",
          "done_offs", "done_miss_type", "done_miss_nest", "done_policy", "replies", "send",
          "recv", "pre"}
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)), "duplicate rule ids"
for r in rules:
    assert set(r) <= {"id", "kernels", "fields", "ops", "ref", "got", "format", "names_missing",
                      "reason"}, r["id"]
    assert re.fullmatch(r"[a-z0-9-]+", r["id"]), r["id"]
    assert r["reason"].strip() and r["fields"], r["id"]
    assert set(r["fields"]) <= fields, (r["id"], set(r["fields"]) - fields)
    nldiff.kernel_matches(r["kernels"], "6.1.0-1-amd64")
    for side in ("ref", "got"):
        for rx in (r.get(side) or {}).values():
            re.compile(rx)
    if "ops" in r:
        re.compile(r["ops"])
PY
}
check "allow-list: every rule well-formed (id, kernels, known fields, regexes, reason)" allow_ok
check "README's Limitations carry the allow-list (tests/vm/nldiff.py readme)" \
	"${nld[@]}" readme --check "$TOP/README.md"
readme_drift() {
	sed 's/^\(- `[a-z0-9-]*` (kernels \)/\1>=1.0,/' "$TOP/README.md" > "$tmp/README.md" &&
	! "${nld[@]}" readme --check "$tmp/README.md" > /dev/null
}
check "... and the check fails when README and the allow-list disagree" readme_drift

# --- the corpus and the committed reference -------------------------------------
ref_current() {
	local want n
	read -r want _ n < <("${nld[@]}" hash --set full)
	python3 - "$vm/nldiff-ref-7.3.jsonl" "$want" "$n" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
head = json.loads(lines[0])
if head.get("corpus") != sys.argv[2] or len(lines) - 1 != int(sys.argv[3]):
    sys.exit("tests/vm/nldiff-ref-7.3.jsonl answers corpus %s (%d cases), the corpus is now "
             "%s (%s cases): run tests/vm/nldiff-reference.sh"
             % (head.get("corpus"), len(lines) - 1, sys.argv[2], sys.argv[3]))
assert head["kernel"].startswith("7.3"), head
PY
}
check "the committed 7.3 reference answers the current corpus" ref_current
deterministic() {
	local a b
	a=$("${nld[@]}" hash --set full) && b=$("${nld[@]}" hash --set full) && [ "$a" = "$b" ] &&
	a=$("${nld[@]}" hash --set random:7:300) && b=$("${nld[@]}" hash --set random:7:300) &&
	[ "$a" = "$b" ] && [ "$a" != "$("${nld[@]}" hash --set random:8:300)" ]
}
check "corpus and random sets are reproducible (same seed, same bytes; another seed differs)" deterministic
sizes() {
	local full core
	read -r _ _ full < <("${nld[@]}" hash --set full)
	read -r _ _ core < <("${nld[@]}" hash --set core)
	echo "full $full, core $core"
	[ "$full" -ge 3000 ] && [ "$core" -ge 500 ] && [ "$core" -le $((full / 2)) ]
}
check "corpus: several thousand cases, the make-check subset a fraction of them" sizes

# --- the differ ------------------------------------------------------------------
# mkans FILE KERNEL MSG ERR: the 7.3 reference as KERNEL, with the answer to
# "peer-get of peer 2" (ENOENT, "ovpn: cannot find peer with id 2") replaced
mkans() {
	python3 - "$vm/nldiff-ref-7.3.jsonl" "$@" <<'PY'
import json, sys
ref, out, kernel, msg, err = sys.argv[1:]
lines = open(ref).read().splitlines()
head = json.loads(lines[0])
head["kernel"] = kernel
with open(out, "w") as f:
    f.write(json.dumps(head, sort_keys=True) + "\n")
    for line in lines[1:]:
        x = json.loads(line)
        if x["id"] == "p2p/peer-get/peer/id/=2":
            x["a"] = {"err": err, "msg": msg}
        f.write(json.dumps(x, sort_keys=True) + "\n")
PY
}
mkans "$tmp/ref" 7.3.4+deb13-amd64 "ovpn: cannot find peer with id 2" ENOENT
mkans "$tmp/fmt" 6.1.0-56-amd64 "ovpn: cannot find peer with id %u" ENOENT
mkans "$tmp/errno" 6.1.0-56-amd64 "ovpn: cannot find peer with id %u" EINVAL
mkans "$tmp/same" 6.1.0-56-amd64 "ovpn: cannot find peer with id 2" ENOENT
check "differ: identical answers pass" "${nld[@]}" diff --reference "$tmp/ref" "$tmp/same"
check "differ: a listed difference (format string on 6.1) passes" \
	"${nld[@]}" diff --reference "$tmp/ref" "$tmp/fmt"
check "differ: the same difference on 6.12 (not listed there) fails" \
	eval '! "${nld[@]}" diff --reference "$tmp/ref" --kernel 6.12.95+deb12-amd64 "$tmp/fmt"'
check "differ: another errno (unlisted) fails" eval '! "${nld[@]}" diff --reference "$tmp/ref" "$tmp/errno"'
n=$(grep -n '"p2p/peer-get/peer/id/=2"' "$tmp/ref" | cut -d: -f1)
sed "${n}d" "$tmp/ref" > "$tmp/ref-short"
check "differ: a case missing from the reference fails" \
	eval '! "${nld[@]}" diff --reference "$tmp/ref-short" "$tmp/same"'
# coverage FILE-FOR-ANSWERS FILE-FOR-REFERENCE WORDS: the diff fails, naming the problem
coverage() {
	local out
	! out=$("${nld[@]}" diff --reference "$2" "$1") && echo "$out" && grep -q "$3" <<< "$out"
}
sed "${n}d" "$tmp/same" > "$tmp/same-short"
check "differ: answers that miss a case of their set fail" \
	coverage "$tmp/same-short" "$tmp/ref" "1 case(s) of set full missing, e.g. p2p/peer-get/peer/id/=2"
sed "${n}p" "$tmp/same" > "$tmp/same-twice"
check "differ: answers with a case twice fail" \
	coverage "$tmp/same-twice" "$tmp/ref" "1 case(s) of set full answered twice"
sed "${n}s|\"p2p/peer-get/peer/id/=2\"|\"p2p/peer-get/peer/id/=3\"|" "$tmp/same" > "$tmp/same-other"
check "differ: answers with a case that is not in the set fail" \
	coverage "$tmp/same-other" "$tmp/ref" "1 case(s) of set full not in the set"
check "differ: a reference with a case twice fails" \
	coverage "$tmp/same" "$tmp/same-twice" "same-twice: 1 case(s) of set full answered twice"
random_cover() {
	local a="$tmp/r.jsonl" b="$tmp/r2.jsonl"
	python3 -c 'import json, sys
sys.path.insert(0, sys.argv[1])
import nldiff, nlcorpus
spec, groups = nldiff.select("random:7:40")
print(json.dumps({"set": spec, "cases": 40, "kernel": "7.3.4", "corpus": nlcorpus.corpus_hash(groups)}))
for g in groups:
    for c in g.cases:
        print(json.dumps({"id": c.id, "a": {"err": "EINVAL"}}))' "$vm" > "$a" &&
	"${nld[@]}" diff --reference "$a" "$a" && sed '$d' "$a" > "$b" &&
	coverage "$b" "$a" "1 case(s) of set random:7:40 missing"
}
check "differ: a random set is checked the same way (complete passes, one missing fails)" random_cover
sed 's/"kernel": "7.3/"module": "out-of-tree", "kernel": "7.3/' "$tmp/ref" > "$tmp/ref-ours"
check "differ: a reference made by an out-of-tree module fails" \
	coverage "$tmp/same" "$tmp/ref-ours" "an out-of-tree module"

# --- the rules for kernels before the extended-ACK policy (5.10) ----------------
# report_ids REPORT TAG-ERE: the case ids of the report lines whose tag
# ("listed(RULE,...)" or "UNLISTED") matches TAG-ERE, sorted
report_ids() { grep -E "^($2) " "$1" | sed 's/^[^ ]* \(.*\):$/\1/' | sort; }
rules_54() {
	local ok=0
	as_54 "$tmp/54.jsonl" "$tmp/54-ids" &&
	"${nld[@]}" diff --reference "$vm/nldiff-ref-7.3.jsonl" --kernel 5.4.273 \
		--report "$tmp/54.txt" "$tmp/54.jsonl" || ok=1
	sort "$tmp/54-ids" > "$tmp/54-ids.sorted"
	# every changed case is listed by a 5.4 rule, and only those
	report_ids "$tmp/54.txt" \
		'listed\([a-z0-9,-]*(extack-no-policy|binary-len-generic-msg|uint-as-u64-no-policy)[a-z0-9,-]*\)' \
		> "$tmp/54-listed" &&
	diff "$tmp/54-ids.sorted" "$tmp/54-listed" && [ -s "$tmp/54-listed" ] &&
	grep -q 'rules=.*binary-len-generic-msg:[1-9].*extack-no-policy:[1-9].*uint-as-u64-no-policy:[1-9]' \
		"$tmp/54.txt" && return "$ok"
}
check "5.4-shaped answers (made from the 7.3 reference): every difference listed for 5.4" rules_54
rules_510() {
	! "${nld[@]}" diff --reference "$vm/nldiff-ref-7.3.jsonl" --kernel "$1" --report "$tmp/510.txt" \
		"$tmp/54.jsonl" &&
	report_ids "$tmp/510.txt" UNLISTED > "$tmp/510-unlisted" &&
	head -n 2 "$tmp/510.txt" && diff "$tmp/54-ids.sorted" "$tmp/510-unlisted"
}
check "... the same answers on 5.10: exactly those cases unlisted (the 5.4 rules stop at 5.10)" \
	rules_510 5.10.0-35-amd64
check "... and on 6.1 (the uint-as-u64 rule wants the u64 policy there)" rules_510 6.1.0-1-amd64
# without_rule RULE: the allow-list without RULE leaves some of the 5.4-shaped
# answers unlisted on 5.4 (no other rule covers what RULE lists)
without_rule() {
	local out
	python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
n = len(d["rules"])
d["rules"] = [r for r in d["rules"] if r["id"] != sys.argv[3]]
assert len(d["rules"]) == n - 1, sys.argv[3]
yaml.safe_dump(d, open(sys.argv[2], "w"))' "$vm/nldiff-allow.yaml" "$tmp/allow-$1.yaml" "$1" &&
	! out=$("${nld[@]}" diff --reference "$vm/nldiff-ref-7.3.jsonl" --kernel 5.4.273 \
		--allow "$tmp/allow-$1.yaml" "$tmp/54.jsonl") &&
	echo "$out" | head -n 1 && grep -q ' unlisted=[1-9]' <<< "$out"
}
for r in extack-no-policy binary-len-generic-msg uint-as-u64-no-policy; do
	check "... each 5.4 rule is needed: without $r, 5.4-shaped answers are unlisted" without_rule "$r"
done

# --- the results table -------------------------------------------------------------
table() {
	mkdir -p "$tmp/res/debian-6.1"
	printf 'nldiff\tpass\t9\tx\nfault-key-swap\tpass\t5\tx\nfault-udp-close\tfail\t5\tx\n' \
		> "$tmp/res/debian-6.1/summary.tsv"
	printf 'nldiff.cases\t1001\nnldiff.identical\t900\nnldiff.listed\t101\nnldiff.unlisted\t0\nscale.peers\t200\n' \
		> "$tmp/res/debian-6.1/stats.tsv"
	"$vm/stress-table.sh" "$tmp/res" debian-6.1 | tee "$tmp/table" &&
	grep -qE '^debian-6.1 +nldiff +1001 +900 +101 +0 \| +200 .*\| 1/2 FAIL: udp-close' "$tmp/table"
}
check "stress-table.sh: one row per kernel from stats.tsv and the fault rows" table

tap_done
