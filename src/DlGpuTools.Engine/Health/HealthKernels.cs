using System;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;

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
    internal sealed class HealthKernels : IDisposable
    {
        private const string ResourceName = "DlGpuTools.Health.HealthKernels.ptx";
        private const uint ThreadsPerBlock = 256;

        private readonly IGpuPort _port;
        private readonly PortModule _module;
        private readonly PortFunction _compare, _fill, _check;
        private readonly uint _blocks;
        private bool _unloaded;

        private HealthKernels(IGpuPort port, PortModule module, int multiprocessors)
        {
            _port = port;
            _module = module;
            _compare = port.Function(module, "dlgpu_compare");
            _fill = port.Function(module, "dlgpu_fill_pattern");
            _check = port.Function(module, "dlgpu_check_pattern");
            // Grid-stride loops: eight blocks of 256 threads per SM keep every SM's memory pipes full.
            _blocks = (uint)Math.Max(1, multiprocessors) * 8;
        }

        public string Directives => _module.Directives;

        /// <summary>The kernels' PTX text as shipped.</summary>
        public static string PtxText() => PtxLoader.Text(ResourceName);

        /// <summary>Loads the kernels into the context current on this thread.</summary>
        public static HealthKernels Load(IGpuPort port, CudaDevice device)
        {
            PortModule module = port.LoadKernels("health kernels", PtxText(), device.ComputeCapabilityMajor, device.ComputeCapabilityMinor);
            try
            {
                return new HealthKernels(port, module, device.MultiprocessorCount);
            }
            catch
            {
                port.Unload(module);
                throw;
            }
        }

        /// <summary>Adds to the 32-bit counter at <paramref name="counter"/> the number of 32-bit words in which a and b differ.</summary>
        public void Compare(ulong a, ulong b, ulong words, ulong counter, PortStream stream) =>
            _port.Launch(_compare, _blocks, ThreadsPerBlock, stream, KernelArg.U64(a), KernelArg.U64(b), KernelArg.U64(words),
                KernelArg.U64(counter));

        public void Fill(ulong buffer, ulong words, PatternMode mode, uint value, PortStream stream) =>
            _port.Launch(_fill, _blocks, ThreadsPerBlock, stream, KernelArg.U64(buffer), KernelArg.U64(words), KernelArg.U32((uint)mode),
                KernelArg.U32(value));

        /// <summary>
        /// Checks the pattern; <paramref name="result"/> points at three u64: mismatches, first bad word, bits that differed.
        /// </summary>
        public void Check(ulong buffer, ulong words, PatternMode mode, uint value, ulong result, PortStream stream) =>
            _port.Launch(_check, _blocks, ThreadsPerBlock, stream,
                KernelArg.U64(buffer), KernelArg.U64(words), KernelArg.U32((uint)mode), KernelArg.U32(value), KernelArg.U64(result));

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
            if (_unloaded) return;
            _unloaded = true;
            _port.Unload(_module);
        }
    }
}
