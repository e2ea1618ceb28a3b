using System;
using System.Collections.Generic;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>
    /// What one run of the install checks gives each check: its inputs, the results of the checks before it, and
    /// the facts they published (a library that loaded, the visible GPUs). A fact is published once, by the one
    /// check that finds it, and only read afterwards; a check whose publisher failed finds it missing and skips.
    /// </summary>
    public sealed class InstallCheckContext : IDisposable
    {
        private readonly Dictionary<Type, object> _facts = new Dictionary<Type, object>();
        private readonly Dictionary<string, InstallCheck> _results = new Dictionary<string, InstallCheck>(StringComparer.OrdinalIgnoreCase);
        private DeviceContext? _firstGpu;

        internal InstallCheckContext(GpuRuntime runtime, InstallCheckOptions options, CancellationToken cancel)
        {
            Runtime = runtime;
            Options = options;
            Cancel = cancel;
            Port = new CudaPort(runtime);
        }

        public GpuRuntime Runtime { get; }

        /// <summary>Device memory for the functional checks, as all GPU work holds it; the libraries are called directly.</summary>
        internal IGpuPort Port { get; }

        internal ProbeEnvironment Environment => Runtime.Environment;

        public InstallCheckOptions Options { get; }

        internal CompatibilityTable Compatibility { get; } = CompatibilityTable.BuiltIn;

        /// <summary>Long checks poll it inside their work; the runner polls it between checks.</summary>
        public CancellationToken Cancel { get; }

        /// <summary>The fact of this type an earlier check published, or null when none did (it failed, or did not run).</summary>
        public T? Fact<T>()
            where T : class => _facts.TryGetValue(typeof(T), out object? fact) ? (T)fact : null;

        /// <summary>Makes a finding available to later checks. Each fact type has one publisher, so a second publish is a bug.</summary>
        public void Publish<T>(T fact)
            where T : class
        {
            if (fact == null) throw new ArgumentNullException(nameof(fact));
            if (_facts.ContainsKey(typeof(T))) throw new InvalidOperationException($"The install fact {typeof(T).Name} was already "
                + $"published.");
            _facts.Add(typeof(T), fact);
        }

        /// <summary>The row of a check that already ran in this run, by id; null when it has not run.</summary>
        public InstallCheck? ResultOf(string id) => _results.TryGetValue(id, out InstallCheck? result) ? result : null;

        internal void Record(string id, InstallCheck result) => _results[id] = result;

        /// <summary>
        /// The module's context on the first visible GPU, taken at the first check that needs it and shared by the
        /// functional checks of this run (one context creation instead of one per check); released by Dispose.
        /// </summary>
        internal DeviceContext FirstGpuContext()
        {
            if (_firstGpu != null) return _firstGpu;
            IReadOnlyList<CudaDevice> devices = Fact<VisibleGpus>()?.Devices ?? Array.Empty<CudaDevice>();
            if (devices.Count == 0) throw new InvalidOperationException("No visible GPU was published before a check asked for one.");
            _firstGpu = Runtime.AcquireContext(devices[0].Index);
            return _firstGpu;
        }

        public void Dispose()
        {
            _firstGpu?.Dispose();
            _firstGpu = null;
        }
    }
}
