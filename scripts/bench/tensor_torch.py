#!/usr/bin/env python3
"""PyTorch side of `rlr-bench tensor`: the same cases, one JSON line each (see scripts/bench).

Run by scripts/bench with the peer's Python (../shared/peers/setup.sh) in child processes per
runtime variant (stock torch; jemalloc + MKL vendor fix, the peer README's "tuned" torch).
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

threads, warmup, repeat = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


def median_ms(fn):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def report(**fields):
    print(json.dumps(dict(impl="torch", **fields), sort_keys=True), flush=True)


with torch.no_grad():
    for batch, m, k, n in [(1, 1024, 1024, 1024), (1, 4096, 256, 256), (1, 4096, 256, 1024), (32, 1024, 32, 1024), (32, 1024, 1024, 32)]:
        a = torch.randn(batch, m, k).squeeze(0); b = torch.randn(batch, k, n).squeeze(0)
        ms = median_ms(lambda: a @ b)
        report(case=f"matmul_{batch}x{m}x{k}x{n}", median_ms=ms, gflops=2.0 * batch * m * n * k / ms / 1e6)
    x = torch.randn(16, 1024, 1024); y = torch.randn(16, 1024, 1024); row = torch.randn(1024)
    for name, fn in [("add_16M", lambda: x + y), ("add_broadcast_16M", lambda: x + row), ("exp_16M", lambda: x.exp()),
                     ("gelu_16M", lambda: F.gelu(x)), ("sum_16M", lambda: x.sum()), ("sum_lastaxis_16M", lambda: x.sum(-1)),
                     ("softmax_16M", lambda: F.softmax(x, -1))]:
        report(case=name, median_ms=median_ms(fn))
    del x, y


class MHA(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (torch.nn.Linear(d, d) for _ in range(4))

    def forward(self, x):
        b, n, d = x.shape
        split = lambda t: t.view(b, n, self.heads, d // self.heads).transpose(1, 2)
        out = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)))
        return self.o(out.transpose(1, 2).reshape(b, n, d))


layer = MHA(256, 8)
x = torch.randn(4, 1024, 256, requires_grad=True)
with torch.no_grad():
    forward = median_ms(lambda: layer(x))


def step():
    layer.zero_grad(); x.grad = None
    layer(x).sum().backward()


import resource
report(case="mha_b4_n1024_d256_h8", forward_ms=forward, median_ms=median_ms(step),
       peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
