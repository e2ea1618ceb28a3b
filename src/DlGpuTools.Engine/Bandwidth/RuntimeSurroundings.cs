using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Monitoring;
using DlGpuTools.Topology;

namespace DlGpuTools.Bandwidth
{
    /// <summary>The machine as one <see cref="GpuRuntime"/>'s NVML and the OS describe it.</summary>
    internal sealed class RuntimeSurroundings : IGpuSurroundings
    {
        private readonly GpuRuntime _runtime;

        public RuntimeSurroundings(GpuRuntime runtime)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        }

        public HostLink HostLink(CudaDevice device) => Topology.HostLink.Read(_runtime, device);

        public GpuTopologyLink? PeerLink(CudaDevice from, CudaDevice to) =>
            TopologyReader.Read(_runtime, new[] { from, to }, new List<string>())
                .First(t => t.Index == from.Index).Links.FirstOrDefault(l => l.PeerIndex == to.Index);

        public EnergyBracket StartEnergy(IReadOnlyList<CudaDevice> devices) => EnergyMeter.Start(_runtime, devices);

        public HostThreadBinding BindThread(ulong[]? gpuCpus) => HostThreadBinding.Bind(gpuCpus);
    }
}
