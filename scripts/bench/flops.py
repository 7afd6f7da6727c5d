#!/usr/bin/env python3
"""Floating-point work of one RLR training step and one scoring batch (the benchmark cases), counted
from the layer shapes: products only (multiply-add = 2 FLOP), backward = 2x forward. Divided by the
machine's measured GEMM peak it gives the fastest time any fp32 implementation can reach.
    scripts/bench/flops.py [PEAK_GFLOPS]        (default 210: two cores at ~105 GFLOP/s of sgemm each)"""
import sys

LEVELS = [(1024, 40, 7), (256, 112, 5)]          # tokens, channels, window per level (Lite0 s8, s16 at 256 px)
PRESETS = {"default (paper)": ((256, 512), 4), "small (fast)": ((128, 256), 2)}


def level_macs(batch, tokens, channels, hidden, layers, window):
    macs = batch * tokens * channels * hidden + tokens * channels * hidden + batch * tokens * hidden * channels  # embeds, output
    for _ in range(layers):
        macs += 2 * batch * tokens * hidden**2 + 2 * tokens * hidden**2 + 2 * batch * tokens * window**2 * hidden  # LCA
        macs += 3 * batch * tokens * hidden**2 + tokens * hidden**2 + 2 * batch * tokens**2 * hidden           # MLKA
        macs += 8 * batch * tokens * hidden**2                                                                 # FFN 4D
    return macs


peak = float(sys.argv[1]) if len(sys.argv) > 1 else 210.0
print(f"| case | GFLOP | fastest time at {peak:.0f} GFLOP/s |")
print("|---|---|---|")
for name, (dims, layers) in PRESETS.items():
    for case, batch, passes in (("train step, batch 4", 4, 3), ("scoring, batch 8", 8, 1)):
        flops = passes * 2 * sum(level_macs(batch, n, c, d, layers, k) for (n, c, k), d in zip(LEVELS, dims))
        if passes == 1:
            flops += batch * 2 * 0.318e9                                                                       # the backbone
        print(f"| {name}, {case} | {flops / 1e9:.1f} | {flops / peak / 1e9:.2f} s |")
