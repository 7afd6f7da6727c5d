#!/usr/bin/env python3
"""Writes the PyTorch peer's numerics for a tiny RLR head (Tests/Fixtures/rlr-head/head.safetensors).

Uses ../shared/peers/rlr_torch.py (the peer implementation) with a configuration small enough to
commit: two levels (6x6 and 4x4 tokens of 8 and 12 channels, D 16/32, 2 layers, 4 heads,
windows 3/3), batch 2. Saved: inputs, jitter noise, every parameter (peer names, prefix param.),
reconstructions, token scores, the anomaly map at 24x24, per-level losses, every gradient
(grad.) and the parameters after one Adam step (after.).
    $(../shared/peers/setup.sh) scripts/reference/rlr_head.py Tests/Fixtures/rlr-head
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "peers"))
import rlr_torch as peer  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(7)
cfg = peer.RLRConfig(dims=(16, 32), layers=2, heads=4, windows=(3, 3), attn_impl="math", image_size=24)
model = peer.RLR((8, 12), (6, 4), cfg)
tokens = [torch.randn(2, 36, 8) * 2, torch.randn(2, 16, 12)]
noise = [torch.randn_like(t) for t in tokens]
tensors = {f"param.{k}": v.detach().clone() for k, v in model.state_dict().items()}
tensors.update({"tokens0": tokens[0], "tokens1": tokens[1], "noise0": noise[0], "noise1": noise[1]})
with torch.no_grad():
    for i, (level, t) in enumerate(zip(model.levels, tokens)):
        recon = level(t)
        tensors[f"recon{i}"] = recon
        tensors[f"score{i}"] = peer.token_scores(recon, t)
    tensors["map"] = model.anomaly_map(tokens, size=24)
total = 0
for i, (level, t, e) in enumerate(zip(model.levels, tokens, noise)):
    jittered = t + cfg.jitter * (t.norm(dim=-1, keepdim=True) / t.shape[-1]) * e
    loss = peer.reconstruction_loss(level(jittered), t)
    tensors[f"loss{i}"] = loss.detach().reshape(1)
    total = total + loss
optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
total.backward()
for k, p in model.named_parameters():
    tensors[f"grad.{k}"] = p.grad.detach().clone()
optimizer.step()
for k, p in model.named_parameters():
    tensors[f"after.{k}"] = p.detach().clone()

# safetensors writer (float32), as the format defines it.
names = sorted(tensors)
header, offset, blobs = {}, 0, []
for name in names:
    data = tensors[name].detach().to(torch.float32).contiguous().numpy().tobytes()
    header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
    blobs.append(data)
header["__metadata__"] = {"torch": torch.__version__, "config": json.dumps(cfg.__dict__, default=list)}
raw = json.dumps(header).encode()
raw += b" " * ((8 - len(raw) % 8) % 8)
with open(os.path.join(out, "head.safetensors"), "wb") as f:
    f.write(len(raw).to_bytes(8, "little") + raw + b"".join(blobs))
print("wrote", os.path.join(out, "head.safetensors"), len(names), "tensors")
