#!/usr/bin/env python3
"""Writes the ResNet plugin's reference fixtures (Tests/PluginsTests/Fixtures/resnet/).

A plain PyTorch ResNet (torchvision's v1.5 layout and state-dict names, written out here; no torchvision)
of reduced width with random weights and random batch-norm statistics, in eval mode, for every variant
the plugin registers: resnet18, resnet34 (basic blocks), resnet50 and wide-resnet50-2 (bottlenecks).
Saved per variant: <name>.pth (the state dict, float16 weights to keep the files small; the reference
runs on the same rounded values in float32) and <name>-layerK.npy (the four stage outputs for
input.npy, [2, 3, 40, 40] in [0, 1], ImageNet-normalised first as the plugin does for unit-range input).
    $(../shared/peers/setup.sh) scripts/reference/resnet.py Tests/PluginsTests/Fixtures/resnet
With --bench DIR [BATCH] it times torch instead (scripts/bench-resnet puts rlr next to it).
"""
import os
import sys

import numpy as np
import torch
from torch import nn


class Basic(nn.Module):
    expansion = 1

    def __init__(self, inputs, planes, stride, width_factor):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inputs != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inputs, planes, stride, width_factor):
        super().__init__()
        width = planes * width_factor
        self.conv1 = nn.Conv2d(inputs, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or inputs != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, block, blocks, base, width_factor):
        super().__init__()
        self.conv1 = nn.Conv2d(3, base, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        inputs = base
        for i, count in enumerate(blocks):
            planes = base << i
            layer = []
            for b in range(count):
                layer.append(block(inputs, planes, 2 if b == 0 and i > 0 else 1, width_factor))
                inputs = planes * block.expansion
            setattr(self, f"layer{i + 1}", nn.Sequential(*layer))

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        out = {}
        for i in range(1, 5):
            x = getattr(self, f"layer{i}")(x)
            out[f"layer{i}"] = x
        return out


VARIANTS = {
    "resnet18": (Basic, [2, 2, 2, 2], 4, 1),
    "resnet34": (Basic, [3, 4, 6, 3], 4, 1),
    "resnet50": (Bottleneck, [3, 4, 6, 3], 4, 1),
    "wide-resnet50-2": (Bottleneck, [3, 4, 6, 3], 2, 2),
}


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    images = torch.rand(2, 3, 40, 40)
    np.save(os.path.join(out, "input.npy"), images.numpy())
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    for name, (block, blocks, base, width_factor) in VARIANTS.items():
        model = ResNet(block, blocks, base, width_factor).eval()
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, nn.BatchNorm2d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.normal_(0, 0.1)
                    module.running_mean.normal_(0, 0.1)
                    module.running_var.uniform_(0.5, 1.5)
            # Round to float16 (what is stored), then run in float32 on the rounded values.
            for tensor in model.state_dict().values():
                if tensor.is_floating_point():
                    tensor.copy_(tensor.half().float())
            outputs = model((images - mean) / std)
        state = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
        torch.save(state, os.path.join(out, f"{name}.pth"))
        for tap, value in outputs.items():
            np.save(os.path.join(out, f"{name}-{tap}.npy"), value.numpy().astype(np.float32))
        print(name, {tap: tuple(v.shape) for tap, v in outputs.items()})


def bench(out, batch, repeat=10, warmup=2):
    """Full-width random resnet18 and resnet50 (<out>/<name>.pth) and torch's forward time to layer3
    (taps layer2,layer3) for a batch at 256x256, 2 threads: JSON lines like rlr-bench's."""
    import json
    import time
    torch.set_num_threads(2)
    os.makedirs(out, exist_ok=True)
    images = torch.rand(batch, 3, 256, 256)
    for name in ["resnet18", "resnet50"]:
        block, blocks, _, width_factor = VARIANTS[name]
        model = ResNet(block, blocks, 64, width_factor).eval()
        torch.save(model.state_dict(), os.path.join(out, f"{name}.pth"))
        model.layer4 = nn.Identity()
        times = []
        with torch.no_grad():
            for i in range(warmup + repeat):
                start = time.perf_counter()
                model(images)
                if i >= warmup:
                    times.append((time.perf_counter() - start) * 1e3)
        times.sort()
        print(json.dumps({"case": f"backbone_b{batch}", "impl": "torch", "backbone": name, "taps": "layer2,layer3",
                          "median_ms": times[len(times) // 2], "min_ms": times[0]}))


if __name__ == "__main__":
    if sys.argv[1] == "--bench":
        bench(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    else:
        main(sys.argv[1])
