"""PyTorch's time for W3's eight dense products (its Linear layers' forward and
backward GEMMs), each alone with torch.mm, median of 41 calls after 20 warm-up
calls, to set beside `npx tsx bench/profile.ts W3` (ours, inside a step).

Run it with the BLAS and threads `npm run bench -- --vs-torch` uses (its header
line names the OpenBLAS folder):

    LD_LIBRARY_PATH=<that folder> OMP_NUM_THREADS=2 /usr/bin/python3 bench/torch_gemm.py
"""
import time

import torch

torch.set_num_threads(int(__import__("os").environ.get("OMP_NUM_THREADS", "2")))

# m, n, k and which operand is transposed, as bench/profile.ts labels them.
SHAPES = [
    (1024, 384, 128, "Bt"), (384, 128, 1024, "At"),
    (1024, 512, 128, "Bt"), (512, 128, 1024, "At"), (1024, 128, 512, ""),
    (1024, 128, 512, "Bt"), (128, 512, 1024, "At"), (1024, 512, 128, ""),
]

total = 0.0
for m, n, k, t in SHAPES:
    a = torch.randn(k, m).t() if t == "At" else torch.randn(m, k)
    b = torch.randn(n, k).t() if t == "Bt" else torch.randn(k, n)
    for _ in range(20):
        torch.mm(a, b)
    times = []
    for _ in range(41):
        s = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - s)
    ms = sorted(times)[20] * 1e3
    total += ms
    label = f"{m}×{n}×{k}" + (" Aᵀ" if t == "At" else " Bᵀ" if t == "Bt" else "")
    print(f"gemm {label:<20} {ms:6.2f} ms  {2 * m * n * k / ms / 1e6:6.1f} GFLOP/s")
print(f"all eight            {total:6.2f} ms")
