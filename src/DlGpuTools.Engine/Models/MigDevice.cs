namespace DlGpuTools
{
    /// <summary>
    /// One MIG device (a GPU instance with its compute instance) of a GPU in MIG mode, as nvidia-smi -L lists it
    /// under its parent: profile, slices, memory and MIG- UUID, read from NVML. Plain properties, so JSON and
    /// remoting keep it; piped to a command that takes a GPU, it binds -Uuid by property name and names this
    /// instance (the command then needs CUDA to show it: CUDA_VISIBLE_DEVICES=MIG-...).
    /// </summary>
    public sealed class MigDevice
    {
        public string? ParentName { get; set; }

        /// <summary>The parent GPU's GPU- UUID.</summary>
        public string? ParentUuid { get; set; }

        /// <summary>NVML's index of this MIG device under its parent (nvidia-smi -L's "Device N").</summary>
        public int MigIndex { get; set; }

        /// <summary>MIG-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, as nvidia-smi -L prints it and CUDA_VISIBLE_DEVICES takes it.</summary>
        public string? Uuid { get; set; }

        /// <summary>
        /// The profile name nvidia-smi prints, e.g. 3g.40gb, or 1c.3g.40gb for a compute instance that has part of its GPU instance.
        /// </summary>
        public string? Profile { get; set; }

        /// <summary>The GPU instance id (dcgm-exporter's GPU_I_ID label).</summary>
        public int? GpuInstanceId { get; set; }

        public int? ComputeInstanceId { get; set; }

        /// <summary>GPU slices of the GPU instance (the "3g" in 3g.40gb), of the 7 (or 8) the GPU has.</summary>
        public int? GpuSlices { get; set; }

        /// <summary>Compute slices of the compute instance; equal to GpuSlices unless the GPU instance is shared.</summary>
        public int? ComputeSlices { get; set; }

        public int? MultiprocessorCount { get; set; }

        /// <summary>The instance's memory in bytes (NVML memory info of the MIG device).</summary>
        public ulong? TotalMemory { get; set; }

        public ulong? UsedMemory { get; set; }

        public ulong? FreeMemory { get; set; }

        /// <summary>
        /// The CUDA index this process's driver gives the MIG device (CUDA_VISIBLE_DEVICES=MIG-...); empty when CUDA does not show it.
        /// </summary>
        public int? CudaIndex { get; set; }

        /// <summary>A copy of every property (all are values or strings).</summary>
        public MigDevice Copy() => (MigDevice)MemberwiseClone();

        public override string ToString() => $"MIG {Profile} Device {MigIndex} ({Uuid})";
    }
}
