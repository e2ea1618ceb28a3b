"""Times torch.matmul the way Measure-GpuMatMul times cuBLASLt, for a side-by-side ratio.

Same rules on both sides: random inputs in [-1, 1), the same number of rotated input sets (to keep small
problems out of L2), untimed warm-up, CUDA events around batches of about 20 ms of GPU work, the median of
the timed batches, the output written into a preallocated tensor. TF32 is enabled only for the TF32 cells,
exactly as PyTorch users switch it (torch.backends.cuda.matmul.allow_tf32).
Prints one JSON object per line: type, size, median_ms, tflops.
"""
import argparse
import json
import math
import statistics

import torch

DTYPES = {"FP64": torch.float64, "FP32": torch.float32, "TF32": torch.float32, "FP16": torch.float16, "BF16": torch.bfloat16}


def time_cell(kind, size, iterations, warmup, batch_ms, l2_bytes, device):
    dtype = DTYPES[kind]
    torch.backends.cuda.matmul.allow_tf32 = kind == "TF32"
    torch.set_float32_matmul_precision("high" if kind == "TF32" else "highest")
    element = torch.empty((), dtype=dtype).element_size()
    pair = 2 * size * size * element
    sets = int(min(16, max(1, math.ceil(2.5 * l2_bytes / pair))))
    gen = torch.Generator(device=device).manual_seed(1234)
    a = [torch.rand(size, size, device=device, dtype=torch.float32, generator=gen).mul_(2).sub_(1).to(dtype) for _ in range(sets)]
    b = [torch.rand(size, size, device=device, dtype=torch.float32, generator=gen).mul_(2).sub_(1).to(dtype) for _ in range(sets)]
    c = torch.empty(size, size, device=device, dtype=dtype)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    calls = [0]

    def batch(n):
        start.record()
        for _ in range(n):
            i = calls[0] % sets
            calls[0] += 1
            torch.matmul(a[i], b[i], out=c)
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / n

    batch(1)
    estimate = max(batch(1), 1e-4)
    per_batch = int(max(1, min(5000, round(batch_ms / estimate))))
    estimate = batch(per_batch)
    per_batch = int(max(1, min(5000, round(batch_ms / max(estimate, 1e-4)))))
    for _ in range(warmup):
        batch(per_batch)
    times = sorted(batch(per_batch) for _ in range(iterations))
    median = statistics.median(times)
    del a, b, c
    torch.cuda.empty_cache()
    return {"type": kind, "size": size, "median_ms": median, "min_ms": times[0], "max_ms": times[-1],
            "tflops": 2.0 * size ** 3 / (median * 1e-3) / 1e12, "sets": sets, "calls_per_batch": per_batch}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--types", default="FP32,TF32,FP16,BF16,FP64")
    parser.add_argument("--sizes", default="1024,2048,4096,8192,16384")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch-ms", type=float, default=20.0)
    parser.add_argument("--device", type=int, default=0)
    args = parser.parse_args()
    device = torch.device("cuda", args.device)
    l2 = torch.cuda.get_device_properties(device).L2_cache_size
    print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "cublas": torch._C._cuda_getCompiledVersion() if hasattr(torch._C, "_cuda_getCompiledVersion") else None}), flush=True)
    for kind in args.types.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            print(json.dumps(time_cell(kind, size, args.iterations, args.warmup, args.batch_ms, l2, device)), flush=True)


if __name__ == "__main__":
    main()
