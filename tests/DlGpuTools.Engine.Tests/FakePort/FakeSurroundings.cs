using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Monitoring;
using DlGpuTools.Topology;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>
    /// The machine around the managed fake GPUs: a PCIe Gen5 x16 link on NUMA node 0, NVLink between every two GPUs when
    /// <see cref="NvLinkGBps"/> is set (else the PCIe path), no energy counter, and no CPU binding (tests run in parallel
    /// threads of one process, so none may change a thread's CPUs).
    /// </summary>
    internal sealed class FakeSurroundings : IGpuSurroundings
    {
        /// <summary>NVLink GB/s per direction between two GPUs; null: they are joined through PCIe only.</summary>
        public double? NvLinkGBps { get; set; }

        public HostLink HostLink(CudaDevice device) => Topology.HostLink.Of(5, 16, 5, 16, numaNode: 0, cpuMask: new ulong[] { 0xFF });

        public GpuTopologyLink? PeerLink(CudaDevice from, CudaDevice to) => new GpuTopologyLink
        {
            DeviceIndex = from.Index,
            PeerIndex = to.Index,
            Path = NvLinkGBps == null ? "PXB" : "NV4",
            Description = NvLinkGBps == null ? "PCIe bridges" : "NVLink, 4 link(s)",
            NvLinkCount = NvLinkGBps == null ? 0 : 4,
            NvLinkGBps = NvLinkGBps,
        };

        public EnergyBracket StartEnergy(IReadOnlyList<CudaDevice> devices) =>
            EnergyBracket.Unavailable(devices.Select(d => d.Index).ToList(), "the managed fake GPU has no energy counter");

        public HostThreadBinding BindThread(ulong[]? gpuCpus) => HostThreadBinding.Unbound("the managed fake binds no thread");
    }
}
