using System;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// The health kernels as HealthKernels.ptx documents them, written again here (not borrowed from the engine), with
    /// their argument ranges checked against live allocations when the launch is queued, as a launch with a bad
    /// pointer fails on a GPU (at the latest when the stream synchronises).
    /// </summary>
    internal static unsafe class FakeKernels
    {
        public static Bound Bind(ManagedFakeGpu gpu, int device, string name, KernelArg[] args)
        {
            switch (name)
            {
                case "dlgpu_fill_pattern":
                {
                    Expect(args, 8, 8, 4, 4);
                    ulong words = args[1].Bits;
                    uint mode = (uint)args[2].Bits, value = (uint)args[3].Bits;
                    (byte[] m, long at) = gpu.Range(device, args[0].Bits, words * 4, "cuLaunchKernel");
                    return new Bound(words * 4, args[0].Bits, words * 4, () =>
                    {
                        fixed (byte* p = &m[at])
                        {
                            for (ulong i = 0; i < words; i++) ((uint*)p)[i] = Pattern(mode, value, i);
                        }
                    });
                }

                case "dlgpu_check_pattern":
                {
                    Expect(args, 8, 8, 4, 4, 8);
                    ulong words = args[1].Bits;
                    uint mode = (uint)args[2].Bits, value = (uint)args[3].Bits;
                    (byte[] m, long at) = gpu.Range(device, args[0].Bits, words * 4, "cuLaunchKernel");
                    (byte[] r, long rat) = gpu.Range(device, args[4].Bits, 24, "cuLaunchKernel");
                    return new Bound(words * 4, args[4].Bits, 24, () =>
                    {
                        fixed (byte* p = &m[at])
                        fixed (byte* q = &r[rat])
                        {
                            ulong* result = (ulong*)q;
                            for (ulong i = 0; i < words; i++)
                            {
                                uint got = ((uint*)p)[i], want = Pattern(mode, value, i);
                                if (got == want) continue;
                                result[0]++;
                                result[1] = Math.Min(result[1], i);
                                result[2] |= got ^ want;
                            }
                        }
                    });
                }

                case "dlgpu_compare":
                {
                    Expect(args, 8, 8, 8, 8);
                    ulong words = args[2].Bits;
                    (byte[] a, long aat) = gpu.Range(device, args[0].Bits, words * 4, "cuLaunchKernel");
                    (byte[] b, long bat) = gpu.Range(device, args[1].Bits, words * 4, "cuLaunchKernel");
                    (byte[] c, long cat) = gpu.Range(device, args[3].Bits, 4, "cuLaunchKernel");
                    return new Bound(words * 8, args[3].Bits, 4, () =>
                    {
                        fixed (byte* pa = &a[aat])
                        fixed (byte* pb = &b[bat])
                        fixed (byte* pc = &c[cat])
                        {
                            for (ulong i = 0; i < words; i++)
                                if (((uint*)pa)[i] != ((uint*)pb)[i]) (*(uint*)pc)++;
                        }
                    });
                }

                default:
                    throw new CudaException(CudaResult.CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND",
                        $"the managed fake has no kernel {name}", "cuLaunchKernel");
            }
        }

        // lo32(i) xor value, value, or MurmurHash3's 32-bit finalizer of lo32(i) + value.
        private static uint Pattern(uint mode, uint value, ulong index)
        {
            uint low = (uint)index;
            if (mode == 0) return value;
            if (mode == 1) return low ^ value;
            uint h = unchecked(low + value);
            h ^= h >> 16;
            h = unchecked(h * 0x85EBCA6Bu);
            h ^= h >> 13;
            h = unchecked(h * 0xC2B2AE35u);
            h ^= h >> 16;
            return h;
        }

        private static void Expect(KernelArg[] args, params int[] sizes)
        {
            bool ok = args.Length == sizes.Length;
            for (int i = 0; ok && i < sizes.Length; i++) ok = args[i].Size == sizes[i];
            if (!ok) throw new CudaException(CudaResult.CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE",
                "kernel parameters do not match the .param list", "cuLaunchKernel");
        }

        /// <summary>A launch ready to run: the bytes it touches (for its simulated time) and the range it writes (for faults).</summary>
        public sealed class Bound
        {
            public Bound(ulong bytes, ulong writes, ulong writeBytes, Action run)
            {
                Bytes = bytes;
                Writes = writes;
                WriteBytes = writeBytes;
                Run = run;
            }

            public ulong Bytes { get; }

            public ulong Writes { get; }

            public ulong WriteBytes { get; }

            public Action Run { get; }

            /// <summary>The simulated time apart from the launch cost, where bytes / KernelGBps is not it (a kernel over a link).</summary>
            public double? Milliseconds { get; init; }
        }
    }
}
