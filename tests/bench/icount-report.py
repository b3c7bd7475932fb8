#!/usr/bin/env python3
"""The report of make bench's deterministic mode (bench.sh --deterministic).

Usage: icount-report.py DIR [--kernels LIST] [--max-spread PCT] [--compare DIR2]

DIR is what bench.sh wrote: per kernel K, K/bench/raw.jsonl, one line per
variant and repetition with the guest instructions counted between the
markers (icount_user, icount_kernel), the bytes delivered and the transfer's
Ip FragCreates, Ip ReasmReqds and Tcp RetransSegs. Prints per variant the
instructions per byte delivered (user, kernel, all; median and the spread
(max - min) / min over the repetitions), the counters (summed over the
repetitions), all instructions per packet (median, with the datagram's
payload), the ping round trips of bench.sh --latency, and the ratios of variant pairs: X.ours/X.intree and
dco-X/user-X (ratio of the medians, and its range over the repetitions);
writes DIR/icount.json and DIR/table.txt. With --compare, DIR2 is another run
of the same variants: their medians must agree within PCT too. Exits 1 when
a measurement failed, a variant has fewer than two repetitions, or a spread
(or a difference to DIR2) of all or kernel instructions is above PCT
(default 0.5): the counts are meant to be deterministic. User instructions
(about 3 % of all: iperf3, and OpenVPN with DCO) are printed with their
spread, and a "*" marks one above PCT, but they do not fail the report: a
few hundredth of an instruction per byte there moves their spread by 0.5 %
and the total by 0.02 %.
"""
import json
import os
import statistics
import sys

METRICS = ("user_insn_per_byte", "kernel_insn_per_byte", "insn_per_byte")
GATED = ("kernel_insn_per_byte", "insn_per_byte")
COUNTERS = ("ip_frag_creates", "ip_reasm_reqds", "tcp_retrans_segs")
LATENCY = ("rtt_idle_median_ms", "rtt_load_median_ms", "rtt_load_p99_ms")


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
        for f in LATENCY:
            vals = [r[f] for r in ok if r.get(f) is not None]
            if vals:
                s[f] = statistics.median(vals)
        per_packet = [r["insn_per_packet"] for r in ok if "insn_per_packet" in r]
        if per_packet:
            s["insn_per_packet"] = statistics.median(per_packet)
            s["payload"] = ok[0]["payload"]
        for c in COUNTERS:
            vals = [r[c] for r in ok if c in r]
            s[c] = sum(vals) if vals else None
        out[v] = s
    return out


def pairs(summary):
    """(label, numerator, denominator) of every compared pair present"""
    out = []
    for v in summary:
        if v.endswith(".ours") and v[:-5] + ".intree" in summary:
            out.append((v[:-5] + " ours/in-tree", v, v[:-5] + ".intree"))
        if v.startswith("dco-") and "user-" + v[4:] in summary:
            out.append((v[4:] + " dco/user", v, "user-" + v[4:]))
    return out


def ratios(summary):
    """per pair and metric: the ratio of the medians and its range over the
    repetitions (lowest numerator / highest denominator .. the reverse)"""
    out = {}
    for label, a, b in pairs(summary):
        sa, sb = summary[a], summary[b]
        out[label] = {m: {"median": sa[m]["median"] / sb[m]["median"],
                          "min": sa[m]["min"] / sb[m]["max"], "max": sa[m]["max"] / sb[m]["min"]}
                      for m in METRICS if m in sa and m in sb and sb[m]["min"] > 0}
    return out


def table(kernel, summary, rat, max_spread):
    lines = [f"== {kernel}: guest instructions per byte delivered, median (spread over the repetitions)",
             f"{'variant':22} {'user':>19} {'kernel':>19} {'all':>19}  reps  frag reasm retrans"
             "  all/packet (payload)"]
    for v, s in summary.items():
        cells = []
        for m in METRICS:
            c = s.get(m)
            mark = "*" if c and m not in GATED and c["spread_pct"] > max_spread else " "
            cells.append(f"{c['median']:9.2f} ({c['spread_pct']:.3f}%){mark}" if c else f"{'-':>19}")
        cnt = " ".join("-" if s.get(c) is None else str(s[c]) for c in COUNTERS)
        pkt = f"  {s['insn_per_packet']:.0f} ({s['payload']})" if "insn_per_packet" in s else ""
        lines.append(f"{v:22} " + " ".join(f"{c:>19}" for c in cells) + f"  {s['reps']:4}  {cnt}{pkt}")
    lat = [(v, s) for v, s in summary.items() if all(f in s for f in LATENCY)]
    if lat:
        lines.append("")
        lines.append(f"-- {kernel}: ping round trips, guest-clock ms (median over the repetitions)")
        lines.append(f"{'variant':22} {'idle median':>12} {'loaded median':>14} {'loaded p99':>11}")
        for v, s in lat:
            lines.append(f"{v:22} " + " ".join(f"{s[f]:>{w}.3f}" for f, w in zip(LATENCY, (12, 14, 11))))
    lines.append("")
    lines.append(f"-- {kernel}: ratios of the medians (range over the repetitions);"
                 " below 1: the first executes fewer instructions")
    lines.append(f"{'pair':26} {'user':>26} {'kernel':>26} {'all':>26}")
    for label, r in rat.items():
        cells = [f"{r[m]['median']:.4f} ({r[m]['min']:.4f}-{r[m]['max']:.4f})" if m in r else "-"
                 for m in METRICS]
        lines.append(f"{label:26} " + " ".join(f"{c:>26}" for c in cells))
    return "\n".join(lines) + "\n"


def problems(summary, max_spread):
    bad = []
    for v, s in summary.items():
        if s["failed"]:
            bad.append(f"{v}: {s['failed']} measurement(s) failed")
        if s["reps"] < 2:
            bad.append(f"{v}: {s['reps']} repetition(s), determinism needs two")
            continue
        for m in GATED:
            if s[m]["spread_pct"] > max_spread:
                bad.append(f"{v}: {m} spread {s[m]['spread_pct']:.3f}% > {max_spread}%")
    return bad


def differences(kernel, summary, other, max_spread):
    """the variants whose medians differ from another run's by more than max_spread"""
    bad = []
    for v, s in summary.items():
        o = other.get(v)
        for m in METRICS:
            if not o or m not in s or m not in o:
                continue
            d = spread_pct([s[m]["median"], o[m]["median"]])
            s[m]["compare_pct"] = d
            if d > max_spread and m in GATED:
                bad.append(f"{kernel}: {v}: {m} differs {d:.3f}% from the other run")
    return bad


def load(d, k):
    raw = os.path.join(d, k, "bench", "raw.jsonl")
    if not os.path.exists(raw):
        return None
    with open(raw) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    d, kernels, max_spread, other = args.pop(0), ["debian-7.3"], 0.5, None
    while args:
        opt = args.pop(0)
        if opt == "--kernels" and args:
            kernels = args.pop(0).replace(",", " ").split()
        elif opt == "--max-spread" and args:
            max_spread = float(args.pop(0))
        elif opt == "--compare" and args:
            other = args.pop(0)
        else:
            print(__doc__.strip(), file=sys.stderr)
            return 2
    result, text, bad = {"max_spread_pct": max_spread, "kernels": {}}, "", []
    for k in kernels:
        runs = load(d, k)
        if runs is None:
            bad.append(f"{k}: no {k}/bench/raw.jsonl in {d}")
            continue
        summary = summarize(runs)
        rat = ratios(summary)
        result["kernels"][k] = {"runs": runs, "summary": summary, "ratios": rat}
        text += table(k, summary, rat, max_spread)
        bad += [f"{k}: {b}" for b in problems(summary, max_spread)]
        if other is not None:
            oruns = load(other, k)
            if oruns is None:
                bad.append(f"{k}: no {k}/bench/raw.jsonl in {other}")
                continue
            bad += differences(k, summary, summarize(oruns), max_spread)
            worst = max((s[m].get("compare_pct", 0) for s in summary.values() for m in GATED if m in s),
                        default=0)
            text += f"-- {k}: the largest difference of a median (all, kernel) to {other}: {worst:.3f}%\n"
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
