using System;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The bandwidth kernels (BandwidthKernels.ptx, embedded in the engine) loaded into the current context
    /// through <see cref="PtxLoader"/>, which retargets the PTX when the driver refuses the portable directives.
    /// </summary>
    internal sealed class BandwidthModule : IDisposable
    {
        public const string PtxIsa = PtxLoader.PtxIsa;
        public const string PtxTarget = PtxLoader.PtxTarget;
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
        public static string PtxText() => PtxLoader.Text(ResourceName);

        /// <summary>Loads the kernels into the context current on this thread.</summary>
        public static BandwidthModule Load(CudaDriver driver, int computeMajor, int computeMinor)
        {
            IntPtr module = PtxLoader.Load(driver, PtxText(), "bandwidth kernels", computeMajor, computeMinor, out string directives);
            return new BandwidthModule(driver, module, directives);
        }

        internal static string LowestIsaFor(int major, int minor) => PtxLoader.LowestIsaFor(major, minor);

        private IntPtr Function(string name) => PtxLoader.Function(_driver, _module, name);

        public void Dispose()
        {
            if (_module == IntPtr.Zero) return;
            _driver.cuModuleUnload(_module);
            _module = IntPtr.Zero;
        }
    }
}
