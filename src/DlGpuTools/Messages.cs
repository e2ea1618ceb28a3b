using System.Globalization;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// User-facing text of the cmdlet layer, in one file so wording stays consistent and can move to
    /// .resx resources when a translation arrives. Formatted with the UI culture.
    /// </summary>
    internal static class Messages
    {
        public const string DeviceIndexNotFound = "No CUDA device has index {0}; this process sees {1} device(s).";
        public const string DeviceUuidNotFound = "No CUDA device has UUID {0}.";
        public const string MigDeviceNotVisible = "No CUDA device of this process is the MIG device {0}: CUDA shows a process at most one MIG device, the one CUDA_VISIBLE_DEVICES names (else the first).";
        public const string MigDeviceRemedy = "Start the process with CUDA_VISIBLE_DEVICES={0} to work on that MIG device; Get-CudaDevice | Select-Object -ExpandProperty MigDevices lists the MIG devices and their UUIDs.";
        public const string DeviceNameNotFound = "No CUDA device is named '{0}'.";
        public const string ListDevicesRemedy = "Run Get-CudaDevice without parameters to list the devices this process sees (CUDA_VISIBLE_DEVICES can hide some).";
        public const string DriverLoadedFrom = "CUDA driver loaded from {0}.";
        public const string NoDevices = "The CUDA driver is installed but shows no device to this process.";
        public const string NoDevicesRemedy = "Check that nvidia-smi lists a GPU and that CUDA_VISIBLE_DEVICES, if set, names one.";

        public const string CardNotFound = "No card in the card table is called '{0}'.";
        public const string CardCandidates = "Similar names: {0}.";
        public const string CardNotFoundRemedy = "Run Get-GpuSpec to list the table, use wildcards (Get-GpuSpec '*4090*'), or add the card with -CardTable <file.csv> (same columns as the built-in table).";
        public const string CardTableRemedy = "Fix what is named above, line by line. The header needs name, architecture, compute_capability, memory_gb, segment and source (Get-GpuSpec 'RTX 4090' | Export-Csv my-cards.csv writes a template); numbers are plain (1650.5, no thousands separators), whole where the column counts (tdp_w, launch_year); no text may start with = + - or @.";
        public const string TablePathRemedy = "Give the path of a CSV file (relative paths start at the current location), for example -CardTable ./my-cards.csv or -PriceTable ./my-prices.csv.";
        public const string TableTooLargeRemedy = "Check that it is the right file: a card or price table is a few hundred KB at most.";
        public const string TableUnreadableRemedy = "Check that this user can read the file (its permissions, and those of its folders).";
        public const string TableNotAFileSystemPath = "'{0}' is a path of the {1} provider, not of a file.";
        public const string TrainingNeedsModel = "-Training and -Method describe a model: name it with -Model or give its size with -ModelParameters.";
        public const string TrainingNeedsModelRemedy = "For example: Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16.";
        public const string NothingFits = "No card in the table meets these conditions for {0}: raise -Budget, lower -MinimumMemoryGB, or add -IncludeCloud to rent.";

        public const string NoUpgrade = "No card within these limits beats your {0} by 1.5x for {1}: keep it, or raise -Budget.";
        public const string ModelNeedsSeveralCards = "No card with a launch price holds {0:0.#} GB on its own. Add -IncludeCloud to rent 80-141 GB data-centre cards (A100 80GB, H100, H200), or fine-tune with LoRA/QLoRA adapters, which need a fraction of this memory.";

        public const string MatMulShapeConflict = "-Size (square problems, or -Sweep) and -M, -N, -K (one M x K by K x N problem) describe the problem size twice.";
        public const string MatMulShapeIncomplete = "-M, -N and -K describe one problem together: give all three.";
        public const string MatMulShapeRemedy = "Use -Size 4096 for a square GEMM, -Sweep for a range of square sizes, or -M 4096 -N 16384 -K 4096 for one shape.";
        public const string FastAccumulationNeedsFp8 = "-FastAccumulation applies to FP8 only, and -DataType does not include FP8.";
        public const string FastAccumulationNeedsFp8Remedy = "Add FP8 to -DataType (for example -DataType FP8 -FastAccumulation), or leave -FastAccumulation out.";
        public const string GpuCardNotFound = "No card in the card table matches '{0}'.";
        public const string GpuCardClosest = "Closest: {0}.";
        public const string GpuCardNotFoundRemedy = "Use one of the names above, list the table with Get-GpuSpec (wildcards work: Get-GpuSpec '*4090*'), or add the card: Get-GpuSpec 'RTX 4090' | Export-Csv my-cards.csv, edit the row (name, figures, source), and pass -CardTable my-cards.csv.";
        public const string GpuCardAmbiguous = "'{0}' matches {1} cards: {2}.";
        public const string GpuCardAmbiguousRemedy = "Name one of them exactly (tab completion offers the names), or pipe the device from Get-CudaDevice, whose memory size picks the variant.";
        public const string PriceTableRemedy = "Fix what is named above, line by line. The header needs card, condition, price_usd, price_date and source (provider and notes are optional; Export-Csv's Card, PriceUsd, PriceDate spellings are read too); condition is new or used, price_date yyyy-MM or yyyy-MM-dd and not in the future, card a name from Get-GpuSpec; kind (sold, asking, average, estimate, msrp), derived (yes/no) and gpus (8 for an HGX server) are optional; many dated rows per card are evidence, the same row twice is a fault; no text may start with = + - or @.";
        public const string NothingToBuy = "Nothing to buy holds this within 8 cards{0}: add -IncludeCloud to rent (H200 141 GB, B200 180 GB), or use a smaller method (the memory line lists LoRA/QLoRA or 4-bit estimates).";

        public const string MethodDoesNotFit = "{0} needs {1:0.#} GB on one card: no option listed here holds it, so the rows use the smaller methods named in the memory line.{2}";
        public const string MultiNode = "{0} needs {1:0.#} GB in all: one 8-GPU node does not hold it; it takes {2} nodes of 8 x {3} ({4:0} GB a GPU) with FSDP/ZeRO-3 across a 400 Gb/s-per-GPU InfiniBand or RoCE fabric.";
        public const string ModelNotFound = "No model preset is named '{0}'.";
        public const string ModelNotFoundRemedy = "Name one of: {0}; or give the size with -ModelParameters (and -ActiveParameters for a mixture of experts).";
        public const string MethodDoesNotFitCloud = " Add -IncludeCloud to see rentals of large cards (H200 141 GB, B200 180 GB), alone or several together.";

        public const string InstallChecksFailed = "CUDA/cuDNN install checks failed: {0}.";

        public const string InputNotGpuSample = "'{0}' is not a GPU sample: {1}. It was left out; the other samples were taken.";
        public const string InputNotGpuSampleRemedy = "Pipe the output of Get-GpuSample (also from Invoke-Command, a job or ConvertFrom-Json).";
        public const string MetricFolderNotFound = "The folder {0} does not exist, so the metrics file was not written.";
        public const string MetricFileNotWritten = "Could not write the metrics file {0}: {1}";
        public const string MetricPathNotAFile = "{0}. Export-GpuMetric writes a regular file, or creates one, and replaces nothing else.";
        public const string MetricPathNotAFileRemedy = "Point -Path at a regular .prom file (or a name not yet taken) in node_exporter's textfile folder; if a link is there on purpose, point -Path at the file it names.";
        public const string NoGpuSamplesExported = "No GPU sample reached Export-GpuMetric, so {0} now holds only dlgputools_export_up 0 (the earlier readings were not left to be served as current).";
        public const string NoGpuSamplesExportedRemedy = "Run Get-GpuSample on its own to see why it gave no sample (driver or NVML errors), and alert on dlgputools_export_up == 0.";
        public const string MetricFileRemedy = "Point -Path at a .prom file in a folder this user can write, such as node_exporter's --collector.textfile.directory (often /var/lib/prometheus/node-exporter).";

        public const string ThreadCountNotUsed = "-ThreadCount {0} was asked for, but {1} thread(s) ran: the library caps the count (its build's maximum) or decides itself ({2}).";
        public const string ThreadCountOverCpus = "This process may use {0} logical CPU(s); threads beyond that take turns and add no speed.";
        public const string CpuBlasNotFound = "No CPU BLAS matching -Library '{0}' could be loaded. Searched:\n{1}";
        public const string CpuBlasNotFoundRemedy = "Name a family found on this machine (Tab completes -Library), a library file that exists, or leave -Library out to use the best BLAS found.";
        public const string CpuTypeNotMeasured = "The CPU benchmark measures FP64, FP32 and BF16; {0} is a GPU type.";
        public const string CpuTypeRemedy = "Measure FP32 or FP64 on this CPU; BF16 needs MKL (or PyTorch's MKL) or an OpenBLAS built with sbgemm, on a CPU with AVX512-BF16 or AMX.";

        public const string GpuHealthFailed = "The GPU health check failed: {0}";
        public const string HealthNoDeviceInput = "No GPU came down the pipeline, so none was checked.";
        public const string GpuHealthRemedy = "Recommended action: {0}. The report's Checks list every check with its remedy (Test-GpuHealth | Select-Object -ExpandProperty Checks).";

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA1305:Specify IFormatProvider", Justification = "Messages are for the person at the console, so they follow the UI culture on purpose; data is formatted with the invariant culture elsewhere.")]
        public static string Format(string format, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, format, args);
    }
}
