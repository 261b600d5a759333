"""The issue #4 workloads (and #18's W5) in PyTorch, one per process; prints one JSON line.

Usage: torch_bench.py W0|W1|W2|W3|W4|W5 [--threads N] [--repeats N]
Timing matches bench/measure.ts: warm-up, then the median of repeats.
W5 is the lab's CNN template on Fashion-MNIST (Debian's dataset-fashion-mnist),
Adam lr 1e-3, batch 64, cycling through the first 16 batches of the training
images scaled to [0, 1], as bench/workloads.ts runs it, with the whole training
set (uint8) held as both the lab and bench/workloads.ts hold it; epoch_s is the step
time times 938 steps (60,000 images), extrapolated.
"""
import argparse
import gzip
import json
import math
import os
import resource
import statistics
import time

import torch
import torch.nn as nn

FLOPS = {"W0": 3 * 2 * 32 * (2 * 32 + 32 * 32 + 32 * 2), "W1": 156.1e6, "W2": 2.354e9, "W3": 1.309e9, "W4": 2 * 1024**3,
         "W5": 3 * 2 * 64 * (784 * 32 * 9 + 196 * 64 * 32 * 9 + 3136 * 128 + 128 * 10)}
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
W5_STEPS_PER_EPOCH = math.ceil(60000 / 64)


def fashion_training_set():
    """Fashion-MNIST's 60,000 training images (uint8, [60000, 28, 28]) and labels (int64), held whole, as the lab
    holds a dataset it trains on (bench/workloads.ts keeps the same bytes) and as torchvision's FashionMNIST does."""
    images = torch.frombuffer(read_idx("train-images-idx3-ubyte.gz", 16), dtype=torch.uint8).reshape(-1, 28, 28)
    labels = torch.frombuffer(read_idx("train-labels-idx1-ubyte.gz", 8), dtype=torch.uint8).long()
    return images, labels


def read_idx(name, header):
    """An IDX file's values, read into one buffer of their size (no transient copies to inflate the peak)."""
    with gzip.open(os.path.join(FASHION_MNIST, name)) as f:
        dims = f.read(header)[4:]
        values = bytearray(math.prod(int.from_bytes(dims[i:i + 4], "big") for i in range(0, len(dims), 4)))
        if f.readinto(values) != len(values):
            raise SystemExit(f"{name}: shorter than its header says")
    return values


def fashion_batches(images, labels, count, batch=64):
    """The first count batches of the training images, pixels / 255."""
    x = images[:count * batch].float().div(255).reshape(count, batch, 1, 28, 28)
    y = labels[:count * batch].reshape(count, batch)
    return [(x[i], y[i]) for i in range(count)]


class Block(nn.Module):
    """Post-norm Transformer block, mean over the sequence, Linear(128, 10)."""

    def __init__(self, e=128, heads=4):
        super().__init__()
        self.attn = nn.MultiheadAttention(e, heads, batch_first=True)
        self.drop1 = nn.Dropout(0.1)
        self.norm1 = nn.LayerNorm(e)
        self.ffn = nn.Sequential(nn.Linear(e, 4 * e), nn.ReLU(), nn.Linear(4 * e, e), nn.Dropout(0.1))
        self.norm2 = nn.LayerNorm(e)
        self.head = nn.Linear(e, 10)

    def forward(self, x):
        a, _ = self.attn(x, x, x, need_weights=False)
        h = self.norm1(x + self.drop1(a))
        h = self.norm2(h + self.ffn(h))
        return self.head(h.mean(1))


def make(workload):
    if workload == "W4":
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        return lambda: float((a @ b)[0, 0])
    if workload == "W0":
        model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))
        x, classes = torch.randn(32, 2), 2
    elif workload == "W1":
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10))
        x, classes = torch.randn(64, 784), 10
    elif workload == "W2":
        model = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(4096, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10),
        )
        x, classes = torch.randn(64, 3, 32, 32), 10
    elif workload == "W5":
        # engine/project/templates.ts cnn() for a 1x28x28 input and 10 classes.
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10),
        )
    else:
        model = Block()
        x, classes = torch.randn(16, 64, 128), 10
    if workload == "W5":
        dataset = fashion_training_set()
        batches = fashion_batches(*dataset, 16)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        dataset = None
        batches = [(x, torch.randint(0, classes, (x.shape[0],)))]
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    turn = [0]

    def step():
        # The training set stays referenced for the whole run (W5), as in the lab.
        _ = dataset
        bx, by = batches[turn[0]]
        turn[0] = (turn[0] + 1) % len(batches)
        opt.zero_grad()
        loss = loss_fn(model(bx), by)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def measure(step, repeats, warmup=0.4, repeat_s=0.8):
    steps, t0 = 0, time.perf_counter()
    while steps < 3 or time.perf_counter() - t0 < warmup:
        step()
        steps += 1
    per = (time.perf_counter() - t0) / steps
    n = max(1, round(repeat_s / per))
    rates = []
    cpu0 = time.process_time()
    for _ in range(repeats):
        s = time.perf_counter()
        for _ in range(n):
            step()
        rates.append(n / (time.perf_counter() - s))
    return statistics.median(rates), rates, n * repeats / (time.process_time() - cpu0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload", choices=sorted(FLOPS))
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rate, rates, per_cpu = measure(make(a.workload), max(3, a.repeats))
    result = {
        "workload": a.workload, "steps_per_s": rate, "gflops": rate * FLOPS[a.workload] / 1e9,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": a.threads, "repeats": rates, "cpu_steps_per_s": per_cpu,
    }
    if a.workload == "W5":
        result["epoch_s"] = W5_STEPS_PER_EPOCH / rate
    print(json.dumps(result))


if __name__ == "__main__":
    main()
