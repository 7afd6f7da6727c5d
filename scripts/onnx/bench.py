#!/usr/bin/env python3
"""Times ONNX Runtime (CPU) on a file from `rlr model export`: a batch of 8 random images at the
model's size, the peer's session settings (intra-op threads = cores, sequential, all graph
optimisations). Prints one JSON line like `rlr-bench score`.

    bench.py MODEL.onnx [--warmup N] [--repeat N] [--threads N]
"""
import argparse
import json
import os
import resource
import statistics
import time

import numpy as np
import onnxruntime as ort

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--repeat", type=int, default=5)
p.add_argument("--threads", type=int, default=os.cpu_count())
a = p.parse_args()
options = ort.SessionOptions()
options.intra_op_num_threads = a.threads
options.inter_op_num_threads = 1
options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
session = ort.InferenceSession(a.model, options, providers=["CPUExecutionProvider"])
size = session.get_inputs()[0].shape[2]
images = np.random.default_rng(2).random((8, 3, size, size), dtype=np.float32)
for _ in range(a.warmup):
    session.run(None, {"image": images})
times = []
for _ in range(a.repeat):
    start = time.perf_counter()
    session.run(None, {"image": images})
    times.append((time.perf_counter() - start) * 1e3)
ms = statistics.median(times)
print(json.dumps({"case": "infer_model_b8", "impl": f"onnxruntime-{ort.__version__}", "median_ms": ms,
                  "images_per_s": 8 / (ms / 1e3), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
