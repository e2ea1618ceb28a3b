using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Health
{
    /// <summary>
    /// What a health check may read: the request, the host's listing, the GPUs asked for, and the readings that
    /// earlier items published (by item id and GPU). Items cannot write to it: the runner alone records each item's
    /// result, so no check depends on another through a shared field.
    /// </summary>
    internal sealed class HealthContext
    {
        private readonly HealthLedger _ledger;
        private readonly IReadOnlyDictionary<int, IntPtr> _handles;
        private readonly Stopwatch _clock;

        internal HealthContext(GpuRuntime runtime, Nvml nvml, HealthRequest request, DeviceInventory inventory,
            IReadOnlyList<CudaDevice> devices,
            string? driverVersion, IReadOnlyDictionary<int, IntPtr> handles, XidWatch? watch, NvmlReturn watchFailure, Stopwatch clock,
                HealthLedger ledger)
        {
            Runtime = runtime;
            Port = new CudaPort(runtime);
            Nvml = nvml;
            Request = request;
            Inventory = inventory;
            Devices = devices;
            DriverVersion = driverVersion;
            _handles = handles;
            Watch = watch;
            WatchFailure = watchFailure;
            _clock = clock;
            _ledger = ledger;
        }

        public GpuRuntime Runtime { get; }

        /// <summary>The GPU work's port over <see cref="Runtime"/>: what the memory test and the stress kernels run on.</summary>
        public IGpuPort Port { get; }

        public Nvml Nvml { get; }

        public HealthRequest Request { get; }

        public DeviceInventory Inventory { get; }

        /// <summary>The GPUs asked for, in CUDA order.</summary>
        public IReadOnlyList<CudaDevice> Devices { get; }

        public string? DriverVersion { get; }

        /// <summary>The Xid event watch, opened before anything else ran; null where NVML could not open one.</summary>
        public XidWatch? Watch { get; }

        public NvmlReturn WatchFailure { get; }

        /// <summary>Time since the check started (the Xid watch counts from there).</summary>
        public TimeSpan Elapsed => _clock.Elapsed;

        public CancellationToken Cancel => Request.Cancel;

        /// <summary>The NVML handle of the GPU's board (the parent's for a MIG device); null where NVML does not show it.</summary>
        public IntPtr? HandleOf(int gpu) => _handles.TryGetValue(gpu, out IntPtr handle) ? handle : (IntPtr?)null;

        /// <summary>False once a GPU's NVML failed to answer in time: the runner leaves it alone from then on.</summary>
        public bool Answers(int gpu) => !_ledger.Hung.Contains(gpu);

        /// <summary>What the item published for the GPU; null when it did not run there or kept nothing.</summary>
        public T? Reading<T>(string id, int gpu)
            where T : class => _ledger.ReadingOf(id, gpu) as T;

        /// <summary>What the item published for every GPU it ran on, in CUDA order (peer comparisons read this).</summary>
        public IReadOnlyList<T> Readings<T>(string id)
            where T : class => Devices.Select(d => Reading<T>(id, d.Index)).Where(r => r != null).Select(r => r!).ToList();
    }

    /// <summary>One GPU's view for a <see cref="GpuCheck"/>.</summary>
    internal sealed class GpuContext
    {
        internal GpuContext(HealthContext run, CudaDevice device)
        {
            Run = run;
            Device = device;
        }

        public HealthContext Run { get; }

        public CudaDevice Device { get; }

        public int Gpu => Device.Index;

        public Nvml Nvml => Run.Nvml;

        /// <summary>The board's NVML handle; IntPtr.Zero where NVML does not show the GPU (checks that need it need "nvml").</summary>
        public IntPtr Handle => Run.HandleOf(Gpu) ?? IntPtr.Zero;
    }

    /// <summary>A <see cref="FleetRun"/>'s view: the GPUs it runs on and where its progress goes.</summary>
    internal sealed class FleetContext
    {
        internal FleetContext(HealthContext run, IReadOnlyList<CudaDevice> devices, Action<string, double>? progress)
        {
            Run = run;
            Devices = devices;
            Progress = progress;
        }

        public HealthContext Run { get; }

        /// <summary>The GPUs still answering whose needs were met, in CUDA order.</summary>
        public IReadOnlyList<CudaDevice> Devices { get; }

        /// <summary>The phase and the fraction of this run done.</summary>
        public Action<string, double>? Progress { get; }
    }
}
