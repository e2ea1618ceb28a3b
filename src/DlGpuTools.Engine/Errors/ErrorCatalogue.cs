using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using static DlGpuTools.Errors.ErrorSeverity;
using static DlGpuTools.Errors.FailureCategory;

namespace DlGpuTools.Errors
{
    /// <summary>
    /// Every error id the module reports, once: its category, its severity, what it means and the next step when
    /// nothing more specific is known. Engine exceptions take their id, category and severity from an entry here;
    /// the cmdlets' own argument and remoting errors are listed too, so one table documents them all (the
    /// reflection tests hold the code to it). Ids never change: scripts match on them.
    /// Adding an error is one entry here and, for an engine failure, one <see cref="DlGpuToolsException"/> subclass.
    /// </summary>
    public static class ErrorCatalogue
    {
        // The CUDA driver and NVML.
        public static readonly ErrorEntry CudaDriverNotFound = E(nameof(CudaDriverNotFound), NotInstalled, Host,
            "The CUDA driver library (libcuda.so.1, nvcuda.dll) could not be loaded, or the CUDA toolkit's stub was loaded instead.",
            "Install the NVIDIA driver for the GPU and check that nvidia-smi works; the message lists the places searched.");

        public static readonly ErrorEntry CudaDriverTooOld = E(nameof(CudaDriverTooOld), NotInstalled, Host,
            "A loaded driver or library lacks a function this module calls: it is older than the function.",
            "Update the NVIDIA driver to a current release (any R525 or newer driver has every function this module uses), then open a "
            + "new PowerShell session.");

        public static readonly ErrorEntry CudaDriverInitFailed = E(nameof(CudaDriverInitFailed), DeviceError, Host,
            "cuInit failed: the driver is installed but cannot start (version mismatch, missing service, kernel module state).",
            "Check that nvidia-smi works; reinstall the NVIDIA driver if it does not.");

        public static readonly ErrorEntry CudaDeviceNotFound = E(nameof(CudaDeviceNotFound), ResourceUnavailable, Host,
            "The CUDA driver is installed but shows this process no device.",
            "Check that nvidia-smi lists a GPU and that CUDA_VISIBLE_DEVICES, if set, names one. In a container, start it with the GPU "
            + "passed in (docker run --gpus all).");

        public static readonly ErrorEntry CudaDeviceQueryFailed = E(nameof(CudaDeviceQueryFailed), DeviceError, Device,
            "One device failed its own queries; it is left out and the other devices are listed.",
            "Check that GPU with nvidia-smi -q and Test-GpuHealth -Index <index>.");

        public static readonly ErrorEntry CudaCallFailed = E(nameof(CudaCallFailed), DeviceError, Device,
            "A CUDA driver call failed during work on the GPU.",
            "Check that nvidia-smi works and the GPU is healthy (nvidia-smi -q shows its state).");

        public static readonly ErrorEntry NvmlNotFound = E(nameof(NvmlNotFound), NotInstalled, Host,
            "NVML (libnvidia-ml.so.1, nvml.dll), which ships with the NVIDIA driver, could not be loaded.",
            "NVML ships with the NVIDIA driver: reinstall the driver, or point the NVML override variable at the library's full path.");

        public static readonly ErrorEntry NvmlCallFailed = E(nameof(NvmlCallFailed), DeviceError, Host,
            "An NVML call returned an error.",
            "Check that nvidia-smi works.");

        public static readonly ErrorEntry UnsupportedProcess = E(nameof(UnsupportedProcess), NotImplemented, Host,
            "The process cannot load the native libraries (not a 64-bit process).",
            "Run a 64-bit PowerShell.");

        // The CUDA toolkit's libraries.
        public static readonly ErrorEntry NativeLibraryLoadFailed = E(nameof(NativeLibraryLoadFailed), NotInstalled, Host,
            "A toolkit library (CUDA runtime, cuBLAS, cuDNN, NCCL) is there, but the loader refused the file.",
            "Replace the refused file with a good copy, take its folder off the library search path, or correct the override variable "
            + "that points at it.");

        public static readonly ErrorEntry CudaRuntimeNotFound = E(nameof(CudaRuntimeNotFound), NotInstalled, Host,
            "The CUDA runtime library could not be found.",
            "Install the CUDA runtime (part of the CUDA toolkit), or point its override variable at the library file.");

        public static readonly ErrorEntry CuBlasNotFound = E(nameof(CuBlasNotFound), NotInstalled, Host,
            "cuBLAS or cuBLASLt could not be found.",
            "Install cuBLAS from the CUDA toolkit, or point its override variable at the library file.");

        public static readonly ErrorEntry ToolkitLibraryTooOld = E(nameof(ToolkitLibraryTooOld), NotInstalled, Host,
            "A loaded CUDA toolkit library (CUDA runtime, cuBLAS, cuBLASLt, cuDNN) lacks a function this module calls: it is older "
            + "than the function.",
            "Install a current release of the library the message names, or point its override variable at a newer copy; the message "
            + "names the file that was loaded.");

        public static readonly ErrorEntry CuBlasCallFailed = E(nameof(CuBlasCallFailed), DeviceError, Device,
            "A cuBLAS or cuBLASLt call failed.",
            "Check that the cuBLAS version suits the driver (Test-CuDnnInstall) and that the GPU is healthy.");

        public static readonly ErrorEntry CuDnnNotFound = E(nameof(CuDnnNotFound), NotInstalled, Host,
            "cuDNN could not be found.",
            "Install cuDNN 9 for your CUDA major, or point its override variable at the library file; Test-CuDnnInstall shows what "
            + "was searched.");

        public static readonly ErrorEntry CuDnnCallFailed = E(nameof(CuDnnCallFailed), DeviceError, Host,
            "A cuDNN call failed.",
            "Run Test-CuDnnInstall: it shows which cuDNN, CUDA runtime and driver load, and whether cuDNN's sub-libraries do.");

        public static readonly ErrorEntry CuDnnInstallCheckFailed = E(nameof(CuDnnInstallCheckFailed), NotInstalled, Host,
            "One or more of Test-CuDnnInstall's checks failed.",
            "Fix the failed checks, first to last: later checks often fail because of earlier ones.");

        // Matrix multiplication benchmarks.
        public static readonly ErrorEntry MatMulTooLarge = E(nameof(MatMulTooLarge), ResourceUnavailable, Transient,
            "The matrices do not fit in the GPU's free memory.",
            "Use a smaller -Size (memory grows with its square), or free GPU memory used by other processes.");

        public static readonly ErrorEntry MatMulVerificationFailed = E(nameof(MatMulVerificationFailed), InvalidResult, Device,
            "The GPU computed a wrong product; its figure was not reported.",
            "The GPU computed a wrong product: do not trust this card or driver for training. Run it again; if it repeats, check "
            + "nvidia-smi -q for ECC errors and the driver install (Test-CuDnnInstall).");

        public static readonly ErrorEntry MatMulTypeNotSupported = E(nameof(MatMulTypeNotSupported), NotImplemented, Input,
            "The GPU, cuBLASLt or the CPU benchmark cannot run this data type.",
            "Measure a data type this GPU supports (FP32, and FP16 from Pascal; TF32 and BF16 from Ampere; FP8 from Ada and Hopper).");

        public static readonly ErrorEntry MatMulShapeConflict = E(nameof(MatMulShapeConflict), InvalidArgument, Input,
            "-Size and -M, -N, -K both describe the problem size.",
            "Use -Size for square problems, or -M, -N and -K for one problem.");

        public static readonly ErrorEntry MatMulShapeIncomplete = E(nameof(MatMulShapeIncomplete), InvalidArgument, Input,
            "Only some of -M, -N and -K were given.",
            "Give all three of -M, -N and -K.");

        public static readonly ErrorEntry FastAccumulationNeedsFP8 = E(nameof(FastAccumulationNeedsFP8), InvalidArgument, Input,
            "-FastAccumulation was given without FP8 in -DataType.",
            "Add FP8 to -DataType, or leave -FastAccumulation out.");

        public static readonly ErrorEntry CpuBlasNotFound = E(nameof(CpuBlasNotFound), ObjectNotFound, Input,
            "No CPU BLAS (matching -Library, when it was given) could be loaded.",
            "Name a family found on this machine (Tab completes -Library), a library file that exists, or leave -Library out.");

        public static readonly ErrorEntry CpuBlasRoutineMissing = E(nameof(CpuBlasRoutineMissing), NotImplemented, Host,
            "The loaded CPU BLAS lacks a routine the measurement needs (the message names the routine and the file).",
            "Name a CPU BLAS that exports the routine in -Library (Tab completes the ones found on this machine), or leave out the "
            + "data type that needs it.");

        // Bandwidth measurements.
        public static readonly ErrorEntry BandwidthBufferTooLarge = E(nameof(BandwidthBufferTooLarge), ResourceUnavailable, Transient,
            "The buffers a bandwidth test needs do not fit in the GPU's or the host's free memory.",
            "Use a smaller -Size (for example -Size 256MB), or free GPU memory used by other processes (Get-CudaDevice shows them).");

        public static readonly ErrorEntry BandwidthVerificationFailed = E(nameof(BandwidthVerificationFailed), InvalidResult, Device,
            "The data after the copies is not what was copied; the figure was not reported.",
            "The GPU moved data wrongly: do not trust this card or driver. Run it again; if it repeats, check nvidia-smi -q for ECC "
            + "errors and Xid messages in the kernel log.");

        public static readonly ErrorEntry BandwidthKernelRejected = E(nameof(BandwidthKernelRejected), NotInstalled, Host,
            "The CUDA driver refused the module's PTX kernels.",
            "Update the NVIDIA driver: the kernels need a driver that compiles PTX ISA 6.0 (R384 or newer). The JIT log above says what "
            + "the driver's compiler objected to.");

        public static readonly ErrorEntry DeviceMemoryRefused = E(nameof(DeviceMemoryRefused), ResourceUnavailable, Transient,
            "The GPU had no room for a buffer the work needs.",
            "Free GPU memory used by other processes (Get-CudaDevice shows them), or ask for less.");

        public static readonly ErrorEntry PinnedMemoryRefused = E(nameof(PinnedMemoryRefused), ResourceUnavailable, Host,
            "The OS refused page-locked host memory (its locked-memory limit, or not enough memory).",
            "Use a smaller -Size, free host memory, or raise the locked-memory limit (ulimit -l; in a container, --ulimit memlock=-1). "
            + "The pageable tests need no page-locked memory.");

        public static readonly ErrorEntry BandwidthTimingFailed = E(nameof(BandwidthTimingFailed), DeviceError, Transient,
            "A timed batch was not queued before the GPU started it, so its time was discarded.",
            "Run it again on an idle GPU; a host this busy cannot queue a batch in time. Fewer -Iterations do not help; a smaller -Size "
            + "shortens each batch.");

        public static readonly ErrorEntry PeerAccessNotSupported = E(nameof(PeerAccessNotSupported), ResourceUnavailable, Host,
            "Two GPUs cannot reach each other's memory directly.",
            "Get-GpuTopology shows the path between the GPUs. Peer access needs NVLink or a PCIe switch or root complex that allows it "
            + "(and IOMMU/ACS settings that do not block it); copies through host memory still work.");

        // Registered tests and checks.
        public static readonly ErrorEntry UnknownBandwidthTest = E(nameof(UnknownBandwidthTest), InvalidArgument, Input,
            "There is no bandwidth test with that id.",
            "Use one of the ids the message lists (Tab completes them).");

        public static readonly ErrorEntry UnknownInstallCheck = E(nameof(UnknownInstallCheck), InvalidArgument, Input,
            "There is no install check with that id.",
            "Use one of the ids the message lists (Tab completes them).");

        public static readonly ErrorEntry UnknownHealthCheck = E(nameof(UnknownHealthCheck), InvalidArgument, Input,
            "There is no health check with that id.",
            "Use one of the ids the message lists (Tab completes them).");

        public static readonly ErrorEntry UnknownInferenceEngine = E(nameof(UnknownInferenceEngine), InvalidArgument, Input,
            "There is no inference engine with that name.",
            "Use one of the names the message lists (Tab completes them).");

        // Devices.
        public static readonly ErrorEntry DeviceIndexNotFound = E(nameof(DeviceIndexNotFound), ObjectNotFound, Input,
            "No CUDA device this process sees has that index.",
            "Run Get-CudaDevice without parameters to list the devices this process sees (CUDA_VISIBLE_DEVICES can hide some).");

        public static readonly ErrorEntry DeviceUuidNotFound = E(nameof(DeviceUuidNotFound), ObjectNotFound, Input,
            "No CUDA device this process sees has that UUID (or that MIG device is not the one CUDA shows this process).",
            "Run Get-CudaDevice without parameters to list the devices this process sees (CUDA_VISIBLE_DEVICES can hide some).");

        public static readonly ErrorEntry DeviceNameNotFound = E(nameof(DeviceNameNotFound), ObjectNotFound, Input,
            "No CUDA device has that name.",
            "Run Get-CudaDevice without parameters to list the devices this process sees (CUDA_VISIBLE_DEVICES can hide some).");

        public static readonly ErrorEntry GpuHealthCheckFailed = E(nameof(GpuHealthCheckFailed), DeviceError, Device,
            "Test-GpuHealth found a GPU unhealthy.",
            "Follow the recommended action of the failed checks (Test-GpuHealth | Select-Object -ExpandProperty Checks).");

        // Card and price tables, recommendations.
        public static readonly ErrorEntry CardTableInvalid = E(nameof(CardTableInvalid), InvalidData, Input,
            "A card table cannot be used: the file is missing, not a file, too large, unreadable, or has faulty rows.",
            "Fix what is named above, line by line. The header needs name, architecture, compute_capability, memory_gb, "
            + "segment and source (Get-GpuSpec 'RTX 4090' | Export-Csv my-cards.csv writes a template); numbers are plain "
            + "(1650.5, no thousands separators), whole where the column counts (tdp_w, launch_year); no text may start with "
            + "= + - or @.");

        public static readonly ErrorEntry PriceTableInvalid = E(nameof(PriceTableInvalid), InvalidData, Input,
            "A price table cannot be used: the file is missing, not a file, too large, unreadable, or has faulty rows.",
            "Fix what is named above, line by line. The header needs card, condition, price_usd, price_date and source "
            + "(provider and notes are optional; Export-Csv's Card, PriceUsd, PriceDate spellings are read too); condition "
            + "is new or used, price_date yyyy-MM or yyyy-MM-dd and not in the future, card a name from Get-GpuSpec; kind "
            + "(sold, asking, average, estimate, msrp), derived (yes/no) and gpus (8 for an HGX server) are optional; many "
            + "dated rows per card are evidence, the same row twice is a fault; no text may start with = + - or @.");

        public static readonly ErrorEntry GpuCardNotFound = E(nameof(GpuCardNotFound), ObjectNotFound, Input,
            "No card in the card table matches the name.",
            "Use one of the closest names, list the table with Get-GpuSpec (wildcards work), or add the card with -CardTable.");

        public static readonly ErrorEntry GpuCardAmbiguous = E(nameof(GpuCardAmbiguous), InvalidArgument, Input,
            "The name matches several cards where one is needed.",
            "Name one of them exactly (tab completion offers the names), or pipe the device from Get-CudaDevice.");

        public static readonly ErrorEntry InvalidModel = E(nameof(InvalidModel), InvalidArgument, Input,
            "The model or method cannot be estimated as given.",
            "Change the model's size, the precision or the method as the message says.");

        public static readonly ErrorEntry ModelPresetNotFound = E(nameof(ModelPresetNotFound), ObjectNotFound, Input,
            "No model preset has that name.",
            "Name one of the presets the message lists, or give the size with -ModelParameters.");

        public static readonly ErrorEntry TrainingNeedsModelParameters = E(nameof(TrainingNeedsModelParameters), InvalidArgument, Input,
            "-Training or -Method was given without a model.",
            "Name the model with -Model, or give its size with -ModelParameters.");

        // Monitoring, jobs and metrics.
        public static readonly ErrorEntry InputNotGpuSample = E(nameof(InputNotGpuSample), InvalidArgument, Input,
            "An object down the pipeline is not a GPU sample; it was left out.",
            "Pipe the output of Get-GpuSample (also from Invoke-Command, a job or ConvertFrom-Json).");

        public static readonly ErrorEntry NoGpuSamplesExported = E(nameof(NoGpuSamplesExported), ResourceUnavailable, Transient,
            "No GPU sample reached Export-GpuMetric; the file holds only dlgputools_export_up 0.",
            "Run Get-GpuSample on its own to see why it gave no sample, and alert on dlgputools_export_up == 0.");

        public static readonly ErrorEntry MetricFolderNotFound = E(nameof(MetricFolderNotFound), ObjectNotFound, Input,
            "The folder of the metrics file does not exist.",
            "Point -Path at a .prom file in a folder that exists and this user can write.");

        public static readonly ErrorEntry MetricPathNotAFile = E(nameof(MetricPathNotAFile), InvalidArgument, Input,
            "The metrics path names something other than a regular file; nothing was replaced.",
            "Point -Path at a regular .prom file, or a name not yet taken, in node_exporter's textfile folder.");

        public static readonly ErrorEntry MetricFileNotWritten = E(nameof(MetricFileNotWritten), WriteError, Host,
            "The metrics file could not be written.",
            "Point -Path at a .prom file in a folder this user can write.");

        public static readonly ErrorEntry GpuJobStateFolderUnsafe = E(nameof(GpuJobStateFolderUnsafe), InvalidOperation, Host,
            "The job state folder is not a private folder of this user (a link, another owner, open to others).",
            "Use a -StateFolder that only this user owns and can write.");

        public static readonly ErrorEntry GpuJobNotStarted = E(nameof(GpuJobNotStarted), ObjectNotFound, Input,
            "No state file for the job: Start-GpuJob did not run, ran as another user, or with another -StateFolder.",
            "Run Start-GpuJob first, as the same user and with the same -StateFolder as Stop-GpuJob.");

        public static readonly ErrorEntry GpuJobStateInvalid = E(nameof(GpuJobStateInvalid), InvalidOperation, Host,
            "The job's state file is not one Start-GpuJob wrote (damaged, planted, another format), or could not be read.",
            "Run Start-GpuJob again for the job; check the state folder's files if this repeats.");

        public static readonly ErrorEntry SlurmCommandNotFound = E(nameof(SlurmCommandNotFound), NotInstalled, Host,
            "A Slurm client command (sinfo, scontrol) could not be found.",
            "Run on a host with the Slurm client commands on PATH.");

        public static readonly ErrorEntry SlurmCommandFailed = E(nameof(SlurmCommandFailed), InvalidOperation, Transient,
            "A Slurm command failed.",
            "Run the command the message names yourself to see why; check that slurmctld answers (scontrol ping).");

        public static readonly ErrorEntry SlurmNodeNotFound = E(nameof(SlurmNodeNotFound), ObjectNotFound, Input,
            "Slurm does not know the node.",
            "Name a node scontrol show node lists.");

        // Collectives (NCCL) and ranks on other hosts.
        public static readonly ErrorEntry NcclNotFound = E(nameof(NcclNotFound), NotInstalled, Host,
            "NCCL could not be loaded.",
            "Install NCCL 2 (NVIDIA's libnccl2 package or pip's nvidia-nccl wheel), or point its override variable at a libnccl.so.2 "
                + "file.");

        public static readonly ErrorEntry NcclTooOld = E(nameof(NcclTooOld), NotInstalled, Host,
            "The loaded NCCL lacks a function the operation needs.",
            "Install a current NCCL 2 (NVIDIA's libnccl2 package or pip's nvidia-nccl wheel), or point its override variable at one.");

        public static readonly ErrorEntry NcclCallFailed = E(nameof(NcclCallFailed), DeviceError, Transient,
            "An NCCL call returned an error.",
            "Run again with NCCL_DEBUG=INFO and check the NCCL version against the driver (Get-GpuReport shows both).");

        public static readonly ErrorEntry CollectiveNeedsTwoGpus = E(nameof(CollectiveNeedsTwoGpus), ResourceUnavailable, Input,
            "A collective needs at least two GPUs, and fewer were selected or visible.",
            "Select two or more GPUs, or run one rank per GPU on several hosts with -Rank/-RankCount/-UniqueId.");

        public static readonly ErrorEntry CollectiveTimedOut = E(nameof(CollectiveTimedOut), ResourceUnavailable, Transient,
            "A step of the collective did not finish within the timeout; the communicators were aborted.",
            "Check that every rank started and the hosts reach each other, run again with NCCL_DEBUG=INFO, or raise -TimeoutSeconds.");

        public static readonly ErrorEntry CollectiveUniqueIdInvalid = E(nameof(CollectiveUniqueIdInvalid), InvalidArgument, Input,
            "The unique id given to a rank is not one NCCL made, or a rank other than 0 started without one.",
            "Pass the UniqueId of the rendezvous object rank 0 wrote, unchanged, to every other rank.");

        public static readonly ErrorEntry CollectiveSizeRange = E(nameof(CollectiveSizeRange), InvalidArgument, Input,
            "-MaxBytes is below -MinBytes.",
            "Give a -MaxBytes at least as large as -MinBytes.");

        public static readonly ErrorEntry CollectiveRankNeedsOneGpu = E(nameof(CollectiveRankNeedsOneGpu), InvalidArgument, Input,
            "A rank uses one GPU, and several were selected.",
            "Select one GPU for the rank, or none to take the GPUs in turn by rank.");

        public static readonly ErrorEntry CollectiveDeviceSelectionNotRemote = E(nameof(CollectiveDeviceSelectionNotRemote),
            InvalidArgument, Input,
            "-Uuid and device objects pick GPUs of this computer; ranks on other hosts choose theirs by index.",
            "Use -Index to pick the same GPU indexes on every host, or -GpusPerHost to use the first n.");

        public static readonly ErrorEntry HostNameNeedsPowerShell7 = E(nameof(HostNameNeedsPowerShell7), NotImplemented, Host,
            "-HostName opens sessions over SSH, which Windows PowerShell does not have.",
            "Run the command in PowerShell 7, or open the sessions yourself and pass them with -Session.");

        public static readonly ErrorEntry CollectiveHostUnreachable = E(nameof(CollectiveHostUnreachable), ConnectionError, Host,
            "No PowerShell session over SSH could be opened to a host.",
            "Check that ssh to the host logs in without a prompt and that it runs sshd with the powershell subsystem.");

        public static readonly ErrorEntry CollectiveSessionNotUsable = E(nameof(CollectiveSessionNotUsable), InvalidArgument, Input,
            "A session passed with -Session cannot run a rank (not opened, or busy).",
            "Pass sessions that are Opened and Available, one per GPU, none running another command.");

        public static readonly ErrorEntry CollectiveModuleMissingOnHost = E(nameof(CollectiveModuleMissingOnHost), NotInstalled, Host,
            "DlGpuTools with the rank mode is not available to PowerShell on a host.",
            "Install the same DlGpuTools version on the host, in a folder on its PSModulePath.");

        public static readonly ErrorEntry CollectiveHostHasNoGpu = E(nameof(CollectiveHostHasNoGpu), ResourceUnavailable, Host,
            "Get-CudaDevice on a host lists no GPU.",
            "Run Get-CudaDevice in a session to the host to see why, or leave the host out.");

        public static readonly ErrorEntry CollectiveNeedsTwoRanks = E(nameof(CollectiveNeedsTwoRanks), InvalidArgument, Input,
            "The hosts and sessions give fewer than two ranks.",
            "Name more hosts or GPUs, pass more sessions, or measure one host's GPUs without -HostName.");

        public static readonly ErrorEntry CollectiveRankFailed = E(nameof(CollectiveRankFailed), OperationStopped, Transient,
            "A rank failed on its host; the other ranks were stopped.",
            "Read the rank's own error (it carries its PSComputerName); run Measure-GpuCollective on that host alone.");

        public static readonly ErrorEntry CollectiveRankTimedOut = E(nameof(CollectiveRankTimedOut), OperationTimeout, Transient,
            "A rank did not answer in time; all ranks were stopped.",
            "Check the host's GPUs and NCCL's network between the hosts, or raise -TimeoutSeconds.");

        public static readonly ErrorEntry CollectiveRankResultsDiffer = E(nameof(CollectiveRankResultsDiffer), InvalidResult, Host,
            "The ranks did not all return the same results, so there is nothing to merge.",
            "Every rank must run the same DlGpuTools version and parameters.");

        private static readonly Lazy<IReadOnlyList<ErrorEntry>> Entries = new Lazy<IReadOnlyList<ErrorEntry>>(() =>
            typeof(ErrorCatalogue).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(ErrorEntry))
                .Select(f => (ErrorEntry)f.GetValue(null))
                .ToList());

        private static readonly Lazy<Dictionary<string, ErrorEntry>> ById = new Lazy<Dictionary<string, ErrorEntry>>(() =>
            All.ToDictionary(e => e.Id, StringComparer.Ordinal));

        /// <summary>Every entry, in the order of the table.</summary>
        public static IReadOnlyList<ErrorEntry> All => Entries.Value;

        /// <summary>The entry with this id, or null.</summary>
        public static ErrorEntry? Find(string id) => id != null && ById.Value.TryGetValue(id, out ErrorEntry entry) ? entry : null;

        private static ErrorEntry E(string id, FailureCategory category, ErrorSeverity severity, string meaning, string remedy) =>
            new ErrorEntry(id, category, severity, meaning, remedy);
    }
}
