"""CPU GEMM figures from numpy and PyTorch, measured the way Measure-CpuMatMul measures (bench/Compare-CpuMatMul.ps1
runs this): random inputs in [-1, 1), one untimed call, then the median of timed batches of back-to-back calls
(wall clock, each batch about 200 ms). numpy's thread count is set through the environment before this starts
(OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS); torch's with torch.set_num_threads.

usage: cpu_matmul.py {numpy|torch} {fp32|fp64|bf16} SIZE_M SIZE_N SIZE_K THREADS ITERATIONS
prints one JSON object: tflops, median_ms, library, threads (or an "error")."""
import json
import statistics
import sys
import time


def measure(call, flops, iterations):
    start = time.perf_counter()
    call()
    estimate = time.perf_counter() - start
    per_batch = max(1, min(1000, round(0.2 / max(estimate, 1e-6))))
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        for _ in range(per_batch):
            call()
        times.append((time.perf_counter() - start) / per_batch)
    median = statistics.median(times)
    return {"tflops": flops / median / 1e12, "median_ms": median * 1e3, "calls_per_batch": per_batch}


def main():
    lib, dtype, m, n, k, threads, iterations = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8])
    flops = 2.0 * m * n * k
    if lib == "numpy":
        import numpy as np
        if dtype == "bf16":
            print(json.dumps({"error": "numpy has no BF16 GEMM"}))
            return
        t = np.float32 if dtype == "fp32" else np.float64
        rng = np.random.default_rng(1)
        a = (rng.random((m, k), dtype=np.float64) * 2 - 1).astype(t)
        b = (rng.random((k, n), dtype=np.float64) * 2 - 1).astype(t)
        result = measure(lambda: a @ b, flops, iterations)
        blas = "unknown"
        try:
            deps = np.show_config(mode="dicts").get("Build Dependencies", {})
            info = deps.get("blas", {})
            blas = "{} {}".format(info.get("name", "?"), info.get("version", "")).strip()
        except Exception:  # numpy 1.x: show_config has no dicts mode; the name stays unknown
            pass
        result.update(library="numpy {} ({})".format(np.__version__, blas), threads=threads)
    else:
        import torch
        torch.set_num_threads(threads)
        t = {"fp32": torch.float32, "fp64": torch.float64, "bf16": torch.bfloat16}[dtype]
        g = torch.Generator().manual_seed(1)
        a = (torch.rand((m, k), generator=g, dtype=torch.float32) * 2 - 1).to(t)
        b = (torch.rand((k, n), generator=g, dtype=torch.float32) * 2 - 1).to(t)
        result = measure(lambda: torch.matmul(a, b), flops, iterations)
        result.update(library="torch {} (MKL {})".format(torch.__version__, torch.backends.mkl.is_available()),
                      threads=torch.get_num_threads())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
