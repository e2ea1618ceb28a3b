using System;
using System.Globalization;
using System.IO;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The bandwidth kernels (BandwidthKernels.ptx, embedded in the engine) loaded into the current context.
    /// The driver compiles the PTX at load time. If it refuses the portable directives (PTX ISA 6.0, sm_50),
    /// the engine tries once more with the GPU's own architecture and the lowest PTX ISA that names it, and
    /// when that fails too reports both JIT logs (<see cref="BandwidthKernelRejectedException"/>).
    /// </summary>
    internal sealed class BandwidthModule : IDisposable
    {
        public const string PtxIsa = "6.0";
        public const string PtxTarget = "sm_50";
        private const string ResourceName = "DlGpuTools.Bandwidth.BandwidthKernels.ptx";

        private readonly CudaDriver _driver;
        private IntPtr _module;

        private BandwidthModule(CudaDriver driver, IntPtr module, string directives)
        {
            _driver = driver;
            _module = module;
            Directives = directives;
            Write = Function("dlgpu_write");
            Read = Function("dlgpu_read");
            Copy = Function("dlgpu_copy");
            CopyStrided = Function("dlgpu_copy_strided");
            Triad = Function("dlgpu_triad");
            Spin = Function("dlgpu_spin");
        }

        /// <summary>The PTX ISA and target the driver accepted, e.g. "PTX ISA 6.0, sm_50".</summary>
        public string Directives { get; }

        public IntPtr Write { get; }

        public IntPtr Read { get; }

        public IntPtr Copy { get; }

        public IntPtr Triad { get; }

        /// <summary>The copy as a grid-stride loop, for two copies that must share the GPU at once.</summary>
        public IntPtr CopyStrided { get; }

        public IntPtr Spin { get; }

        /// <summary>The kernels' PTX text as shipped.</summary>
        public static string PtxText()
        {
            using (Stream stream = typeof(BandwidthModule).Assembly.GetManifestResourceStream(ResourceName))
            using (var reader = new StreamReader(stream ?? throw new InvalidOperationException("The bandwidth kernels are missing from the engine assembly.")))
                return reader.ReadToEnd();
        }

        /// <summary>Loads the kernels into the context current on this thread.</summary>
        public static BandwidthModule Load(CudaDriver driver, int computeMajor, int computeMinor)
        {
            string ptx = PtxText();
            CudaResult first = TryLoad(driver, ptx, out IntPtr module, out string firstLog);
            if (first == CudaResult.CUDA_SUCCESS) return new BandwidthModule(driver, module, $"PTX ISA {PtxIsa}, {PtxTarget}");
            if (!IsPtxRejection(first)) driver.ThrowIfFailed(first, "cuModuleLoadDataEx");

            string isa = LowestIsaFor(computeMajor, computeMinor);
            string target = string.Format(CultureInfo.InvariantCulture, "sm_{0}{1}", computeMajor, computeMinor);
            string retargeted = ptx.Replace(".version " + PtxIsa, ".version " + isa).Replace(".target " + PtxTarget, ".target " + target);
            CudaResult second = TryLoad(driver, retargeted, out module, out string secondLog);
            if (second == CudaResult.CUDA_SUCCESS) return new BandwidthModule(driver, module, $"PTX ISA {isa}, {target} (the driver refused ISA {PtxIsa}, {PtxTarget})");
            if (!IsPtxRejection(second)) driver.ThrowIfFailed(second, "cuModuleLoadDataEx");
            throw new BandwidthKernelRejectedException(
                driver.CreateException(first, "cuModuleLoadDataEx"), firstLog, $"PTX ISA {PtxIsa}, {PtxTarget}",
                driver.CreateException(second, "cuModuleLoadDataEx"), secondLog, $"PTX ISA {isa}, {target}");
        }

        private static bool IsPtxRejection(CudaResult r) =>
            r == CudaResult.CUDA_ERROR_INVALID_PTX || r == CudaResult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
            || r == CudaResult.CUDA_ERROR_NO_BINARY_FOR_GPU || r == CudaResult.CUDA_ERROR_INVALID_IMAGE
            || r == CudaResult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND;

        private static CudaResult TryLoad(CudaDriver driver, string ptx, out IntPtr module, out string log)
        {
            byte[] image = Encoding.ASCII.GetBytes(ptx + "\0");
            return driver.cuModuleLoadDataEx(out module, image, out log);
        }

        // The lowest PTX ISA whose ptxas knows the architecture (PTX ISA release notes, "PTX ISA Version"
        // table: sm_80 7.0, sm_86 7.1, sm_87 7.4, sm_89/sm_90 7.8, sm_100 8.6, sm_120 8.7, sm_110 9.0).
        internal static string LowestIsaFor(int major, int minor)
        {
            int cc = major * 10 + minor;
            if (cc >= 110 && cc < 120) return "9.0";
            if (cc >= 120) return "8.7";
            if (cc >= 100) return "8.6";
            if (cc >= 89) return "7.8";
            if (cc >= 87) return "7.4";
            if (cc >= 86) return "7.1";
            if (cc >= 80) return "7.0";
            return PtxIsa;
        }

        private IntPtr Function(string name)
        {
            _driver.ThrowIfFailed(_driver.cuModuleGetFunction(out IntPtr f, _module, name));
            return f;
        }

        public void Dispose()
        {
            if (_module == IntPtr.Zero) return;
            _driver.cuModuleUnload(_module);
            _module = IntPtr.Zero;
        }
    }
}
