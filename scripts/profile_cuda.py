#!/usr/bin/env python3
"""Times the kernels serving engines run on NVIDIA GPUs, for servesim's
calibration store (`servesim profile --device cuda` runs this script and
imports what it writes).

Kernels: torch.nn.functional.linear (cuBLAS) in bf16, and fp8 through
torch._scaled_mm where the GPU and PyTorch have it; scaled-dot-product
attention (flash kernels) for prefill (causal, query length = context) and
decode (one query token over the context, grouped-query heads); the elementwise
operators of a layer (RMSNorm, SiLU-and-multiply, rotary, residual add, copy);
and with more than one GPU, NCCL all-reduce, all-gather and send/recv between
the GPUs of this machine.

Method: CUDA events around each call, 3 warm-up calls, then repeats until 25
samples or 200 ms; the median and the interquartile range are kept. The GPU
name, driver, CUDA and PyTorch versions are recorded in each row.

Output: a CSV in the layout of `servesim profile --export` (device, backend,
backend_version, op, dtype, kv_dtype, m, n, k, batch, heads, kv_heads,
head_dim, q_tokens, kv_tokens, bytes, ranks, measured_us, spread_us, repeats,
threads, measured_at, host, label, flagged).

--dry-run checks the script without a GPU: with PyTorch it times tiny shapes
on the CPU (wall clock instead of CUDA events); without PyTorch it writes the
shape plan with empty times (servesim skips rows without a time).
"""

import argparse
import csv
import datetime
import os
import re
import socket
import statistics
import subprocess
import sys
import time

COLUMNS = [
    "device", "backend", "backend_version", "op", "dtype", "kv_dtype", "m", "n", "k", "batch",
    "heads", "kv_heads", "head_dim", "q_tokens", "kv_tokens", "bytes", "ranks", "measured_us",
    "spread_us", "repeats", "threads", "measured_at", "host", "label", "flagged",
]

# (n, k) of the projections of the shipped models per tensor-parallel degree
# 1: Llama-3.1-8B (QKV 6144x4096, O 4096x4096, gate/up 28672x4096, down
# 4096x14336), Llama-3.1-70B / Llama-2-70B (QKV 10240x8192, O 8192x8192,
# gate/up 57344x8192, down 8192x28672) and the same at tensor 8.
GEMM_FAMILIES = [
    (6144, 4096), (4096, 4096), (28672, 4096), (4096, 14336),
    (10240, 8192), (8192, 8192), (57344, 8192), (8192, 28672),
    (1280, 8192), (8192, 1024), (7168, 8192), (8192, 3584),
]
TOKENS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
# (heads, kv_heads, head_dim) per GPU: Llama-3.1-8B, 70B at tensor 1 and 8.
ATTENTION_LAYOUTS = [(32, 8, 128), (64, 8, 128), (8, 1, 128)]
PREFILL_CONTEXTS = [128, 256, 512, 1024, 2048, 4096, 8192, 16384]
DECODE_BATCHES = [1, 8, 32, 128]
DECODE_CONTEXTS = [256, 1024, 4096, 16384]
ELEMENTWISE_BYTES = [1 << e for e in range(16, 31, 2)]
COLLECTIVE_BYTES = [1 << e for e in range(10, 31, 2)]


def plan(quick, dry_run):
    """The shapes to time: (op, dtype, shape dict)."""
    tokens = [1, 16, 256, 4096] if quick else TOKENS
    families = GEMM_FAMILIES[:4] if quick else GEMM_FAMILIES
    layouts = ATTENTION_LAYOUTS[:1] if quick else ATTENTION_LAYOUTS
    prefill = [256, 2048] if quick else PREFILL_CONTEXTS
    batches = [1, 32] if quick else DECODE_BATCHES
    contexts = [1024, 4096] if quick else DECODE_CONTEXTS
    sizes = ELEMENTWISE_BYTES[::3] if quick else ELEMENTWISE_BYTES
    if dry_run:
        tokens, families, layouts = [1, 8], [(64, 32)], [(4, 2, 16)]
        prefill, batches, contexts, sizes = [16], [2], [32], [1 << 12]
    shapes = []
    for dtype in ("bf16", "fp8"):
        for n, k in families:
            for m in tokens:
                shapes.append(("gemm", dtype, dict(m=m, n=n, k=k)))
    for heads, kv_heads, d in layouts:
        for ctx in prefill:
            shapes.append(("attention_prefill", "bf16",
                           dict(batch=1, heads=heads, kv_heads=kv_heads, head_dim=d, q_tokens=ctx,
                                kv_tokens=ctx)))
        for b in batches:
            for ctx in contexts:
                shapes.append(("attention_decode", "bf16",
                               dict(batch=b, heads=heads, kv_heads=kv_heads, head_dim=d,
                                    kv_tokens=ctx)))
    for op in ("rmsnorm", "silu_mul", "rotary", "add", "copy"):
        for size in sizes:
            shapes.append((op, "bf16", dict(bytes=size)))
    return shapes


def device_slug(name):
    match = re.search(r"\b([a-z]\d{2,4}[a-z]?)\b", name.lower())
    return match.group(1) if match else re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def driver_version():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout else "unknown"
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


class Timer:
    """CUDA events on a GPU, the wall clock on the CPU."""

    def __init__(self, torch, cuda, budget_s=0.2, max_repeats=25, warmup=3):
        self.torch, self.cuda = torch, cuda
        self.budget_s, self.max_repeats, self.warmup = budget_s, max_repeats, warmup

    def time(self, fn):
        for _ in range(self.warmup):
            fn()
        if self.cuda:
            self.torch.cuda.synchronize()
        samples, spent = [], 0.0
        while len(samples) < self.max_repeats and (spent < self.budget_s or len(samples) < 5):
            if self.cuda:
                start = self.torch.cuda.Event(enable_timing=True)
                end = self.torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                end.synchronize()
                seconds = start.elapsed_time(end) / 1000
            else:
                t0 = time.perf_counter()
                fn()
                seconds = time.perf_counter() - t0
            samples.append(seconds)
            spent += seconds
        samples.sort()
        q = statistics.quantiles(samples, n=4) if len(samples) >= 2 else [samples[0]] * 3
        return statistics.median(samples), q[2] - q[0], len(samples)


def kernel(torch, op, dtype, shape, dev):
    """A closure running one kernel, or None when unsupported here."""
    F = torch.nn.functional
    half = torch.bfloat16
    if op == "gemm":
        m, n, k = shape["m"], shape["n"], shape["k"]
        x = torch.randn(m, k, device=dev, dtype=half)
        w = torch.randn(n, k, device=dev, dtype=half)
        if dtype == "bf16":
            return lambda: F.linear(x, w)
        if not hasattr(torch, "_scaled_mm") or not hasattr(torch, "float8_e4m3fn") or dev == "cpu":
            return None
        x8 = x.to(torch.float8_e4m3fn)
        w8 = w.to(torch.float8_e4m3fn)
        one = torch.tensor(1.0, device=dev)
        try:
            torch._scaled_mm(x8, w8.t(), scale_a=one, scale_b=one, out_dtype=half)
        except (RuntimeError, TypeError):
            return None
        return lambda: torch._scaled_mm(x8, w8.t(), scale_a=one, scale_b=one, out_dtype=half)
    if op in ("attention_prefill", "attention_decode"):
        b, h, g, d = shape["batch"], shape["heads"], shape["kv_heads"], shape["head_dim"]
        ctx = shape["kv_tokens"]
        q_len = shape.get("q_tokens", ctx) if op == "attention_prefill" else 1
        q = torch.randn(b, h, q_len, d, device=dev, dtype=half)
        k = torch.randn(b, g, ctx, d, device=dev, dtype=half)
        v = torch.randn(b, g, ctx, d, device=dev, dtype=half)
        causal = op == "attention_prefill"
        try:
            F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
            return lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
        except TypeError:  # PyTorch before 2.5: expand the KV heads
            k2 = k.repeat_interleave(h // g, dim=1)
            v2 = v.repeat_interleave(h // g, dim=1)
            return lambda: F.scaled_dot_product_attention(q, k2, v2, is_causal=causal)
    n = shape["bytes"] // 2
    if op == "rmsnorm":
        hidden = 4096
        rows = max(n // 2 // hidden, 1)
        x = torch.randn(rows, hidden, device=dev, dtype=half)
        w = torch.ones(hidden, device=dev, dtype=half)
        return lambda: x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-6).to(half) * w
    if op == "silu_mul":
        x = torch.randn(2, max(n // 3, 1), device=dev, dtype=half)
        return lambda: F.silu(x[0]) * x[1]
    if op == "rotary":
        d = 128
        vectors = max(n // 2 // d, 1)
        x = torch.randn(vectors, d, device=dev, dtype=half)
        cos = torch.randn(d // 2, device=dev, dtype=half)
        sin = torch.randn(d // 2, device=dev, dtype=half)

        def rotate():
            a, b2 = x[:, : d // 2], x[:, d // 2:]
            return torch.cat((a * cos - b2 * sin, b2 * cos + a * sin), dim=-1)
        return rotate
    if op == "add":
        a = torch.randn(max(n // 3, 1), device=dev, dtype=half)
        b2 = torch.randn(max(n // 3, 1), device=dev, dtype=half)
        return lambda: a + b2
    if op == "copy":
        a = torch.randn(max(n // 2, 1), device=dev, dtype=half)
        b2 = torch.empty_like(a)
        return lambda: b2.copy_(a)
    return None


def collective_worker(rank, world, results, sizes):
    import torch
    import torch.distributed as dist
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29517")
    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", rank=rank, world_size=world)
    timer = Timer(torch, True)
    rows = []
    for ranks in sorted({2, world}):
        group = dist.new_group(list(range(ranks)))
        for size in sizes:
            x = torch.ones(size // 2, device="cuda", dtype=torch.bfloat16)
            gathered = torch.empty(size // 2 * ranks, device="cuda", dtype=torch.bfloat16)
            if rank < ranks:
                med, spread, n = timer.time(lambda: dist.all_reduce(x, group=group))
                rows.append(("all_reduce", size, ranks, med, spread, n))
                med, spread, n = timer.time(
                    lambda: dist.all_gather_into_tensor(gathered, x, group=group))
                rows.append(("all_gather", size * ranks, ranks, med, spread, n))
            dist.barrier()
    for size in sizes:
        x = torch.ones(size // 2, device="cuda", dtype=torch.bfloat16)

        def exchange():
            if rank == 0:
                dist.send(x, 1)
            elif rank == 1:
                dist.recv(x, 0)
        if rank < 2:
            med, spread, n = timer.time(exchange)
            rows.append(("send_recv", size, 2, med, spread, n))
        dist.barrier()
    if rank == 0:
        results.extend(rows)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--quick", action="store_true", help="a small grid")
    parser.add_argument("--dry-run", action="store_true", help="tiny shapes on the CPU, no GPU needed")
    parser.add_argument("--device-name", help="the store's device name (default: from the GPU name)")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        torch = None
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    host = socket.gethostname()
    shapes = plan(args.quick, args.dry_run)
    rows = []

    def row(device, version, op, dtype, shape, median, spread, repeats, label=""):
        out = {c: "" for c in COLUMNS}
        out.update(device=device, backend="pytorch", backend_version=version, op=op, dtype=dtype,
                   kv_dtype=dtype, measured_at=now, host=host, label=label, flagged="0", threads="0")
        for key, value in shape.items():
            out[key] = str(value)
        if median is not None:
            out.update(measured_us="%.3f" % (median * 1e6), spread_us="%.3f" % (spread * 1e6),
                       repeats=str(repeats))
        return out

    if torch is None:
        if not args.dry_run:
            sys.exit("profile_cuda.py: PyTorch is not installed (pip install torch)")
        for op, dtype, shape in shapes:
            rows.append(row(args.device_name or "dry-run", "plan only (no PyTorch)", op, dtype, shape,
                            None, None, None, label="plan"))
    else:
        cuda = torch.cuda.is_available() and not args.dry_run
        if not cuda and not args.dry_run:
            sys.exit("profile_cuda.py: no CUDA device visible to PyTorch (use --dry-run to check on the CPU)")
        dev = "cuda" if cuda else "cpu"
        if cuda:
            name = torch.cuda.get_device_name(0)
            version = "PyTorch %s, CUDA %s, driver %s, %s" % (
                torch.__version__, torch.version.cuda, driver_version(), name)
        else:
            name = "cpu dry run"
            version = "PyTorch %s (CPU dry run)" % torch.__version__
        device = args.device_name or (device_slug(name) if cuda else "dry-run")
        timer = Timer(torch, cuda, budget_s=0.2 if cuda else 0.01, max_repeats=25 if cuda else 5)
        print("profiling %s (%s), %d shapes" % (name, version, len(shapes)), file=sys.stderr)
        with torch.inference_mode():
            for i, (op, dtype, shape) in enumerate(shapes):
                try:
                    fn = kernel(torch, op, dtype, shape, dev)
                except (RuntimeError, MemoryError) as error:  # out of memory: skip the shape
                    print("skipped %s %s %s: %s" % (op, dtype, shape, error), file=sys.stderr)
                    fn = None
                if fn is None:
                    continue
                median, spread, repeats = timer.time(fn)
                rows.append(row(device, version, op, dtype, shape, median, spread, repeats))
                if cuda:
                    torch.cuda.empty_cache()
        if cuda and torch.cuda.device_count() > 1:
            import torch.multiprocessing as mp
            world = torch.cuda.device_count()
            sizes = COLLECTIVE_BYTES[::2] if args.quick else COLLECTIVE_BYTES
            with mp.Manager() as manager:
                results = manager.list()
                mp.spawn(collective_worker, args=(world, results, sizes), nprocs=world, join=True)
                for op, size, ranks, median, spread, repeats in results:
                    rows.append(row(device, version + ", NCCL", op, "bf16", dict(bytes=size, ranks=ranks),
                                    median, spread, repeats))
    with open(args.out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print("wrote %d rows to %s" % (len(rows), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
