using System;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The bandwidth kernels (BandwidthKernels.ptx, embedded in the engine) loaded into the current context
    /// through the port, whose loader retargets the PTX when the driver refuses the portable directives.
    /// </summary>
    internal sealed class BandwidthModule : IDisposable
    {
        public const string PtxIsa = PtxLoader.PtxIsa;
        public const string PtxTarget = PtxLoader.PtxTarget;
        private const string ResourceName = "DlGpuTools.Bandwidth.BandwidthKernels.ptx";

        private readonly IGpuPort _port;
        private readonly PortModule _module;
        private bool _unloaded;

        private BandwidthModule(IGpuPort port, PortModule module)
        {
            _port = port;
            _module = module;
            Write = port.Function(module, "dlgpu_write");
            Read = port.Function(module, "dlgpu_read");
            Copy = port.Function(module, "dlgpu_copy");
            CopyStrided = port.Function(module, "dlgpu_copy_strided");
            Triad = port.Function(module, "dlgpu_triad");
            Spin = port.Function(module, "dlgpu_spin");
        }

        /// <summary>The PTX ISA and target the driver accepted, e.g. "PTX ISA 6.0, sm_50".</summary>
        public string Directives => _module.Directives;

        public PortFunction Write { get; }

        public PortFunction Read { get; }

        public PortFunction Copy { get; }

        public PortFunction Triad { get; }

        /// <summary>The copy as a grid-stride loop, for two copies that must share the GPU at once.</summary>
        public PortFunction CopyStrided { get; }

        public PortFunction Spin { get; }

        /// <summary>The kernels' PTX text as shipped.</summary>
        public static string PtxText() => PtxLoader.Text(ResourceName);

        /// <summary>Loads the kernels into the context current on this thread.</summary>
        public static BandwidthModule Load(IGpuPort port, int computeMajor, int computeMinor)
        {
            PortModule module = port.LoadKernels("bandwidth kernels", PtxText(), computeMajor, computeMinor);
            try
            {
                return new BandwidthModule(port, module);
            }
            catch
            {
                port.Unload(module);
                throw;
            }
        }

        internal static string LowestIsaFor(int major, int minor) => PtxLoader.LowestIsaFor(major, minor);

        public void Dispose()
        {
            if (_unloaded) return;
            _unloaded = true;
            _port.Unload(_module);
        }
    }
}
