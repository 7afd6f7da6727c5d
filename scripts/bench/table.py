#!/usr/bin/env python3
"""Markdown table from JSON-lines benchmark outputs: one row per case, one column per implementation,
plus the ratio of rlr (swift) to each peer."""
import json
import sys

rows, impls, extra = {}, [], []
for path in sys.argv[1:]:
    for line in open(path):
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "median_ms" not in record:
            extra.append(record)
            continue
        impl = "/".join(str(record[k]) for k in ("impl", "allocator", "attn") if record.get(k))
        if impl not in impls:
            impls.append(impl)
        rows.setdefault(record["case"], {})[impl] = record
for record in extra:
    print("#", json.dumps(record, sort_keys=True))
peers = [i for i in impls if i != "swift"]
print("| case (median ms) | " + " | ".join(impls) + "".join(f" | swift/{p}" for p in peers) + " |")
print("|---" * (1 + len(impls) + len(peers)) + "|")
for case, by_impl in rows.items():
    cells = []
    for impl in impls:
        r = by_impl.get(impl)
        if r is None:
            cells.append("-")
            continue
        text = f"{r['median_ms']:.2f}"
        if "gflops" in r:
            text += f" ({r['gflops']:.0f} GF/s)"
        if "raw_sgemm_ms" in r:
            text += f"; raw sgemm {r['raw_sgemm_ms']:.2f} ({100 * r['raw_sgemm_ms'] / r['median_ms']:.0f}%)"
        if "sgemm_ms" in r:
            text += f"; OpenBLAS {r['sgemm_ms']:.2f} ({r['sgemm_gflops']:.0f} GF/s)"
        if "forward_ms" in r:
            text += f"; fwd {r['forward_ms']:.1f}"
        if "peak_rss_mb" in r:
            text += f"; peak {r['peak_rss_mb']:.0f} MB"
        cells.append(text)
    ratios = []
    for peer in peers:
        s, p = by_impl.get("swift"), by_impl.get(peer)
        ratios.append(f"{s['median_ms'] / p['median_ms']:.2f}" if s and p else "-")
    print(f"| {case} | " + " | ".join(cells) + "".join(f" | {r}" for r in ratios) + " |")
