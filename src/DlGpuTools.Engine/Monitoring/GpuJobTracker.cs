using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// Start-GpuJob and Stop-GpuJob for jobs whose start and end run in different processes (a Slurm prolog and epilog):
    /// the start records the time, each GPU's energy counter and accounting mode to a state file, and starts nothing.
    /// The end reads the counters again and, where accounting mode is on, the driver's lifetime figures of the processes
    /// that started in between. Without accounting mode no process was watched, so utilization and memory stay empty.
    /// </summary>
    public static class GpuJobTracker
    {
        /// <summary>Records the start of <paramref name="name"/> on <paramref name="devices"/>; returns the state written.</summary>
        public static JobState Start(GpuRuntime runtime, IReadOnlyList<CudaDevice> devices, string name,
            string folder, List<string> warnings)
        {
            Nvml nvml = RequireNvml(runtime);
            var state = new JobState { Name = name, ComputerName = Environment.MachineName, StartTime = DateTimeOffset.UtcNow };
            foreach (MonitoredDevice device in MonitoredDevice.OnePerGpu(GpuSampler.MapToNvml(nvml, devices, warnings)))
            {
                state.Gpus.Add(new JobStateGpu
                {
                    Index = device.Index,
                    Uuid = device.Uuid ?? string.Empty,
                    Name = device.Name,
                    EnergyMillijoules = JobCounters.Energy(nvml, device),
                    AccountingEnabled = JobCounters.AccountingEnabled(nvml, device),
                });
            }

            if (state.Gpus.Count == 0 || state.Gpus.Any(g => g.Uuid.Length == 0))
            {
                throw new GpuJobStateException(ErrorCatalogue.GpuJobStateInvalid,
                    "NVML showed none of the chosen GPUs with a UUID, so there is nothing to record.",
                    "Check Get-CudaDevice and Get-GpuSample on this node.");
            }

            if (JobStateStore.HasState(folder, name))
                warnings.Add($"A job named '{name}' was already started and not stopped; its start is replaced by this one.");
            JobStateStore.Write(folder, state);
            return state;
        }

        /// <summary>
        /// A summary per GPU recorded by Start for <paramref name="name"/> (one per UUID, also where a state file lists a GPU
        /// more than once); the state file is removed afterwards.
        /// </summary>
        public static IReadOnlyList<GpuJobSummary> Stop(GpuRuntime runtime, string name, string folder, List<string> warnings)
        {
            JobState state = JobStateStore.Read(folder, name);
            Nvml nvml = RequireNvml(runtime);
            NvmlDeviceFacts facts = NvmlDeviceFacts.Read(nvml, warnings);
            DateTimeOffset end = DateTimeOffset.UtcNow;
            var summaries = new List<GpuJobSummary>();
            foreach (JobStateGpu gpu in state.Gpus.GroupBy(g => g.Uuid, StringComparer.Ordinal).Select(g => g.First()))
            {
                var summary = new GpuJobSummary
                {
                    Name = state.Name,
                    ComputerName = Environment.MachineName,
                    Index = gpu.Index,
                    Uuid = gpu.Uuid,
                    GpuName = gpu.Name,
                    StartTime = state.StartTime,
                    EndTime = end,
                    DurationSeconds = Math.Round((end - state.StartTime).TotalSeconds, 3),
                };
                if (!facts.TryFind(gpu.Uuid, null, out IntPtr handle))
                {
                    summary.Detail = $"NVML no longer shows GPU {gpu.Uuid}: only the duration is known.";
                    summaries.Add(summary);
                    continue;
                }

                var device = new MonitoredDevice(new CudaDevice { Index = gpu.Index, Uuid = gpu.Uuid, Name = gpu.Name }, handle);
                Summarize(nvml, device, gpu, summary, migMode: facts.MigDevicesOf(handle).Count > 0);
                summaries.Add(summary);
            }

            JobStateStore.Delete(folder, name);
            return summaries;
        }

        private static void Summarize(Nvml nvml, MonitoredDevice device, JobStateGpu gpu, GpuJobSummary summary, bool migMode)
        {
            double? joules = JobMath.EnergyFromCounter(gpu.EnergyMillijoules, JobCounters.Energy(nvml, device));
            JobMath.ApplyEnergy(summary, joules);
            string energy = joules.HasValue
                ? "Energy: NVML energy counter (nvmlDeviceGetTotalEnergyConsumption, 1 mJ) at start and stop."
                : "Energy: none (this GPU has no energy counter, or the driver reloaded during the job).";
            bool? accounting = JobCounters.AccountingEnabled(nvml, device);
            if (accounting == true)
            {
                int count = JobMath.ApplyAccounting(summary, JobCounters.Accounting(nvml, device), summary.StartTime, summary.EndTime);
                summary.Method = nameof(JobMethod.Accounting);
                summary.Detail = $"NVML accounting: {count} compute process(es) started during the job; utilization "
                    + "is their mean over their "
                    + "lifetimes weighted by run time, memory the most one of them held; accounting keeps no peak utilization. "
                    + (gpu.AccountingEnabled == true ? string.Empty
                        : "Accounting mode was off at the start, so processes before it was turned on are missing. ")
                    + energy;
                return;
            }

            summary.Method = nameof(JobMethod.Counters);
            string why = migMode ? "NVML accounting is not supported on a GPU in MIG mode (the driver keeps it off)"
                : accounting == null ? "NVML accounting is not supported on this GPU" : "NVML accounting mode is off";
            string fix = migMode ? "measure with Measure-GpuJob"
                : "turn accounting on (nvidia-smi -am 1, as root) or measure with Measure-GpuJob";
            summary.Detail = why + ", and nothing sampled the GPU between start and stop, so utilization and memory are empty: "
                + fix + ". " + energy;
        }

        private static Nvml RequireNvml(GpuRuntime runtime) =>
            runtime.TryGetNvml(out NativeLibraryNotFoundException? missing)
                ?? throw (missing ?? (Exception)new InvalidOperationException("NVML could not be loaded."));
    }
}
