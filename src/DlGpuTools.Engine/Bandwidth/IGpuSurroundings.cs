using System.Collections.Generic;
using DlGpuTools.Monitoring;
using DlGpuTools.Topology;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// What the machine around the GPUs says, which a bandwidth session reads but which is not GPU work: the host link
    /// (PCIe, NUMA node, CPUs), the link between two GPUs, the energy counters and the CPU binding of the measuring
    /// thread. <see cref="RuntimeSurroundings"/> reads NVML and the OS; engine tests give their own, so a whole test runs
    /// in process on the port's fake.
    /// </summary>
    internal interface IGpuSurroundings
    {
        /// <summary>The GPU's link to the host as it is now (read after the copies: a link trained down while idle is at speed).</summary>
        HostLink HostLink(CudaDevice device);

        /// <summary>The link from one GPU to another as Get-GpuTopology reads it; null when nothing is known of it.</summary>
        GpuTopologyLink? PeerLink(CudaDevice from, CudaDevice to);

        /// <summary>Starts the energy window over the GPUs charged with a measurement.</summary>
        EnergyBracket StartEnergy(IReadOnlyList<CudaDevice> devices);

        /// <summary>Binds the calling thread to the GPU's CPUs (<paramref name="gpuCpus"/>: NVML's mask) until released.</summary>
        HostThreadBinding BindThread(ulong[]? gpuCpus);
    }
}
