#!/usr/bin/env python3
"""The report of make bench's deterministic mode (bench.sh --deterministic).

Usage: icount-report.py DIR [--kernels LIST] [--max-spread PCT]

DIR is what bench.sh wrote: per kernel K, K/bench/raw.jsonl, one line per
variant and repetition with the guest instructions counted between the
markers (icount_user, icount_kernel) and the bytes delivered. Prints per
variant the instructions per byte delivered (user, kernel, all; median and the
spread (max - min) / min over the repetitions) and the ours/in-tree ratio per
variant pair; writes DIR/icount.json and DIR/table.txt. Exits 1 when a
measurement failed, a variant has fewer than two repetitions, or a spread is
above PCT (default 0.5): the counts are meant to be deterministic.
"""
import json
import os
import statistics
import sys

METRICS = ("user_insn_per_byte", "kernel_insn_per_byte", "insn_per_byte")


def spread_pct(values):
    lo, hi = min(values), max(values)
    return 100.0 * (hi - lo) / lo if lo > 0 else float("inf")


def summarize(runs):
    """{variant: {metric: {median, min, max, spread_pct, values}, reps}}"""
    out = {}
    for v in dict.fromkeys(r["variant"] for r in runs):
        ok = [r for r in runs if r["variant"] == v and not r.get("error")]
        s = {"reps": len(ok), "failed": sum(1 for r in runs if r["variant"] == v and r.get("error"))}
        for m in METRICS:
            vals = [r[m] for r in ok]
            if vals:
                s[m] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
                        "spread_pct": spread_pct(vals), "values": vals}
        s["bytes_delivered"] = [r["bytes_delivered"] for r in ok]
        out[v] = s
    return out


def ratios(summary):
    """ours/in-tree of every metric's median, per variant pair"""
    out = {}
    for v, s in summary.items():
        if not v.endswith(".ours"):
            continue
        base = v[: -len(".ours")]
        t = summary.get(base + ".intree")
        if not t:
            continue
        out[base] = {m: s[m]["median"] / t[m]["median"]
                     for m in METRICS if m in s and m in t and t[m]["median"] > 0}
    return out


def table(kernel, summary, rat):
    lines = [f"== {kernel}: guest instructions per byte delivered, median (spread over the repetitions)",
             f"{'variant':22} {'user':>18} {'kernel':>18} {'all':>18}  reps"]
    for v, s in summary.items():
        cells = []
        for m in METRICS:
            c = s.get(m)
            cells.append(f"{c['median']:9.2f} ({c['spread_pct']:.3f}%)" if c else f"{'-':>18}")
        lines.append(f"{v:22} " + " ".join(f"{c:>18}" for c in cells) + f"  {s['reps']}")
    lines.append("")
    lines.append(f"-- {kernel}: ours/in-tree (lower: ours executes fewer instructions)")
    for base, r in rat.items():
        lines.append(f"{base:22} " + " ".join(f"{r.get(m, float('nan')):18.4f}" for m in METRICS))
    return "\n".join(lines) + "\n"


def problems(summary, max_spread):
    bad = []
    for v, s in summary.items():
        if s["failed"]:
            bad.append(f"{v}: {s['failed']} measurement(s) failed")
        if s["reps"] < 2:
            bad.append(f"{v}: {s['reps']} repetition(s), determinism needs two")
            continue
        for m in METRICS:
            if s[m]["spread_pct"] > max_spread:
                bad.append(f"{v}: {m} spread {s[m]['spread_pct']:.3f}% > {max_spread}%")
    return bad


def main(argv):
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    d, kernels, max_spread = args.pop(0), ["debian-7.3"], 0.5
    while args:
        opt = args.pop(0)
        if opt == "--kernels" and args:
            kernels = args.pop(0).replace(",", " ").split()
        elif opt == "--max-spread" and args:
            max_spread = float(args.pop(0))
        else:
            print(__doc__.strip(), file=sys.stderr)
            return 2
    result, text, bad = {"max_spread_pct": max_spread, "kernels": {}}, "", []
    for k in kernels:
        raw = os.path.join(d, k, "bench", "raw.jsonl")
        if not os.path.exists(raw):
            bad.append(f"{k}: no {raw}")
            continue
        with open(raw) as f:
            runs = [json.loads(line) for line in f if line.strip()]
        summary = summarize(runs)
        rat = ratios(summary)
        result["kernels"][k] = {"runs": runs, "summary": summary, "ratios": rat}
        text += table(k, summary, rat)
        bad += [f"{k}: {b}" for b in problems(summary, max_spread)]
    with open(os.path.join(d, "icount.json"), "w") as f:
        json.dump(result, f, indent=1)
    with open(os.path.join(d, "table.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    for b in bad:
        print(f"icount-report: {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
