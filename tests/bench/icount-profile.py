#!/usr/bin/env python3
"""The per-function profile of make bench's deterministic mode (bench.sh --profile).

Usage: icount-profile.py DIR [--kernel K] [--top N] [--diff A B]

DIR is what bench.sh --profile wrote: per kernel K (default debian-7.3),
K/icount-profile.tsv (tests/bench/icount-plugin.c's profile=FILE: per marked
window, the instructions executed per kernel block start address),
K/bench/raw.jsonl (per variant and repetition its window and the bytes
delivered) and K/bench/VARIANT/repN/kallsyms.txt (the guest's kernel text
symbols after that measurement, modules' with their [module]).

Maps each block to the function whose symbol precedes its address and prints,
per variant, the top N functions (default 25) in guest instructions per byte
delivered (the mean over the repetitions), the sum per module, and the
difference of two variants per function (default: the first two variants of
raw.jsonl; --diff A B prints B - A). "[user]" is all user space (not split);
"[kernel, not in the profile]" what the window's kernel count holds beyond the
profile's blocks (none unless the plugin's table was full).
"""
import bisect
import collections
import json
import os
import sys

USER = "[user]"
REST = "[kernel, not in the profile]"


def load_profile(path):
    """{window: [(address, instructions)]}"""
    prof = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            w, addr, n = line.split()
            prof[int(w)].append((int(addr, 16), int(n)))
    return prof


def load_symbols(path):
    """(sorted addresses, names): 'function' or 'function [module]'"""
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3:
                continue
            name = parts[2] + (" " + parts[3] if len(parts) > 3 else "")
            syms.append((int(parts[0], 16), name))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def attribute(blocks, addrs, names):
    """Counter of instructions per function"""
    per = collections.Counter()
    for addr, n in blocks:
        i = bisect.bisect_right(addrs, addr) - 1
        per[names[i] if i >= 0 else "[below the first symbol]"] += n
    return per


def variant_profiles(d, kernel):
    """{variant: Counter(function: instructions per byte, the mean over the repetitions)}"""
    kdir = os.path.join(d, kernel)
    with open(os.path.join(kdir, "bench", "raw.jsonl")) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    prof = load_profile(os.path.join(kdir, "icount-profile.tsv"))
    sums, reps = {}, collections.Counter()
    for r in runs:
        if r.get("error") or "icount_window" not in r:
            continue
        v, b = r["variant"], r["bytes_delivered"]
        syms = os.path.join(kdir, "bench", v, f"rep{r['rep']}", "kallsyms.txt")
        per = attribute(prof.get(r["icount_window"], []), *load_symbols(syms))
        per[REST] = r["icount_kernel"] - sum(per.values())
        per[USER] = r["icount_user"]
        acc = sums.setdefault(v, collections.Counter())
        for fn, n in per.items():
            acc[fn] += n / b
        reps[v] += 1
    return {v: collections.Counter({fn: x / reps[v] for fn, x in c.items()}) for v, c in sums.items()}


def module_of(fn):
    if fn.startswith("["):
        return fn
    return fn.split(" ", 1)[1] if " " in fn else "[kernel]"


def top_table(v, per, top):
    total = sum(per.values())
    lines = [f"== {v}: {total:.2f} guest instructions per byte delivered; top {top} functions",
             f"{'insn/B':>9} {'%':>6} {'cum %':>6}  function"]
    cum = 0.0
    for fn, x in per.most_common(top):
        cum += x
        lines.append(f"{x:9.3f} {100 * x / total:6.2f} {100 * cum / total:6.2f}  {fn}")
    mods = collections.Counter()
    for fn, x in per.items():
        mods[module_of(fn)] += x
    lines.append(f"-- {v}: per module")
    for m, x in mods.most_common():
        lines.append(f"{x:9.3f} {100 * x / total:6.2f}         {m}")
    return lines


def diff_table(a, b, pa, pb, top):
    ta, tb = sum(pa.values()), sum(pb.values())
    lines = [f"== {b} - {a}: {tb - ta:+.3f} instructions per byte ({ta:.2f} -> {tb:.2f});"
             f" the {top} functions that differ most",
             f"{'A insn/B':>9} {'B insn/B':>9} {'B - A':>9} {'% of diff':>9}  function"]
    fns = set(pa) | set(pb)
    rows = sorted(fns, key=lambda fn: -abs(pb.get(fn, 0) - pa.get(fn, 0)))
    for fn in rows[:top]:
        x, y = pa.get(fn, 0.0), pb.get(fn, 0.0)
        share = 100 * (y - x) / (tb - ta) if tb != ta else 0.0
        lines.append(f"{x:9.3f} {y:9.3f} {y - x:+9.3f} {share:9.1f}  {fn}")
    return lines


def usage(code):
    print(__doc__.strip(), file=sys.stdout if code == 0 else sys.stderr)
    return code


def main(argv):
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        return usage(0 if args else 2)
    d, kernel, top, pair = args.pop(0), "debian-7.3", 25, None
    while args:
        opt = args.pop(0)
        if opt == "--kernel" and args:
            kernel = args.pop(0)
        elif opt == "--top" and args:
            top = int(args.pop(0))
        elif opt == "--diff" and len(args) >= 2:
            pair = (args.pop(0), args.pop(0))
        else:
            return usage(2)
    profiles = variant_profiles(d, kernel)
    if not profiles:
        print(f"icount-profile: no complete measurement in {d}/{kernel}", file=sys.stderr)
        return 1
    lines = []
    for v, per in profiles.items():
        lines += top_table(v, per, top) + [""]
    if pair is None and len(profiles) >= 2:
        pair = tuple(list(profiles)[:2])
    if pair:
        missing = [v for v in pair if v not in profiles]
        if missing:
            print(f"icount-profile: no profile of {', '.join(missing)}", file=sys.stderr)
            return 1
        lines += diff_table(pair[0], pair[1], profiles[pair[0]], profiles[pair[1]], top)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
