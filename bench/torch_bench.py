"""The issue #4 workloads in PyTorch, one per process; prints one JSON line.

Usage: torch_bench.py W0|W1|W2|W3|W4 [--threads N] [--repeats N]
Timing matches bench/measure.ts: warm-up, then the median of repeats.
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn as nn

FLOPS = {"W0": 3 * 2 * 32 * (2 * 32 + 32 * 32 + 32 * 2), "W1": 156.1e6, "W2": 2.354e9, "W3": 1.309e9, "W4": 2 * 1024**3}


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
    else:
        model = Block()
        x, classes = torch.randn(16, 64, 128), 10
    y = torch.randint(0, classes, (x.shape[0],))
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
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
    print(json.dumps({
        "workload": a.workload, "steps_per_s": rate, "gflops": rate * FLOPS[a.workload] / 1e9,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": a.threads, "repeats": rates, "cpu_steps_per_s": per_cpu,
    }))


if __name__ == "__main__":
    main()
