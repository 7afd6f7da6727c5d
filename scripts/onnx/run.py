#!/usr/bin/env python3
"""Checks an ONNX file exported by `rlr model export` and runs it in ONNX Runtime (CPU).

    run.py MODEL.onnx IMAGES.npy OUT_DIR

IMAGES.npy: float32 [N, 3, S, S], RGB in [0, 1]. Runs onnx.checker (full check, with shape
inference), then the graph, and writes OUT_DIR/map.npy [N, S, S] and OUT_DIR/score.npy [N].
Prints the model's metadata as JSON on one line.
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
    maps, scores = session.run(["map", "score"], {"image": images})
    np.save(f"{out_dir}/map.npy", maps)
    np.save(f"{out_dir}/score.npy", scores)
    print(json.dumps({p.key: p.value for p in model.metadata_props}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
