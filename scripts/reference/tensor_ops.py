#!/usr/bin/env python3
"""Writes the PyTorch/SciPy forward references for Tests/TensorsTests (small .npy files).

Run with the peer's Python (torch 2.13 CPU; ../shared/peers/setup.sh prints it) which also has numpy;
SciPy comes from the system python3 (scipy 1.17.1) for gaussian_filter:
    $(../shared/peers/setup.sh) scripts/reference/tensor_ops.py Tests/Fixtures/tensor-ops
Inputs are generated here with a fixed NumPy seed and saved next to the outputs.
"""
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(2024)


def save(name, array):
    np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(np.asarray(array, dtype=np.float32)))


def t(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float32))


x = rng.standard_normal((2, 4, 7, 6)).astype(np.float32)
save("conv_x", x)
w = rng.standard_normal((6, 2, 3, 2)).astype(np.float32)
b = rng.standard_normal(6).astype(np.float32)
save("conv_w", w); save("conv_b", b)
# Asymmetric padding (top 0, bottom 1, left 2, right 0) applied by F.pad, then a grouped, strided, dilated conv.
save("conv_y", F.conv2d(F.pad(t(x), (2, 0, 0, 1)), t(w), t(b), stride=(2, 1), dilation=(1, 2), groups=2))
dw = rng.standard_normal((4, 1, 5, 5)).astype(np.float32)
save("depthwise_w", dw)
save("depthwise_y", F.conv2d(F.pad(t(x), (1, 2, 1, 2)), t(dw), stride=2, groups=4))

save("bilinear_up_true", F.interpolate(t(x), size=(13, 9), mode="bilinear", align_corners=True))
save("bilinear_up_false", F.interpolate(t(x), size=(13, 9), mode="bilinear", align_corners=False))
save("bilinear_down_false", F.interpolate(t(x), size=(3, 4), mode="bilinear", align_corners=False))
save("avgpool3", F.avg_pool2d(t(x), 3, stride=1, padding=1, count_include_pad=True))
save("maxpool", F.max_pool2d(t(x), 3, stride=2, padding=1))

v = (rng.standard_normal((5, 33)) * 4).astype(np.float32)
v[0, :3] = [90.0, -90.0, 0.0]
save("unary_x", v)
for name, fn in [("exp", torch.exp), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("gelu", F.gelu),
                 ("silu", F.silu), ("softmax", lambda a: F.softmax(a, -1)), ("log_softmax", lambda a: F.log_softmax(a, -1))]:
    save("unary_" + name, fn(t(v)))
lw = rng.standard_normal(33).astype(np.float32); lb = rng.standard_normal(33).astype(np.float32)
save("ln_w", lw); save("ln_b", lb)
save("layer_norm", F.layer_norm(t(v), (33,), t(lw), t(lb), eps=1e-5))
v2 = rng.standard_normal((5, 33)).astype(np.float32)
save("cos_y", v2)
save("cosine", F.cosine_similarity(t(v), t(v2), dim=-1, eps=1e-8))
save("variance", torch.var(t(v), dim=1))

ma = rng.standard_normal((3, 1, 4, 5)).astype(np.float32); mb = rng.standard_normal((2, 5, 6)).astype(np.float32)
save("matmul_a", ma); save("matmul_b", mb); save("matmul", t(ma) @ t(mb))

plane = rng.standard_normal((2, 19, 23)).astype(np.float32)
save("blur_x", plane)
blurred = subprocess.run(
    ["python3", "-c", "import numpy as np, sys; from scipy.ndimage import gaussian_filter; "
     "x = np.load(sys.argv[1]); y = np.stack([gaussian_filter(p.astype(np.float64), 4.0, truncate=4.0, mode='reflect') for p in x]); "
     "np.save(sys.argv[2], y.astype(np.float32))", os.path.join(out, "blur_x.npy"), os.path.join(out, "blur_sigma4.npy")],
    check=True)
print("torch", torch.__version__, "->", out)

# Adam / AdamW: three steps on one parameter with fixed gradients.
p0 = rng.standard_normal((4, 3)).astype(np.float32)
grads = rng.standard_normal((3, 4, 3)).astype(np.float32)
save("adam_p0", p0); save("adam_grads", grads)
for name, make in [("adam", lambda p: torch.optim.Adam([p], lr=0.1, weight_decay=0.01)),
                   ("adamw", lambda p: torch.optim.AdamW([p], lr=0.1, weight_decay=0.05))]:
    p = torch.nn.Parameter(t(p0).clone())
    opt = make(p)
    steps = []
    for g in grads:
        p.grad = t(g).clone()
        opt.step()
        steps.append(p.detach().clone())
    save(name + "_steps", torch.stack(steps))

# Multi-head attention (separate projections, additive window mask), as the peer's Attention.
d, heads, n = 16, 4, 9
xq = rng.standard_normal((2, n, d)).astype(np.float32)
xr = rng.standard_normal((1, n, d)).astype(np.float32)
save("mha_x", xq); save("mha_r", xr)
ws = {}
for proj in "qkvo":
    ws[proj + "_w"] = rng.standard_normal((d, d)).astype(np.float32) * 0.3
    ws[proj + "_b"] = rng.standard_normal(d).astype(np.float32) * 0.1
    save("mha_" + proj + "_w", ws[proj + "_w"]); save("mha_" + proj + "_b", ws[proj + "_b"])
rows = torch.arange(3).repeat_interleave(3); cols = torch.arange(3).repeat(3)
inside = ((rows[:, None] - rows[None, :]).abs() <= 1) & ((cols[:, None] - cols[None, :]).abs() <= 1)
inside[0, 8] = True  # an irregular mask too
mask = torch.where(inside, 0.0, float("-inf"))
save("mha_mask", mask)


def proj(x, p):
    return x @ t(ws[p + "_w"]).T + t(ws[p + "_b"])


def split(x):
    b, m, _ = x.shape
    return x.view(b, m, heads, d // heads).transpose(1, 2)


q, k, v = split(proj(t(xq), "q")), split(proj(t(xr), "k")), split(proj(t(xq), "v"))
o = torch.softmax(q @ k.transpose(-1, -2) / (d // heads) ** 0.5 + mask, -1) @ v
save("mha_y", proj(o.transpose(1, 2).reshape(2, n, d), "o"))
