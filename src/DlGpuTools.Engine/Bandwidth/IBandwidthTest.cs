using DlGpuTools.Registration;

namespace DlGpuTools.Bandwidth
{
    /// <summary>What a bandwidth test moves data between, which decides where it runs and what its theoretical figure is.</summary>
    public enum BandwidthPath
    {
        /// <summary>Within one GPU's memory; measured against the memory's bandwidth.</summary>
        Device,

        /// <summary>
        /// Between host memory and one GPU; measured against its PCIe (or C2C) link, with the copies bound to the GPU's CPUs.
        /// </summary>
        Host,

        /// <summary>Between two GPUs; run for every ordered pair of the GPUs measured, against NVLink or the PCIe path.</summary>
        Peer,
    }

    /// <summary>
    /// One registered bandwidth test as the cmdlet sees it: its id and description (IRegistered), what it moves data
    /// between and whether it applies to a set of GPUs. How it runs is internal to the engine.
    /// </summary>
    public interface IBandwidthTest : IRegistered
    {
        BandwidthPath Path { get; }

        /// <summary>Whether the test can run when this many GPUs are measured (a peer test needs two).</summary>
        bool AppliesTo(int gpuCount);
    }
}
