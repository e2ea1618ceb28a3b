using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;
using Place = DlGpuTools.Engine.Tests.FakePort.ManagedFakeGpu.Place;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// The bandwidth kernels as BandwidthKernels.ptx defines them, written again here from the PTX (not borrowed from the
    /// engine): the grid decides what is covered, as on a GPU (a per-element kernel launched with too few blocks leaves
    /// elements untouched; the read kernel's per-block XOR follows its grid-stride assignment), and every argument range
    /// is checked when the launch is queued. Simulated time: local memory traffic / KernelGBps; a copy that crosses a link
    /// (mapped host memory, another GPU) bytes / that link's rate, the two halves of one launch adding up when they take
    /// the same link in the same direction and overlapping when they do not (a link carries both directions at once).
    /// </summary>
    internal static unsafe class FakeBandwidthKernels
    {
        private const uint Multiplier = 0x9E3779B1;

        /// <summary>The bound launch, or null when the kernel is not a bandwidth kernel.</summary>
        public static FakeKernels.Bound? Bind(ManagedFakeGpu gpu, int device, string name, uint blocks, uint threads, KernelArg[] args)
        {
            ulong gridThreads = (ulong)blocks * threads;
            switch (name)
            {
                case "dlgpu_write":
                {
                    Expect(args, 8, 8, 4);
                    ulong n = Math.Min(args[1].Bits, gridThreads);
                    uint seed = (uint)args[2].Bits;
                    var dst = gpu.KernelRange(device, args[0].Bits, n * 16);
                    return new FakeKernels.Bound(n * 16, args[0].Bits, n * 16, () =>
                    {
                        fixed (byte* p = &dst.Memory[dst.Offset])
                        {
                            for (ulong k = 0; k < n * 4; k++) ((uint*)p)[k] = unchecked((uint)k * Multiplier + seed);
                        }
                    }) { Milliseconds = Time(gpu, Place.Local, dst.Where, n * 16, 1) };
                }

                case "dlgpu_read":
                {
                    Expect(args, 8, 8, 8);
                    ulong n = args[1].Bits;
                    var src = gpu.KernelRange(device, args[0].Bits, n * 16);
                    var sums = gpu.KernelRange(device, args[2].Bits, blocks * 4UL);
                    return new FakeKernels.Bound(n * 16, args[2].Bits, blocks * 4UL, () =>
                    {
                        fixed (byte* p = &src.Memory[src.Offset])
                        fixed (byte* q = &sums.Memory[sums.Offset])
                        {
                            var perBlock = new uint[blocks];
                            for (ulong i = 0; i < n; i++)
                            {
                                uint* e = (uint*)p + i * 4;
                                perBlock[i % gridThreads / threads] ^= e[0] ^ e[1] ^ e[2] ^ e[3];
                            }

                            for (uint b = 0; b < blocks; b++) ((uint*)q)[b] = perBlock[b];
                        }
                    }) { Milliseconds = Time(gpu, src.Where, Place.Local, n * 16, 1) };
                }

                case "dlgpu_copy":
                {
                    Expect(args, 8, 8, 8);
                    ulong n = Math.Min(args[2].Bits, gridThreads);
                    var dst = gpu.KernelRange(device, args[0].Bits, n * 16);
                    var src = gpu.KernelRange(device, args[1].Bits, n * 16);
                    Action copy = () => Array.Copy(src.Memory, src.Offset, dst.Memory, dst.Offset, (long)n * 16);
                    double ms = Time(gpu, src.Where, dst.Where, n * 16, 2);
                    return new FakeKernels.Bound(n * 32, args[0].Bits, n * 16, copy) { Milliseconds = ms };
                }

                case "dlgpu_triad":
                {
                    Expect(args, 8, 8, 8, 8, 4);
                    ulong n = Math.Min(args[3].Bits, gridThreads);
                    uint scalar = (uint)args[4].Bits;
                    var a = gpu.KernelRange(device, args[0].Bits, n * 16);
                    var b = gpu.KernelRange(device, args[1].Bits, n * 16);
                    var c = gpu.KernelRange(device, args[2].Bits, n * 16);
                    return new FakeKernels.Bound(n * 48, args[0].Bits, n * 16, () =>
                    {
                        fixed (byte* pa = &a.Memory[a.Offset])
                        fixed (byte* pb = &b.Memory[b.Offset])
                        fixed (byte* pc = &c.Memory[c.Offset])
                        {
                            for (ulong k = 0; k < n * 4; k++) ((uint*)pa)[k] = unchecked(((uint*)pb)[k] + scalar * ((uint*)pc)[k]);
                        }
                    }) { Milliseconds = Time(gpu, Place.Local, Place.Local, n * 16, 3) };
                }

                case "dlgpu_copy_strided":
                {
                    Expect(args, 8, 8, 8, 8, 8, 8);
                    // .maxntid 512: the driver refuses a bigger block; the warps split into two copies, so a grid needs two warps.
                    if (threads > 512 || gridThreads < 64)
                        throw Refused("dlgpu_copy_strided: at most 512 threads a block (.maxntid), two warps in all");
                    var halves = new List<(Action Run, string Path, double Ms)>();
                    for (int h = 0; h < 2; h++)
                    {
                        ulong n = args[3 * h + 2].Bits;
                        if (n == 0) continue;
                        var dst = gpu.KernelRange(device, args[3 * h].Bits, n * 16);
                        var src = gpu.KernelRange(device, args[3 * h + 1].Bits, n * 16);
                        string path = dst.Where != Place.Local ? "to " + dst.Where
                            : src.Where != Place.Local ? "from " + src.Where
                            : "local";
                        halves.Add((() => Array.Copy(src.Memory, src.Offset, dst.Memory, dst.Offset, (long)n * 16), path,
                            Time(gpu, src.Where, dst.Where, n * 16, 2)));
                    }

                    double ms = halves.GroupBy(x => x.Path).Select(g => g.Sum(x => x.Ms)).DefaultIfEmpty(0).Max();
                    ulong bytes = args[2].Bits * 16 + args[5].Bits * 16;
                    return new FakeKernels.Bound(bytes, 0, 0, () =>
                    {
                        foreach (var half in halves) half.Run();
                    }) { Milliseconds = ms };
                }

                case "dlgpu_spin":
                {
                    Expect(args, 8, 8, 8);
                    var flag = gpu.KernelRange(device, args[0].Bits, 4);
                    var timedOut = gpu.KernelRange(device, args[2].Bits, 4);
                    // The GPU polls the host's flag until it is set or the timeout passes. Work runs at synchronisation
                    // points, which the host reaches only after opening the gate, so a closed flag here is a timeout.
                    return new FakeKernels.Bound(0, 0, 0, () =>
                    {
                        bool open = BitConverter.ToUInt32(flag.Memory, (int)flag.Offset) != 0;
                        if (!open || gpu.SpinTimesOut) BitConverter.TryWriteBytes(timedOut.Memory.AsSpan((int)timedOut.Offset, 4), 1u);
                    }) { Milliseconds = 0 };
                }

                default:
                    return null;
            }
        }

        // Local memory: the traffic (buffers read and written) at KernelGBps; a link: the bytes that cross it at its rate.
        private static double Time(ManagedFakeGpu gpu, Place from, Place to, ulong bytes, int localBuffers)
        {
            if (from == Place.Host || to == Place.Host) return bytes / (gpu.HostCopyGBps * 1e6);
            if (from == Place.Peer || to == Place.Peer) return bytes / (gpu.PeerGBps * 1e6);
            return bytes * (ulong)localBuffers / (gpu.KernelGBps * 1e6);
        }

        private static void Expect(KernelArg[] args, params int[] sizes)
        {
            if (args.Length != sizes.Length || args.Where((a, i) => a.Size != sizes[i]).Any())
                throw Refused("kernel parameters do not match the .param list");
        }

        private static CudaException Refused(string why) =>
            new CudaException(CudaResult.CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", why, "cuLaunchKernel");
    }
}
