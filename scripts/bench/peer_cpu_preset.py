#!/usr/bin/env python3
"""The PyTorch peer (../shared/peers) trained with rlr's `--preset cpu` recipe, to compare the two trained the same way.

The recipe, as rlr's cpu preset: D 128/256, 1 layer, 8 heads, batch 4, jitter 4; Adam with a peak rate of 1e-3, a linear
warm-up over the first epoch, a half-cosine decay to zero at the last step (the factor of rlr's LearningRateSchedule);
each level's reference starts at the mean training token of its position; 14 epochs; the last epoch is evaluated.
A fraction of each category's train/good is held out (not trained on) like `rlr model train --hold-out`; which images
differ from rlr's (each draws them with its own generator). The peer takes one MVTec-layout root, so several roots
(e.g. the five datasets under ../shared/data) are read through a temporary folder of symbolic links.

usage: PY=$(../shared/peers/setup.sh); $PY scripts/bench/peer_cpu_preset.py --data ../shared/data \
           [--categories ...] [--epochs 14] [--hold-out 0.1] [--backbone-weights FILE] [--json-out FILE]
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.environ.get("RLR_PEERS", os.path.join(HERE, "..", "..", "..", "shared", "peers"))
sys.path.insert(0, PEERS)
import torch  # noqa: E402
import rlr_torch as R  # noqa: E402
import train_eval_torch as T  # noqa: E402


def category_folders(data):
    """Category name -> folder: the categories of `data` itself, or of the MVTec-layout datasets inside it."""
    def categories(root):
        return {c: os.path.join(root, c) for c in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, c, "train"))}
    found = categories(data)
    if not found:
        for dataset in sorted(os.listdir(data)):
            if os.path.isdir(os.path.join(data, dataset)):
                found.update(categories(os.path.join(data, dataset)))
    return found


def category_root(folders, categories):
    """One folder holding the chosen categories (symbolic links to where they are), as the peer reads them."""
    missing = [c for c in categories if c not in folders]
    if missing:
        sys.exit(f"peer_cpu_preset: no category {', '.join(missing)} under --data")
    root = tempfile.mkdtemp(prefix="peer-root-")
    for c in categories:
        os.symlink(os.path.abspath(folders[c]), os.path.join(root, c))
    return root


def factor(step, steps_per_epoch, epochs, warmup_epochs=1.0):
    """rlr's LearningRateSchedule(warmupEpochs, .cosine).factor(step:stepsPerEpoch:epochs:)."""
    total = max(1, steps_per_epoch * epochs)
    warmup = warmup_epochs * steps_per_epoch
    position = step + 1
    if position <= warmup:
        return position / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.5 * (1 + math.cos(math.pi * progress))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--categories", default="")
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--hold-out", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=3407)
    ap.add_argument("--backbone-weights", default=R.DEFAULT_WEIGHTS)
    ap.add_argument("--json-out", default=None)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    folders = category_folders(a.data)
    categories = [c for c in a.categories.split(",") if c] or list(folders)
    root = category_root(folders, categories)
    cfg = R.RLRConfig(dims=(128, 256), layers=1, lr=1e-3, jitter=4.0)
    print(f"# torch {torch.__version__}, {a.threads} threads, dims {cfg.dims}, 1 layer, {a.epochs} epochs, "
          f"lr 1e-3 warm-up 1 epoch + cosine, reference from features, categories {','.join(categories)}", flush=True)

    generator = torch.Generator().manual_seed(a.seed)
    train, test_raw = [], {}
    for c in categories:
        images, xs, ys, ms = T.load_split(root, c, cfg.image_size)
        keep = len(images) - int(round(a.hold_out * len(images)))
        train.append(images[torch.randperm(len(images), generator=generator)[:keep]])
        test_raw[c] = (xs, ys, ms)
    train = torch.cat(train)

    t0 = time.perf_counter()
    backbone = R.EffNetLite0Features(a.backbone_weights, (8, 16))
    train_tokens = T.extract(backbone, train, "tf", 8)
    test = {c: (T.extract(backbone, xs, "tf", 8), ys, ms) for c, (xs, ys, ms) in test_raw.items()}
    features_s = time.perf_counter() - t0
    del train, test_raw

    torch.manual_seed(a.seed)
    model = R.RLR(backbone.channels, [cfg.image_size // 8, cfg.image_size // 16], cfg).train()
    with torch.no_grad():
        for level, tokens in zip(model.levels, train_tokens):
            level.ref.copy_(tokens.mean(0))
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    n = len(train_tokens[0])
    steps = (n + 3) // 4
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: factor(step, steps, a.epochs))
    shuffle = torch.Generator().manual_seed(a.seed)
    jitter = torch.Generator().manual_seed(a.seed + 1)
    print(f"  {n} training images, {steps} steps an epoch, features {features_s:.1f} s", flush=True)

    history, start = [], time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        t = time.perf_counter()
        total = 0.0
        order = torch.randperm(n, generator=shuffle)
        for i in range(0, n, 4):
            index = order[i:i + 4]
            optimizer.zero_grad(set_to_none=True)
            loss, parts = model.loss([tokens[index] for tokens in train_tokens], generator=jitter)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += sum(parts)
        history.append({"epoch": epoch, "loss": total / steps, "epoch_s": time.perf_counter() - t})
        print(f"  epoch {epoch}/{a.epochs} loss {total / steps:.4f} {history[-1]['epoch_s']:.1f} s", flush=True)
    train_s = time.perf_counter() - start

    results = T.evaluate(model, test)
    text, mean_image, _ = T.table(results)
    pixel = [r["pixel_auroc"] for r in results.values() if not math.isnan(r["pixel_auroc"])]
    mean_pixel = sum(pixel) / len(pixel)  # over the categories with masks, as rlr reports it
    text += f"\nmean P-AUROC over the {len(pixel)} categories with masks: {100 * mean_pixel:.2f}"
    print(f"\nthe peer, rlr's cpu recipe, last epoch ({a.epochs}), training {train_s / 60:.1f} min:\n{text}")
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"results": results, "mean_image_auroc": mean_image, "mean_pixel_auroc": mean_pixel,
                       "train_s": train_s, "features_s": features_s, "history": history, "args": vars(a)}, f, indent=1)


if __name__ == "__main__":
    main()
