using System;
using System.Globalization;
using System.IO;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// Loads the engine's hand-written PTX (embedded resources) into the current context; the driver compiles it
    /// at load time, so users need no CUDA compiler. Every file starts with the portable directives (PTX ISA 6.0,
    /// sm_50). If the driver refuses them, the loader tries once more with the GPU's own architecture and the lowest
    /// PTX ISA that names it, and when that fails too reports both JIT logs (<see cref="KernelRejectedException"/>).
    /// </summary>
    internal static class PtxLoader
    {
        public const string PtxIsa = "6.0";
        public const string PtxTarget = "sm_50";

        /// <summary>An embedded PTX file's text, e.g. "DlGpuTools.Bandwidth.BandwidthKernels.ptx".</summary>
        public static string Text(string resourceName)
        {
            using (Stream stream = typeof(PtxLoader).Assembly.GetManifestResourceStream(resourceName))
            using (var reader = new StreamReader(stream
                ?? throw new InvalidOperationException($"The kernels {resourceName} are missing from the engine assembly.")))
                return reader.ReadToEnd();
        }

        /// <summary>The loaded module; <paramref name="directives"/> says which PTX ISA and target the driver accepted.</summary>
        public static IntPtr Load(CudaDriver driver, string ptx, string kernels, int computeMajor, int computeMinor, out string directives)
        {
            CudaResult first = TryLoad(driver, ptx, out IntPtr module, out string firstLog);
            if (first == CudaResult.CUDA_SUCCESS)
            {
                directives = $"PTX ISA {PtxIsa}, {PtxTarget}";
                return module;
            }

            if (!IsPtxRejection(first)) driver.ThrowIfFailed(first, "cuModuleLoadDataEx");

            string isa = LowestIsaFor(computeMajor, computeMinor);
            string target = string.Format(CultureInfo.InvariantCulture, "sm_{0}{1}", computeMajor, computeMinor);
            string retargeted = ptx.Replace(".version " + PtxIsa, ".version " + isa).Replace(".target " + PtxTarget, ".target " + target);
            CudaResult second = TryLoad(driver, retargeted, out module, out string secondLog);
            if (second == CudaResult.CUDA_SUCCESS)
            {
                directives = $"PTX ISA {isa}, {target} (the driver refused ISA {PtxIsa}, {PtxTarget})";
                return module;
            }

            if (!IsPtxRejection(second)) driver.ThrowIfFailed(second, "cuModuleLoadDataEx");
            throw new KernelRejectedException(
                kernels,
                driver.CreateException(first, "cuModuleLoadDataEx"), firstLog, $"PTX ISA {PtxIsa}, {PtxTarget}",
                driver.CreateException(second, "cuModuleLoadDataEx"), secondLog, $"PTX ISA {isa}, {target}");
        }

        /// <summary>A kernel of a loaded module by its .entry name.</summary>
        public static IntPtr Function(CudaDriver driver, IntPtr module, string name)
        {
            driver.ThrowIfFailed(driver.cuModuleGetFunction(out IntPtr f, module, name));
            return f;
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
    }
}
