using System;

namespace DlGpuTools
{
    /// <summary>
    /// One card of the built-in (or a user's) card table: datasheet figures with their source. Throughput
    /// figures are dense (no sparsity), in TFLOPS; tensor figures accumulate in FP32.
    /// </summary>
    public sealed class GpuSpec
    {
        /// <summary>The catalog refuses a row without a name, so this is empty only on an object built by hand.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The names the driver reports for this card (cuDeviceGetName, nvidia-smi).</summary>
        public ReadableList<string> DeviceNames { get; set; } = new ReadableList<string>();

        /// <summary>The driver names as one ';'-separated text, the card table's aliases column (so Export-Csv keeps them).</summary>
        public string Aliases => string.Join(";", DeviceNames ?? Array.Empty<string>());

        public string? Vendor { get; set; }

        public string? Architecture { get; set; }

        /// <summary>major.minor; empty for cards that do not run CUDA.</summary>
        public string? ComputeCapability { get; set; }

        public bool IsCudaCapable { get; set; }

        public double MemoryGB { get; set; }

        public string? MemoryType { get; set; }

        public double? MemoryBandwidthGBps { get; set; }

        public double? Fp32Tflops { get; set; }

        public double? Fp16TensorTflops { get; set; }

        public double? Bf16TensorTflops { get; set; }

        public double? Tf32TensorTflops { get; set; }

        public double? Fp64Tflops { get; set; }

        /// <summary>FP64 on tensor cores (DGEMM on A100, H100, H200, B200), where the datasheet gives it.</summary>
        public double? Fp64TensorTflops { get; set; }

        public double? Fp8TensorTflops { get; set; }

        public int? TdpW { get; set; }

        public int? LaunchYear { get; set; }

        /// <summary>US launch price where one was published (none for data-centre cards).</summary>
        public double? LaunchPriceUsd { get; set; }

        /// <summary>
        /// consumer, prosumer, workstation or datacenter: the name of <see cref="CardSegment"/> in the card table's lower
        /// case. Text that names no segment is kept as it came, so that the table's check can show it.
        /// </summary>
        public string? Segment
        {
            get => CardSegment?.ToString().ToLowerInvariant() ?? _unknownSegment;
            set
            {
                CardSegment = EnumText.TryParse<CardSegment>(value);
                _unknownSegment = CardSegment == null ? value : null;
            }
        }

        internal CardSegment? CardSegment { get; set; }

        private string? _unknownSegment;

        /// <summary>
        /// NVLink bridge (pairs only), NVSwitch (SXM/HGX boards) or none (PCIe): the name of <see cref="GpuInterconnect"/>
        /// (see <see cref="EnumText"/>).
        /// </summary>
        public string Interconnect
        {
            get => GpuInterconnect.ToString();
            set => GpuInterconnect = EnumText.Parse<GpuInterconnect>(value, nameof(Interconnect));
        }

        internal GpuInterconnect GpuInterconnect { get; set; }

        /// <summary>Whether two of these cards can copy GPU to GPU directly (NVIDIA disabled it on GeForce RTX 40 and 50).</summary>
        public bool PeerToPeer { get; set; }

        /// <summary>Pcie, Sxm, UnifiedMemory or Integrated: the name of <see cref="GpuFormFactor"/>.</summary>
        public string FormFactor
        {
            get => GpuFormFactor.ToString();
            set => GpuFormFactor = EnumText.Parse<GpuFormFactor>(value, nameof(FormFactor));
        }

        internal GpuFormFactor GpuFormFactor { get; set; }

        /// <summary>Cuda, Rocm, Metal or OneApi: the name of <see cref="GpuPlatform"/>.</summary>
        public string Platform { get => GpuPlatform.ToString(); set => GpuPlatform = EnumText.Parse<GpuPlatform>(value, nameof(Platform)); }

        internal GpuPlatform GpuPlatform { get; set; }

        /// <summary>
        /// Memory a model can use: the card's memory, or for unified-memory machines the share the GPU may take
        /// (macOS gives the GPU about 75% of unified memory by default; the table's notes cite where each share is from).
        /// </summary>
        public double UsableMemoryGb { get; set; }

        /// <summary>GPUs in the server a module is sold in (8 for an HGX/DGX or OAM board); null for cards bought alone.</summary>
        public int? NodeGpus { get; set; }

        /// <summary>Maximum power of that whole server in watts (GPUs, CPUs, fans, NICs), from its datasheet.</summary>
        public int? NodePowerW { get; set; }

        public string? Source { get; set; }

        public string? Notes { get; set; }

        /// <summary>"built-in" or the path of the user's table this row came from.</summary>
        public string? Origin { get; set; }

        public override string ToString() => Name;
    }
}
