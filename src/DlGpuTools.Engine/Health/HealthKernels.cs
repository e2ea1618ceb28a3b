using System;
using DlGpuTools.Bandwidth;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>How the memory test's pattern kernels compute word i (HealthKernels.ptx says the same).</summary>
    internal enum PatternMode : uint
    {
        /// <summary>Every word holds the value.</summary>
        Solid = 0,

        /// <summary>lo32(i) xor value: the word's own index, or its inverse.</summary>
        Address = 1,

        /// <summary>fmix32(lo32(i) + value): pseudo-random, a different sequence per seed.</summary>
        Random = 2,
    }

    /// <summary>
    /// The health kernels (HealthKernels.ptx) loaded into the current context: the bit-for-bit comparison the
    /// GEMM stress runs on every result, and the memory test's fill and check passes.
    /// </summary>
    internal sealed unsafe class HealthKernels : IDisposable
    {
        private const string ResourceName = "DlGpuTools.Health.HealthKernels.ptx";
        private const uint ThreadsPerBlock = 256;

        private readonly CudaDriver _driver;
        private readonly IntPtr _compare, _fill, _check;
        private readonly uint _blocks;
        private IntPtr _module;

        private HealthKernels(CudaDriver driver, IntPtr module, string directives, int multiprocessors)
        {
            _driver = driver;
            _module = module;
            Directives = directives;
            _compare = PtxLoader.Function(driver, module, "dlgpu_compare");
            _fill = PtxLoader.Function(driver, module, "dlgpu_fill_pattern");
            _check = PtxLoader.Function(driver, module, "dlgpu_check_pattern");
            // Grid-stride loops: eight blocks of 256 threads per SM keep every SM's memory pipes full.
            _blocks = (uint)Math.Max(1, multiprocessors) * 8;
        }

        public string Directives { get; }

        /// <summary>The kernels' PTX text as shipped.</summary>
        public static string PtxText() => PtxLoader.Text(ResourceName);

        /// <summary>Loads the kernels into the context current on this thread.</summary>
        public static HealthKernels Load(CudaDriver driver, CudaDevice device)
        {
            IntPtr module = PtxLoader.Load(driver, PtxText(), "health kernels", device.ComputeCapabilityMajor, device.ComputeCapabilityMinor, out string directives);
            return new HealthKernels(driver, module, directives, device.MultiprocessorCount);
        }

        /// <summary>Adds to the 32-bit counter at <paramref name="counter"/> the number of 32-bit words in which a and b differ.</summary>
        public void Compare(ulong a, ulong b, ulong words, ulong counter, IntPtr stream)
        {
            IntPtr* args = stackalloc IntPtr[4];
            args[0] = (IntPtr)(&a);
            args[1] = (IntPtr)(&b);
            args[2] = (IntPtr)(&words);
            args[3] = (IntPtr)(&counter);
            _driver.ThrowIfFailed(_driver.cuLaunchKernel(_compare, _blocks, ThreadsPerBlock, 0, stream, args));
        }

        public void Fill(ulong buffer, ulong words, PatternMode mode, uint value, IntPtr stream)
        {
            uint m = (uint)mode;
            IntPtr* args = stackalloc IntPtr[4];
            args[0] = (IntPtr)(&buffer);
            args[1] = (IntPtr)(&words);
            args[2] = (IntPtr)(&m);
            args[3] = (IntPtr)(&value);
            _driver.ThrowIfFailed(_driver.cuLaunchKernel(_fill, _blocks, ThreadsPerBlock, 0, stream, args));
        }

        /// <summary>Checks the pattern; <paramref name="result"/> points at three u64: mismatches, first bad word, bits that differed.</summary>
        public void Check(ulong buffer, ulong words, PatternMode mode, uint value, ulong result, IntPtr stream)
        {
            uint m = (uint)mode;
            IntPtr* args = stackalloc IntPtr[5];
            args[0] = (IntPtr)(&buffer);
            args[1] = (IntPtr)(&words);
            args[2] = (IntPtr)(&m);
            args[3] = (IntPtr)(&value);
            args[4] = (IntPtr)(&result);
            _driver.ThrowIfFailed(_driver.cuLaunchKernel(_check, _blocks, ThreadsPerBlock, 0, stream, args));
        }

        /// <summary>Word i of a pattern, as the kernels compute it (for reports and tests).</summary>
        internal static uint Expected(PatternMode mode, uint value, ulong index)
        {
            uint low = (uint)index;
            switch (mode)
            {
                case PatternMode.Solid: return value;
                case PatternMode.Address: return low ^ value;
                default:
                    uint h = unchecked(low + value);
                    h ^= h >> 16;
                    h = unchecked(h * 0x85EBCA6Bu);
                    h ^= h >> 13;
                    h = unchecked(h * 0xC2B2AE35u);
                    h ^= h >> 16;
                    return h;
            }
        }

        public void Dispose()
        {
            if (_module == IntPtr.Zero) return;
            _driver.cuModuleUnload(_module);
            _module = IntPtr.Zero;
        }
    }
}
