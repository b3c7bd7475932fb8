#!/usr/bin/env python3
"""Summarize a `make bench` results directory: results.json, table.txt, bench.png.

Usage: report.py DIR [--kernels "K ..."] [--mode M]   build the report of DIR
       report.py --check DIR                         validate DIR's report

DIR is what tests/bench/bench.sh wrote: per kernel K, K/bench/raw.jsonl (one
line per variant and repetition, from guest-bench.sh), conf-K.env, plus
host.txt, host-load.txt, steps.tsv and pipeline/pipeline.tsv. Figures are
reported as median and min-max over the repetitions; ratios are taken per
repetition (both variants of a pair measured in the same round) and then
summarized the same way. --check exits non-zero unless results.json has at
least one error-free measurement with every figure for every requested variant
of every kernel, and bench.png is a PNG image.
"""
import json
import math
import os
import shlex
import statistics
import subprocess
import sys

METRICS = [  # key, column title, unit, higher is better
    ("tcp1_mbps", "TCP-1", "Mbit/s", True),
    ("tcp4_mbps", "TCP-4", "Mbit/s", True),
    ("udp_mbps", "UDP", "Mbit/s", True),
    ("udp_loss_pct", "UDP loss", "%", False),
    ("rtt_median_ms", "RTT med", "ms", False),
    ("rtt_p99_ms", "RTT p99", "ms", False),
    ("cpu_s_per_gb", "CPU", "s/GB", False),
]
REQUIRED = ["tcp1_mbps", "tcp4_mbps", "udp_mbps", "udp_loss_pct", "rtt_median_ms", "rtt_p99_ms"]
RATIO_METRICS = ["tcp1_mbps", "tcp4_mbps", "udp_mbps", "rtt_median_ms", "cpu_s_per_gb"]
CIPHERS = {"aes": "AES-256-GCM", "chacha": "CHACHA20-POLY1305"}


def short(kernel):
    return kernel.replace("debian-", "")


def read_env(path):
    env = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = " ".join(shlex.split(v))
    return env


def read_tsv(path):
    rows = []
    if os.path.exists(path):
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) >= 2:
                rows.append(f + [""] * (3 - len(f)))
    return rows


def udp_loss_from_bytes(path, run):
    """UDP loss as 1 - received/sent bytes of the measured interval (iperf3's
    lost_percent counts the omitted first second's losses against the packets
    of the measured ones only, and exceeds 100 % at high loss)."""
    try:
        end = json.load(open(path))["end"]
        sent, recv = end["sum_sent"]["bytes"], end["sum_received"]["bytes"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if sent > 0:
        run.setdefault("udp_loss_pct_iperf3", run.get("udp_loss_pct"))
        run["udp_loss_pct"] = max(0.0, 100.0 * (1 - recv / sent))


def spread(values):
    v = [x for x in values if isinstance(x, (int, float))]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def ok_runs(runs, variant):
    return [r for r in runs if r["variant"] == variant and not r.get("error")]


# Student's t, two-sided 95 %, by degrees of freedom (above 10: 2.2)
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23}


def interval(ratios):
    """The geometric mean of per-repetition RATIOS with its 95 % interval (t
    on the logs), and the smallest difference from 1, in percent, that the
    run could tell apart: the interval's half-width. None below 2 ratios."""
    logs = [math.log(x) for x in ratios if x > 0]
    if len(logs) < 2:
        return None
    m, half = statistics.mean(logs), T95.get(len(logs) - 1, 2.2) * statistics.stdev(logs) / math.sqrt(len(logs))
    return {"geomean": math.exp(m), "ci95": [math.exp(m - half), math.exp(m + half)],
            "detectable_pct": 100 * (math.exp(half) - 1)}


def paired_ratio(runs, num, den, metric):
    """Per repetition num/den of metric, summarized, with its interval."""
    a = {r["rep"]: r.get(metric) for r in ok_runs(runs, num)}
    b = {r["rep"]: r.get(metric) for r in ok_runs(runs, den)}
    vals = [a[k] / b[k] for k in sorted(a) if k in b and a[k] is not None and b[k]]
    s = spread(vals)
    if s:
        s["interval"] = interval(vals)
    return s


def ratio_pairs(kernel, variants):
    """(label, numerator, denominator) pairs for the headline ratios."""
    pairs = []
    for v in variants:
        if v.startswith("dco-") and "." not in v and "user-" + v[4:] in variants:
            pairs.append(("DCO/userspace " + v[4:], v, "user-" + v[4:]))
        if v.endswith(".ours") and v[:-5] + ".intree" in variants:
            pairs.append(("ours/in-tree " + v[:-5], v, v[:-5] + ".intree"))
    return pairs


def fmt(s, digits=1):
    if not s:
        return "-"
    if s["min"] == s["max"]:
        return f"{s['median']:.{digits}f}"
    return f"{s['median']:.{digits}f} [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"


def ci(s):
    """a ratio's interval as text: geometric mean [95 % interval] +-detectable %"""
    iv = s and s.get("interval")
    if not iv:
        return "-"
    return f"{iv['geomean']:.2f} [{iv['ci95'][0]:.2f}-{iv['ci95'][1]:.2f}] +-{iv['detectable_pct']:.0f}%"


def med(s, digits=1):
    return f"{s['median']:.{digits}f}" if s else "-"


def load_summary(samples):
    if not samples:
        return None
    one = [s[1] for s in samples]
    return {"samples": len(samples), "mean_1min": round(statistics.mean(one), 2),
            "max_1min": max(one), "min_1min": min(one)}


def build(d, kernels, mode):
    host = {}
    for line in open(os.path.join(d, "host.txt")):
        if ": " in line:
            k, v = line.rstrip("\n").split(": ", 1)
            host[k] = v
    samples = []
    if os.path.exists(os.path.join(d, "host-load.txt")):
        for line in open(os.path.join(d, "host-load.txt")):
            f = line.split()
            if len(f) == 4:
                samples.append((int(f[0]), float(f[1]), float(f[2]), float(f[3])))
    res = {
        "mode": mode,
        "host": host,
        "host_load": load_summary(samples),
        "host_load_samples": samples,
        "steps_s": {k: float(v) for k, v, _ in read_tsv(os.path.join(d, "steps.tsv"))},
        "pipeline": [{"step": s, "seconds": float(v), "note": n}
                     for s, v, n in read_tsv(os.path.join(d, "pipeline", "pipeline.tsv"))],
        "kernels": {},
    }
    for k in kernels:
        env = read_env(os.path.join(d, f"conf-{k}.env"))
        variants = env.get("BENCH_VARIANTS", "").split()
        raw = os.path.join(d, k, "bench", "raw.jsonl")
        runs = [json.loads(line) for line in open(raw)] if os.path.exists(raw) else []
        for r in runs:
            udp_loss_from_bytes(os.path.join(d, k, "bench", r["variant"], f"rep{r['rep']}", "udp.json"), r)
        kinfo = {
            "params": {"reps": env.get("BENCH_REPS"), "iperf3_seconds": env.get("BENCH_SECONDS"),
                       "iperf3_omit": env.get("BENCH_OMIT"), "pings": env.get("BENCH_PINGS"),
                       "udp_offered_load": env.get("BENCH_UDP_RATE")},
            "variants_requested": variants,
            "runs": runs,
            "summary": {},
            "ratios": [],
            "vs_ceiling": [],
            "guest": open(os.path.join(d, k, "bench", "guest-info.txt")).read().splitlines()
            if os.path.exists(os.path.join(d, k, "bench", "guest-info.txt")) else [],
            "vmtest": [r[:2] for r in read_tsv(os.path.join(d, k, "summary.tsv"))],
        }
        for v in variants:
            good = ok_runs(runs, v)
            kinfo["summary"][v] = {m: spread([r.get(m) for r in good]) for m, *_ in METRICS}
            kinfo["summary"][v]["ok_runs"] = len(good)
            kinfo["summary"][v]["failed_runs"] = len([r for r in runs if r["variant"] == v]) - len(good)
        for label, a, b in ratio_pairs(k, variants):
            kinfo["ratios"].append({"label": label, "num": a, "den": b,
                                    **{m: paired_ratio(runs, a, b, m) for m in RATIO_METRICS}})
        if "veth" in variants:
            for v in variants:
                if v != "veth":
                    kinfo["vs_ceiling"].append({"variant": v, **{m: paired_ratio(runs, v, "veth", m)
                                                for m in ("tcp1_mbps", "tcp4_mbps")}})
        res["kernels"][k] = kinfo
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    table = render_table(res)
    with open(os.path.join(d, "table.txt"), "w") as f:
        f.write(table)
    print(table, end="")
    chart(d, res)


def render_table(res):
    out = []
    w = out.append
    for k, ki in res["kernels"].items():
        p = ki["params"]
        w(f"== {k}: medians [min-max] over {p['reps']} repetitions; iperf3 {p['iperf3_seconds']} s"
          f" (+{p['iperf3_omit']} s omitted), UDP offered {p['udp_offered_load']}bit/s,"
          f" {p['pings']} pings")
        w(f"{'variant':<20} {'TCP-1 Mbit/s':<20} {'TCP-4 Mbit/s':<20} {'UDP Mbit/s':<20}"
          f" {'loss %':<16} {'RTT ms':<18} {'p99 ms':<8} {'CPU s/GB':<10} ok")
        for v, s in ki["summary"].items():
            w(f"{v:<20} {fmt(s['tcp1_mbps']):<20} {fmt(s['tcp4_mbps']):<20} {fmt(s['udp_mbps']):<20}"
              f" {fmt(s['udp_loss_pct']):<16} {fmt(s['rtt_median_ms'], 3):<18}"
              f" {med(s['rtt_p99_ms'], 3):<8}"
              f" {fmt(s['cpu_s_per_gb']):<10} {s['ok_runs']}"
              + (f" ({s['failed_runs']} FAILED)" if s["failed_runs"] else ""))
        if ki["ratios"]:
            w("")
            w(f"-- {k} ratios, per repetition, median [min-max] (RTT and CPU: lower is better)")
            w(f"{'pair':<30} {'TCP-1':<20} {'TCP-4':<20} {'UDP':<20} {'RTT':<20} CPU/GB")
            for r in ki["ratios"]:
                w(f"{r['label']:<30} {fmt(r['tcp1_mbps'], 2):<20} {fmt(r['tcp4_mbps'], 2):<20}"
                  f" {fmt(r['udp_mbps'], 2):<20} {fmt(r['rtt_median_ms'], 2):<20} {fmt(r['cpu_s_per_gb'], 2)}")
        if ki["ratios"]:
            w("")
            w(f"-- {k} ratios: geometric mean, its 95 % interval, and +- the smallest difference"
              " this run tells from 1")
            w(f"{'pair':<30} {'TCP-1':<30} {'TCP-4':<30} UDP")
            for r in ki["ratios"]:
                w(f"{r['label']:<30} " + " ".join(f"{ci(r[m]):<30}" for m in RATIO_METRICS[:3]).rstrip())
        if ki["vs_ceiling"]:
            w("")
            w(f"-- {k} fraction of the veth ceiling (TCP-1, TCP-4)")
            w("  " + "  ".join(f"{c['variant']} {fmt(c['tcp1_mbps'], 3)}/{fmt(c['tcp4_mbps'], 3)}"
                             for c in ki["vs_ceiling"][:4]))
            for i in range(4, len(ki["vs_ceiling"]), 4):
                w("  " + "  ".join(f"{c['variant']} {fmt(c['tcp1_mbps'], 3)}/{fmt(c['tcp4_mbps'], 3)}"
                                 for c in ki["vs_ceiling"][i:i + 4]))
        w("")
    if res["pipeline"]:
        w("== pipeline seconds (" + res["host"].get("cpu", "?") + ")")
        for p in res["pipeline"]:
            w(f"  {p['step']:<24} {p['seconds']:>7.1f}  {p['note']}")
        w("")
    hl = res["host_load"]
    w(f"host: {res['host'].get('cpu', '?')}; load average during the run: "
      + (f"mean {hl['mean_1min']}, max {hl['max_1min']} ({hl['samples']} samples)" if hl else "?")
      + f"; start: {res['host'].get('uptime-start', '?').split('load average: ')[-1]}")
    return "\n".join(out) + "\n"


def chart(d, res):
    """bench.png: throughput (log scale) and RTT per variant, bars at the median, min-max bars."""
    rows = []
    for k, ki in res["kernels"].items():
        for v, s in ki["summary"].items():
            rows.append((f"{short(k)} {v}", s))
    if not rows:
        return

    def cols(s, m):
        x = s.get(m)
        return (f"{x['median']:.4g} {x['min']:.4g} {x['max']:.4g}" if x else "NaN NaN NaN")
    dat = os.path.join(d, "chart.dat")
    with open(dat, "w") as f:
        for label, s in rows:
            f.write(f"\"{label}\" {cols(s, 'tcp1_mbps')} {cols(s, 'tcp4_mbps')} {cols(s, 'udp_mbps')}"
                    f" {cols(s, 'rtt_median_ms')} {cols(s, 'rtt_p99_ms')}\n")
    title = "make bench (" + res["mode"] + "): qemu TCG guest, " + res["host"].get("cpu", "?")
    gp = f"""
set terminal pngcairo size 1500,1000 font "DejaVu Sans,10"
set output "{os.path.join(d, 'bench.png')}"
set multiplot layout 2,1 title "{title}\\nbars: median over the repetitions, whiskers: min-max; absolute numbers are TCG-only, compare ratios"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -35 left nomirror font ",9"
set grid ytics
set key top right
set logscale y
set ylabel "Mbit/s (log scale)"
set yrange [1:*]
set bmargin 7
plot "{dat}" using 2:3:4:xtic(1) title "iperf3 TCP, 1 stream" lc rgb "#1f77b4", \\
     "" using 5:6:7 title "TCP, 4 streams" lc rgb "#2ca02c", \\
     "" using 8:9:10 title "UDP received at the fixed offered load" lc rgb "#ff7f0e"
unset logscale y
set yrange [0:*]
set ylabel "ping RTT, ms"
plot "{dat}" using 11:12:13:xtic(1) title "RTT median" lc rgb "#9467bd", \\
     "" using 14:15:16 title "RTT p99" lc rgb "#8c564b"
unset multiplot
"""
    with open(os.path.join(d, "chart.gp"), "w") as f:
        f.write(gp)
    subprocess.run(["gnuplot", os.path.join(d, "chart.gp")], check=True)


def check(d):
    bad = []
    try:
        res = json.load(open(os.path.join(d, "results.json")))
    except (OSError, ValueError) as e:
        print(f"results.json: {e}")
        return 1
    if not res.get("kernels"):
        bad.append("no kernel in results.json")
    for k, ki in res.get("kernels", {}).items():
        if not ki.get("variants_requested"):
            bad.append(f"{k}: no variants requested")
        for v in ki.get("variants_requested", []):
            good = [r for r in ki.get("runs", []) if r.get("variant") == v and not r.get("error")
                    and all(isinstance(r.get(m), (int, float)) for m in REQUIRED)]
            if not good:
                errs = [r.get("error") for r in ki.get("runs", []) if r.get("variant") == v]
                bad.append(f"{k} {v}: no complete measurement ({'; '.join(map(str, errs)) or 'no run'})")
    try:
        with open(os.path.join(d, "bench.png"), "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                bad.append("bench.png is not a PNG image")
    except OSError as e:
        bad.append(f"bench.png: {e}")
    for b in bad:
        print(b)
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 1 and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(argv) == 2 and argv[0] == "--check":
        return check(argv[1])
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    d, kernels, mode = argv[0], None, "full"
    i = 1
    while i < len(argv):
        if argv[i] == "--kernels":
            kernels = argv[i + 1].replace(",", " ").split()
            i += 2
        elif argv[i] == "--mode":
            mode = argv[i + 1]
            i += 2
        else:
            print(__doc__, file=sys.stderr)
            return 2
    if kernels is None:
        kernels = sorted(e[5:-4] for e in os.listdir(d) if e.startswith("conf-") and e.endswith(".env"))
    build(d, kernels, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
