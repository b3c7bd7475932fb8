#!/usr/bin/env bash
# Regenerate the committed reference answers of the netlink differential test
# (tests/vm/nldiff-ref-7.3.jsonl) from 7.3's in-tree ovpn, in qemu.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	cat <<'USAGE'
Usage: nldiff-reference.sh [--results DIR] [--from DIR]

Boots debian-7.3 with its own in-tree ovpn (vmtest.sh --native --tests
nldiff-full), runs the whole corpus of tests/vm/nlcorpus.py and writes its
answers to tests/vm/nldiff-ref-7.3.jsonl. The guest's own nldiff-full row
fails while the committed reference is stale: that is why you run this.
Needed after any change of the corpus (nlcorpus.py, the base state of
nldiff.py) or of the upstream pin; tests/t-nldiff.sh says when.
--from DIR takes the answers of an earlier vmtest.sh run (DIR/debian-7.3)
instead of booting. Check `git diff --stat` afterwards: the answers of 7.3
only change when the corpus or the pinned upstream did.
USAGE
}

results="$top/build/vmtest/nldiff-reference"
from=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--results) results="$2"; shift 2 ;;
	--from) from="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done

if [ -z "$from" ]; then
	"$here/vmtest.sh" --kernel debian-7.3 --native --tests nldiff-full --results "$results" || true
	from="$results"
fi
d="$from/debian-7.3"
ans="$d/nldiff-full/answers.jsonl"
[ -s "$ans" ] || { echo "nldiff-reference: no answers in $ans (see $d/console.log)" >&2; exit 1; }
case "$(sed -n 's/^file: //p' "$d/module.txt")" in
*/kernel/*) ;;
*) echo "nldiff-reference: $d did not run the in-tree ovpn (module.txt)" >&2; exit 1 ;;
esac
read -r want _set n < <(python3 "$here/nldiff.py" hash --set full)
python3 - "$ans" "$want" "$n" <<'PY'
import json, sys
head = json.loads(open(sys.argv[1]).readline())
ok = head.get("set") == "full" and head.get("corpus") == sys.argv[2] and \
    head.get("cases") == int(sys.argv[3]) and head.get("kernel", "").startswith("7.3")
if not ok:
    sys.exit("nldiff-reference: %s answers %s, not the full corpus %s of this checkout on 7.3"
             % (sys.argv[1], head, sys.argv[2]))
PY
cp "$ans" "$here/nldiff-ref-7.3.jsonl"
echo "nldiff-reference: wrote tests/vm/nldiff-ref-7.3.jsonl ($n cases, corpus $want, $(head -n1 "$ans" | jq -r .kernel))"
