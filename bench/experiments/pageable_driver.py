# Pageable copies through the CUDA driver API alone (ctypes, no torch, no .NET): Measure-GpuBandwidth's method
# (a created context, page-aligned malloc memory filled before timing, cuMemcpy{HtoD,DtoH}Async on a non-blocking
# stream, CUDA events around each batch, median batch) in a plain Python process. Run beside the module and torch
# on the same machine, it separates what the method costs from what the process it runs in costs.
# Usage: python3 pageable_driver.py [--primary] [--ops N] [--batches N] [--mib N] [--label TEXT]
import argparse, ctypes, statistics

p = argparse.ArgumentParser()
p.add_argument("--primary", action="store_true", help="the device's primary context (torch's) instead of cuCtxCreate")
p.add_argument("--ops", type=int, default=1)
p.add_argument("--batches", type=int, default=10)
p.add_argument("--mib", type=int, default=512)
p.add_argument("--label", default="")
a = p.parse_args()

cu = ctypes.CDLL("libcuda.so.1")
libc = ctypes.CDLL("libc.so.6")
def ok(r, what):
    if r != 0: raise SystemExit(f"{what} failed: {r}")

N = a.mib << 20
ok(cu.cuInit(0), "cuInit")
dev = ctypes.c_int()
ok(cu.cuDeviceGet(ctypes.byref(dev), 0), "cuDeviceGet")
ctx = ctypes.c_void_p()
if a.primary:
    ok(cu.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev), "cuDevicePrimaryCtxRetain")
    ok(cu.cuCtxSetCurrent(ctx), "cuCtxSetCurrent")
else:
    ok(cu.cuCtxCreate_v2(ctypes.byref(ctx), 0, dev), "cuCtxCreate")

host = ctypes.c_void_p()
ok(libc.posix_memalign(ctypes.byref(host), ctypes.c_size_t(4096), ctypes.c_size_t(N)), "posix_memalign")
ctypes.memset(host, 0x5A, N)
dptr = ctypes.c_uint64()
ok(cu.cuMemAlloc_v2(ctypes.byref(dptr), ctypes.c_size_t(N)), "cuMemAlloc")
stream = ctypes.c_void_p()
ok(cu.cuStreamCreate(ctypes.byref(stream), 1), "cuStreamCreate")
e0, e1 = ctypes.c_void_p(), ctypes.c_void_p()
ok(cu.cuEventCreate(ctypes.byref(e0), 0), "cuEventCreate")
ok(cu.cuEventCreate(ctypes.byref(e1), 0), "cuEventCreate")

def h2d(): ok(cu.cuMemcpyHtoDAsync_v2(dptr, host, ctypes.c_size_t(N), stream), "cuMemcpyHtoDAsync")
def d2h(): ok(cu.cuMemcpyDtoHAsync_v2(host, dptr, ctypes.c_size_t(N), stream), "cuMemcpyDtoHAsync")

def timed(fn):
    fn(); ok(cu.cuStreamSynchronize(stream), "sync")
    times = []
    for _ in range(a.batches):
        ok(cu.cuEventRecord(e0, stream), "record")
        for _ in range(a.ops): fn()
        ok(cu.cuEventRecord(e1, stream), "record")
        ok(cu.cuEventSynchronize(e1), "sync")
        ms = ctypes.c_float()
        ok(cu.cuEventElapsedTime(ctypes.byref(ms), e0, e1), "elapsed")
        times.append(ms.value / a.ops)
    med = statistics.median(times)
    return N / (med * 1e-3) / 1e9, 100 * (max(times) - min(times)) / med

for name, fn in (("H2D", h2d), ("D2H", d2h)):
    gbps, spread = timed(fn)
    print(f"{a.label:28s} driver-api {'primary' if a.primary else 'created'} ctx ops {a.ops} "
          f"{name} {gbps:6.2f} GB/s spread {spread:5.1f}%", flush=True)
