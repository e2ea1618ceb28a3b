"""Times torch.matmul (and torch._scaled_mm for FP8) the way Measure-GpuMatMul times cuBLASLt, for a side-by-side ratio.

Same rules on both sides: random inputs in [-1, 1); enough sets of A, B and C rotated that together they
exceed twice the L2 cache (or --sets N for an experiment; 1 keeps everything in L2 at small sizes);
untimed warm-up; CUDA events around batches of about 20 ms of back-to-back calls; the median of the timed
batches (the sustained rate); the output written into a preallocated tensor of the set. TF32 is enabled
only for the TF32 cells, exactly as PyTorch users switch it (torch.backends.cuda.matmul.allow_tf32).
FP8 cells use torch._scaled_mm (E4M3 inputs, unit scales, BF16 output, A row-major and B column-major,
which is cuBLASLt's TN), without and with use_fast_accum.
Prints one JSON object per line: the versions first, then type, size, sets, median_ms, tflops, ...
"""
import argparse
import json
import statistics

import torch

DTYPES = {"FP64": torch.float64, "FP32": torch.float32, "TF32": torch.float32, "FP16": torch.float16, "BF16": torch.bfloat16}


def rotation(set_bytes, l2_bytes, forced):
    """The smallest number of sets whose bytes together exceed twice the L2 (as RotationPlan does)."""
    return forced if forced > 0 else 2 * l2_bytes // set_bytes + 1


def random_matrix(rows, cols, dtype, gen, device):
    return torch.rand(rows, cols, device=device, dtype=torch.float32, generator=gen).mul_(2).sub_(1).to(dtype)


def time_batches(call, sets, iterations, warmup, batch_ms):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    calls = [0]

    def batch(n):
        start.record()
        for _ in range(n):
            call(calls[0] % sets)
            calls[0] += 1
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
    return times, per_batch


def matmul_cell(kind, size, args, l2_bytes, device):
    dtype = DTYPES[kind]
    torch.backends.cuda.matmul.allow_tf32 = kind == "TF32"
    torch.set_float32_matmul_precision("high" if kind == "TF32" else "highest")
    element = torch.empty((), dtype=dtype).element_size()
    sets = rotation(3 * size * size * element, l2_bytes, args.sets)
    gen = torch.Generator(device=device).manual_seed(1234)
    a = [random_matrix(size, size, dtype, gen, device) for _ in range(sets)]
    b = [random_matrix(size, size, dtype, gen, device) for _ in range(sets)]
    c = [torch.empty(size, size, device=device, dtype=dtype) for _ in range(sets)]
    times, per_batch = time_batches(lambda i: torch.matmul(a[i], b[i], out=c[i]), sets, args.iterations, args.warmup, args.batch_ms)
    del a, b, c
    torch.cuda.empty_cache()
    return result(kind, size, sets, per_batch, times)


def fp8_cell(size, fast, args, l2_bytes, device):
    e4m3 = torch.float8_e4m3fn
    sets = rotation(size * size * (1 + 1 + 2), l2_bytes, args.sets)
    gen = torch.Generator(device=device).manual_seed(1234)
    a = [random_matrix(size, size, e4m3, gen, device) for _ in range(sets)]                 # row-major M x K
    b = [random_matrix(size, size, e4m3, gen, device).t() for _ in range(sets)]             # column-major K x N
    c = [torch.empty(size, size, device=device, dtype=torch.bfloat16) for _ in range(sets)]
    one = torch.ones((), device=device, dtype=torch.float32)

    def call_out(i):
        torch._scaled_mm(a[i], b[i], scale_a=one, scale_b=one, out_dtype=torch.bfloat16, use_fast_accum=fast, out=c[i])

    def call_new(i):  # builds without the out= overload: the caching allocator hands back the same block
        torch._scaled_mm(a[i], b[i], scale_a=one, scale_b=one, out_dtype=torch.bfloat16, use_fast_accum=fast)

    try:
        call_out(0)
        call = call_out
    except (RuntimeError, TypeError):
        call = call_new

    times, per_batch = time_batches(call, sets, args.iterations, args.warmup, args.batch_ms)
    del a, b, c
    torch.cuda.empty_cache()
    cell = result("FP8", size, sets, per_batch, times)
    cell["fast_accum"] = fast
    return cell


def result(kind, size, sets, per_batch, times):
    median = statistics.median(times)
    return {"type": kind, "size": size, "sets": sets, "calls_per_batch": per_batch, "median_ms": median,
            "fastest_batch_ms": times[0], "slowest_batch_ms": times[-1], "tflops": 2.0 * size ** 3 / (median * 1e-3) / 1e12}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--types", default="FP32,TF32,FP16,BF16,FP64")
    parser.add_argument("--sizes", default="2048,4096,8192")
    parser.add_argument("--fp8-sizes", default="", help="sizes for torch._scaled_mm cells, without and with fast accumulation")
    parser.add_argument("--sets", type=int, default=0, help="0: enough sets to exceed 2x L2; N: exactly N")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch-ms", type=float, default=20.0)
    parser.add_argument("--device", type=int, default=0)
    args = parser.parse_args()
    device = torch.device("cuda", args.device)
    l2 = torch.cuda.get_device_properties(device).L2_cache_size
    print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "l2_bytes": l2}), flush=True)
    for kind in (t for t in args.types.split(",") if t):
        for size in (int(s) for s in args.sizes.split(",") if s):
            print(json.dumps(matmul_cell(kind, size, args, l2, device)), flush=True)
    for size in (int(s) for s in args.fp8_sizes.split(",") if s):
        for fast in (False, True):
            try:
                cell = fp8_cell(size, fast, args, l2, device)
            except (RuntimeError, TypeError) as e:  # no FP8 on this GPU, or another _scaled_mm signature
                cell = {"type": "FP8", "size": size, "fast_accum": fast, "error": str(e).splitlines()[0]}
            print(json.dumps(cell), flush=True)


if __name__ == "__main__":
    main()
