"""PyTorch's figures for the operations Measure-GpuBandwidth measures, for bench/Compare-BandwidthTorch.ps1.

Each operation is timed with CUDA events around batches of back-to-back calls (after warm-up calls), and the
median batch is reported, in GB/s = 10^9 bytes/s counted the way Measure-GpuBandwidth's GBps counts them:
copies once, triad three arrays, bidirectional both ways added. One JSON object per line on stdout; the first
line describes the environment.
"""
import argparse
import json
import statistics

import torch


def timed(fn, streams, batches, per_batch):
    """Median seconds of one call of fn over `batches` batches of `per_batch` calls."""
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(batches):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record(streams[0])
        for s in streams[1:]:
            s.wait_event(start)
        for _ in range(per_batch):
            fn()
        for s in streams[1:]:
            ev = torch.cuda.Event()
            ev.record(s)
            streams[0].wait_event(ev)
        end.record(streams[0])
        end.synchronize()
        times.append(start.elapsed_time(end) / 1000.0 / per_batch)
    return statistics.median(times), (max(times) - min(times)) / statistics.median(times) * 100


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--devices", default="0")
    p.add_argument("--device-bytes", type=int, default=1 << 30)
    p.add_argument("--host-bytes", type=int, default=512 << 20)
    p.add_argument("--batches", type=int, default=10)
    args = p.parse_args()
    devices = [int(d) for d in args.devices.split(",") if d != ""]
    print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda,
                      "names": [torch.cuda.get_device_name(d) for d in devices]}), flush=True)

    def emit(device, test, op, nbytes, seconds, spread, peer=None):
        print(json.dumps({"device": device, "peer": peer, "test": test, "torch_op": op,
                          "gbps": nbytes / seconds / 1e9, "spread": spread}), flush=True)

    for d in devices:
        torch.cuda.set_device(d)
        s = torch.cuda.Stream(d)
        n = args.device_bytes // 4
        with torch.cuda.stream(s):
            a = torch.empty(n, dtype=torch.float32, device=d)
            b = torch.rand(n, dtype=torch.float32, device=d)
            c = torch.rand(n, dtype=torch.float32, device=d)
            t, sp = timed(lambda: a.copy_(b), [s], args.batches, 8)
            emit(d, "device_local_copy", "copy_", args.device_bytes, t, sp)
            t, sp = timed(lambda: a.fill_(1.0), [s], args.batches, 8)
            emit(d, "device_write_sm", "fill_", args.device_bytes, t, sp)
            t, sp = timed(lambda: b.sum(), [s], args.batches, 8)
            emit(d, "device_read_sm", "sum", args.device_bytes, t, sp)
            t, sp = timed(lambda: torch.add(b, c, alpha=3.0, out=a), [s], args.batches, 8)
            emit(d, "device_triad_sm", "add(alpha)", 3 * args.device_bytes, t, sp)
            del a, b, c
        torch.cuda.empty_cache()

        hn = args.host_bytes // 4
        s2 = torch.cuda.Stream(d)
        dev = torch.empty(hn, dtype=torch.float32, device=d)
        dev2 = torch.rand(hn, dtype=torch.float32, device=d)
        pinned = torch.rand(hn, dtype=torch.float32).pin_memory()
        pinned2 = torch.empty(hn, dtype=torch.float32).pin_memory()
        pageable = torch.rand(hn, dtype=torch.float32)
        with torch.cuda.stream(s):
            t, sp = timed(lambda: dev.copy_(pinned, non_blocking=True), [s], args.batches, 4)
            emit(d, "host_to_device_memcpy_ce", "copy_ pinned", args.host_bytes, t, sp)
            t, sp = timed(lambda: pinned2.copy_(dev2, non_blocking=True), [s], args.batches, 4)
            emit(d, "device_to_host_memcpy_ce", "copy_ pinned", args.host_bytes, t, sp)
            t, sp = timed(lambda: dev.copy_(pageable), [s], args.batches, 2)
            emit(d, "host_to_device_memcpy_ce_pageable", "copy_ pageable", args.host_bytes, t, sp)
            t, sp = timed(lambda: pageable.copy_(dev2), [s], args.batches, 2)
            emit(d, "device_to_host_memcpy_ce_pageable", "copy_ pageable", args.host_bytes, t, sp)

        def both():
            with torch.cuda.stream(s):
                dev.copy_(pinned, non_blocking=True)
            with torch.cuda.stream(s2):
                pinned2.copy_(dev2, non_blocking=True)
        t, sp = timed(both, [s, s2], args.batches, 4)
        emit(d, "host_to_device_bidirectional_memcpy_ce", "copy_ pinned, two streams", 2 * args.host_bytes, t, sp)
        del dev, dev2, pinned, pinned2, pageable
        torch.cuda.empty_cache()

    for a_dev in devices:
        for b_dev in devices:
            if a_dev == b_dev:
                continue
            torch.cuda.set_device(a_dev)
            hn = args.host_bytes // 4
            src = torch.rand(hn, dtype=torch.float32, device=a_dev)
            dst = torch.empty(hn, dtype=torch.float32, device=b_dev)
            back_src = torch.rand(hn, dtype=torch.float32, device=b_dev)
            back_dst = torch.empty(hn, dtype=torch.float32, device=a_dev)
            s = torch.cuda.Stream(a_dev)
            # torch runs a copy between GPUs on the source GPU's current stream and fences it against the target
            # GPU's current stream, so the way back needs its own stream on b_dev: on a second stream of a_dev it
            # would run on b_dev's default stream, which the way out's fence holds, one direction after the other.
            s_back = torch.cuda.Stream(b_dev)
            with torch.cuda.stream(s):
                t, sp = timed(lambda: dst.copy_(src, non_blocking=True), [s], args.batches, 4)
            emit(a_dev, "device_to_device_memcpy_write_ce", "copy_ to peer", args.host_bytes, t, sp, b_dev)
            with torch.cuda.stream(s):
                t, sp = timed(lambda: back_dst.copy_(back_src, non_blocking=True), [s], args.batches, 4)
            emit(a_dev, "device_to_device_memcpy_read_ce", "copy_ from peer", args.host_bytes, t, sp, b_dev)

            def both_ways():
                with torch.cuda.stream(s):
                    dst.copy_(src, non_blocking=True)
                with torch.cuda.stream(s_back):
                    back_dst.copy_(back_src, non_blocking=True)
            t, sp = timed(both_ways, [s, s_back], args.batches, 4)
            emit(a_dev, "device_to_device_bidirectional_memcpy_write_ce", "copy_ both ways, a stream on each GPU",
                 2 * args.host_bytes, t, sp, b_dev)
            del src, dst, back_src, back_dst
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
