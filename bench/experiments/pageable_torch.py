# torch's pageable copy_ (a 512 MiB float32 CPU tensor to and from cuda:0), timed as bench/torch_bandwidth.py times
# it, alone, so it can run under taskset beside bench/experiments/pageable_driver.py and the module.
# Usage: python3 pageable_torch.py [--ops N] [--batches N] [--mib N] [--label TEXT]
import argparse, statistics, torch
p = argparse.ArgumentParser()
p.add_argument("--ops", type=int, default=2)
p.add_argument("--batches", type=int, default=10)
p.add_argument("--mib", type=int, default=512)
p.add_argument("--label", default="")
a = p.parse_args()
n = (a.mib << 20) // 4
s = torch.cuda.Stream(0)
dev = torch.empty(n, dtype=torch.float32, device=0)
host = torch.rand(n, dtype=torch.float32)
def timed(fn):
    fn(); torch.cuda.synchronize()
    times = []
    for _ in range(a.batches):
        e0 = torch.cuda.Event(enable_timing=True); e1 = torch.cuda.Event(enable_timing=True)
        e0.record(s)
        for _ in range(a.ops): fn()
        e1.record(s); e1.synchronize()
        times.append(e0.elapsed_time(e1) / a.ops)
    med = statistics.median(times)
    return (a.mib << 20) / (med * 1e-3) / 1e9, 100 * (max(times) - min(times)) / med
with torch.cuda.stream(s):
    for name, fn in (("H2D", lambda: dev.copy_(host)), ("D2H", lambda: host.copy_(dev))):
        g, sp = timed(fn)
        print(f"{a.label:28s} torch copy_ ops {a.ops} {name} {g:6.2f} GB/s spread {sp:5.1f}%", flush=True)
