#!/usr/bin/env python3
"""The chart of make bench's deterministic mode.

Usage: icount-chart.py OUT.png ICOUNT.json...

Each ICOUNT.json is what tests/bench/icount-report.py wrote (DIR/icount.json).
Draws, per kernel and variant, the guest instructions per byte delivered
(median over the repetitions) as a bar of kernel and user instructions
stacked, with gnuplot; the labels name the kernel and the variant.
"""
import json
import os
import subprocess
import sys
import tempfile


def rows(paths):
    """[(label, kernel insn/B, user insn/B)] of every variant of PATHS"""
    out = []
    for p in paths:
        with open(p) as f:
            res = json.load(f)
        for k, ki in res["kernels"].items():
            for v, s in ki["summary"].items():
                if "kernel_insn_per_byte" in s and "user_insn_per_byte" in s:
                    out.append((f"{k.replace('debian-', '')} {v}",
                                s["kernel_insn_per_byte"]["median"], s["user_insn_per_byte"]["median"]))
    return out


def draw(png, data):
    with tempfile.TemporaryDirectory() as d:
        dat = os.path.join(d, "chart.dat")
        with open(dat, "w") as f:
            for label, kern, user in data:
                f.write(f'"{label}" {kern:.4f} {user:.4f}\n')
        gp = f"""
set terminal pngcairo size 1500,700 font "DejaVu Sans,10"
set output "{png}"
set title "make bench, deterministic mode: guest instructions per byte delivered (median of the rounds; lower is better)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -35 left nomirror font ",9"
set grid ytics
set key top left
set ylabel "instructions per byte"
set yrange [0:*]
set bmargin 9
plot "{dat}" using 2:xtic(1) title "kernel" lc rgb "#1f77b4", "" using 3 title "user" lc rgb "#ff7f0e"
"""
        gpf = os.path.join(d, "chart.gp")
        with open(gpf, "w") as f:
            f.write(gp)
        subprocess.run(["gnuplot", gpf], check=True)


def main(argv):
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    data = rows(argv[1:])
    if not data:
        print("icount-chart: no variant with instruction counts in " + " ".join(argv[1:]), file=sys.stderr)
        return 1
    draw(os.path.abspath(argv[0]), data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
