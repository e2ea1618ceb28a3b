"""torch.distributed (NCCL backend) collectives timed like Measure-GpuCollective: one process per GPU
(torch.multiprocessing.spawn), sizes doubling, warm-up, timed batches between CUDA events on the current stream,
time = median batch / iterations, slowest rank taken per batch; nccl-tests' byte counting and bus factors.
Prints one JSON line of facts, then one JSON line per operation and size (rank 0 only)."""
import argparse, json, os, statistics, sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

FACTORS = {"AllReduce": lambda n: 2 * (n - 1) / n, "AllGather": lambda n: (n - 1) / n, "ReduceScatter": lambda n: (n - 1) / n}


def run(rank, world, args, port):
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", rank=rank, world_size=world, device_id=torch.device("cuda", rank))
    dtype = {"FP32": torch.float32, "BF16": torch.bfloat16, "FP16": torch.float16}[args.dtype]
    es = torch.tensor([], dtype=dtype).element_size()
    if rank == 0:
        print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda,
                          "nccl": ".".join(map(str, torch.cuda.nccl.version())), "world": world}), flush=True)
    size = args.min_bytes
    while size <= args.max_bytes:
        for op in args.ops.split(","):
            count = max(1, size // es)
            if op != "AllReduce":
                count = max(world, count // world * world)
            share = count // world
            if op == "AllReduce":
                a = torch.ones(count, dtype=dtype, device="cuda"); fn = lambda: dist.all_reduce(a)
            elif op == "AllGather":
                a = torch.ones(share, dtype=dtype, device="cuda"); b = torch.empty(count, dtype=dtype, device="cuda")
                fn = lambda: dist.all_gather_into_tensor(b, a)
            else:
                a = torch.ones(count, dtype=dtype, device="cuda"); b = torch.empty(share, dtype=dtype, device="cuda")
                fn = lambda: dist.reduce_scatter_tensor(b, a)
            for _ in range(args.warmup):
                fn()
            times = []
            for _ in range(args.batches):
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                for _ in range(args.iters):
                    fn()
                end.record()
                end.synchronize()
                us = torch.tensor([start.elapsed_time(end) * 1000.0 / args.iters], device="cuda")
                dist.all_reduce(us, op=dist.ReduceOp.MAX)
                times.append(us.item())
            t = statistics.median(times)
            nbytes = count * es
            if rank == 0:
                alg = nbytes / t / 1000.0
                print(json.dumps({"op": op, "bytes": nbytes, "us": t, "algbw": alg, "busbw": alg * FACTORS[op](world)}), flush=True)
        size *= 2
    dist.destroy_process_group()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--ops", default="AllReduce,AllGather,ReduceScatter")
    p.add_argument("--dtype", default="FP32")
    p.add_argument("--min-bytes", type=int, default=8)
    p.add_argument("--max-bytes", type=int, default=1 << 30)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--batches", type=int, default=5)
    p.add_argument("--port", type=int, default=29511)
    a = p.parse_args()
    n = torch.cuda.device_count()
    if n < 2:
        sys.exit("torch_collective.py needs two or more GPUs")
    mp.spawn(run, args=(n, a, a.port), nprocs=n, join=True)
