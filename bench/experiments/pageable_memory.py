# Which host memory makes pageable copies fast and steady? torch's copy_ over different backing memory.
import mmap, time, statistics, sys, torch
print("THP:", open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip(),
      "defrag:", open("/sys/kernel/mm/transparent_hugepage/defrag").read().strip())
N = 512 << 20
dev = torch.empty(N // 4, dtype=torch.float32, device="cuda:0")
s = torch.cuda.Stream(0)
def over(advice):
    m = mmap.mmap(-1, N, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if advice is not None: m.madvise(advice)
    t = torch.frombuffer(m, dtype=torch.float32)
    t.fill_(1.5)
    return m, t
kinds = {}
kinds["torch.rand"] = (None, torch.rand(N // 4))
kinds["mmap"] = over(None)
kinds["mmap+HUGEPAGE"] = over(mmap.MADV_HUGEPAGE)
kinds["mmap+NOHUGEPAGE"] = over(mmap.MADV_NOHUGEPAGE)
def timed(fn, batches=8, per=4):
    fn(); torch.cuda.synchronize()
    out = []
    for _ in range(batches):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(s)
        for _ in range(per): fn()
        b.record(s); b.synchronize()
        out.append(a.elapsed_time(b) / 1e3 / per)
    med = statistics.median(out)
    return N / med / 1e9, 100 * (max(out) - min(out)) / med
res = {}
with torch.cuda.stream(s):
    for rnd in range(3):
        for name, (m, t) in kinds.items():
            h2d = timed(lambda: dev.copy_(t))
            d2h = timed(lambda: t.copy_(dev))
            res.setdefault(name, []).append((h2d, d2h))
            print(f"round {rnd} {name:16s} H2D {h2d[0]:6.2f} GB/s spread {h2d[1]:5.1f}%   "
                  f"D2H {d2h[0]:6.2f} GB/s spread {d2h[1]:5.1f}%", flush=True)
for name, r in res.items():
    print(f"{name:16s} H2D median {statistics.median(x[0][0] for x in r):6.2f}  D2H median {statistics.median(x[1][0] for x in r):6.2f}")
