#!/usr/bin/env python3
"""Checks an ONNX file exported by `rlr model export` and runs it in ONNX Runtime (CPU).

    run.py MODEL.onnx IMAGES.npy OUT_DIR

IMAGES.npy: float32 [N, 3, S, S], RGB in [0, 1]. Runs onnx.checker (full check, with shape
inference), then the graph, and writes every output as OUT_DIR/<name>.npy (map.npy [N, S, S],
score.npy [N], and for a calibrated model normalized_score.npy, anomalous.npy, mask.npy). Prints
one JSON line: {"metadata": the model's metadata, "outputs": ["NAME: TYPE", ...] in graph order}.
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main(model_path, images_path, out_dir):
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    images = np.load(images_path).astype(np.float32)
    fixed = session.get_inputs()[0].shape[0]
    if isinstance(fixed, int) and fixed != images.shape[0]:
        raise SystemExit(f"{model_path} takes batches of {fixed} images, {images_path} holds {images.shape[0]}")
    outputs = session.get_outputs()
    for output, value in zip(outputs, session.run([o.name for o in outputs], {"image": images})):
        np.save(f"{out_dir}/{output.name}.npy", value)
    print(json.dumps({"metadata": {p.key: p.value for p in model.metadata_props},
                      "outputs": [f"{o.name}: {o.type}" for o in outputs]}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
