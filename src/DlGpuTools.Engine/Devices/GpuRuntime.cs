using System;
using System.Collections.Generic;
using DlGpuTools.Interop;

namespace DlGpuTools.Devices
{
    /// <summary>
    /// The native libraries one set of search settings finds, loaded on first use. A failed load is not
    /// remembered, so installing a driver and trying again in the same session works.
    /// </summary>
    /// <remarks>
    /// Lifetime model (why this is safe when several runspaces use the module at once):
    /// <list type="bullet">
    /// <item>A library, once accepted by the probe, stays loaded until the process exits (LibraryProbe pins
    /// it). NVML is initialised once per load and never shut down. Nothing here is ever disposed, so a runtime
    /// that one runspace holds can never be torn down by another.</item>
    /// <item><see cref="Shared"/> keeps one runtime per combination of DLGPUTOOLS_*_PATH overrides. Changing an
    /// override makes later calls use another runtime; commands already running keep the one they took.
    /// Flipping back finds the earlier runtime again, so the number of runtimes (and library loads) is bounded
    /// by the number of distinct override settings a process ever uses.</item>
    /// <item>GPU state is held only while a command uses it: <see cref="AcquireContext"/> returns a lease on the
    /// module's own context of the device (see <see cref="ContextRegistry"/> for why not the primary context),
    /// destroyed when the last lease in the process is given back. Enumerating devices takes no context.</item>
    /// <item>Remove-Module and Import-Module change nothing: PowerShell cannot unload the assembly, so a
    /// re-import sees the same runtimes, and there is nothing to release at removal.</item>
    /// </list>
    /// </remarks>
    public sealed class GpuRuntime
    {
        private static readonly object SharedLock = new object();
        private static readonly Dictionary<string, GpuRuntime> SharedByOverrides = new Dictionary<string,
            GpuRuntime>(StringComparer.Ordinal);

        private readonly object _lock = new object();
        private readonly ProbeEnvironment _environment;
        private readonly INativeLoader _loader;
        // Each library is loaded on first use (null until then), once, and kept for the life of the process.
        private CudaDriver? _driver;
        private Nvml? _nvml;
        private CuBlasLt? _cuBlasLt;
        private CudaRuntimeLibrary? _cudaRuntime;
        private CuBlasLibrary? _cuBlas;
        private CuDnnLibrary? _cuDnn;

        internal GpuRuntime(ProbeEnvironment environment, INativeLoader loader)
        {
            _environment = environment ?? throw new ArgumentNullException(nameof(environment));
            _loader = loader ?? throw new ArgumentNullException(nameof(loader));
        }

        /// <summary>
        /// The runtime for the override variables as they are now, so pointing DLGPUTOOLS_CUDA_DRIVER_PATH
        /// elsewhere takes effect without restarting PowerShell.
        /// </summary>
        public static GpuRuntime Shared => For(null);

        /// <summary>
        /// As <see cref="Shared"/>, with relative overrides read against <paramref name="workingDirectory"/>:
        /// a cmdlet passes PowerShell's location, which is not the process's current directory. Runtimes are
        /// shared by the absolute paths the overrides resolve to.
        /// </summary>
        public static GpuRuntime For(string? workingDirectory)
        {
            ProbeEnvironment environment = ProbeEnvironment.Current(workingDirectory);
            string key = OverrideKey(environment);
            lock (SharedLock)
            {
                if (!SharedByOverrides.TryGetValue(key, out GpuRuntime runtime))
                {
                    runtime = new GpuRuntime(environment, PlatformNativeLoader.Instance);
                    SharedByOverrides.Add(key, runtime);
                }

                return runtime;
            }
        }

        // Every library has an override variable (LibraryCandidates.OverrideVariable), as the Environment check lists them.
        private static readonly NativeLibraryKind[] OverridableKinds = (NativeLibraryKind[])Enum.GetValues(typeof(NativeLibraryKind));

        private static string OverrideKey(ProbeEnvironment environment)
        {
            var parts = new string[OverridableKinds.Length];
            for (int i = 0; i < parts.Length; i++)
                parts[i] = environment.OverridePath(LibraryCandidates.OverrideVariable(OverridableKinds[i])) ?? string.Empty;
            return string.Join("\n", parts);
        }

        /// <summary>
        /// The machine this runtime searches: its variables, folders and the location relative overrides are read against.
        /// </summary>
        internal ProbeEnvironment Environment => _environment;

        /// <summary>
        /// What is risky in this machine's library search path (an empty or relative LD_LIBRARY_PATH entry names the
        /// current directory), one warning each; empty when nothing is.
        /// </summary>
        public IReadOnlyList<string> SearchPathWarnings() => _environment.SearchPathWarnings();

        /// <summary>The CUDA driver; throws <see cref="NativeLibraryNotFoundException"/> with the search trace when absent.</summary>
        internal CudaDriver Driver => LoadOnce(ref _driver, () => CudaDriver.Load(_environment, _loader));

        /// <summary>cuBLASLt; throws <see cref="NativeLibraryNotFoundException"/> with the search trace when absent.</summary>
        internal CuBlasLt CuBlasLt => LoadOnce(ref _cuBlasLt, () => CuBlasLt.Load(_environment, _loader));

        internal CudaRuntimeLibrary CudaRuntime => LoadOnce(ref _cudaRuntime, () => CudaRuntimeLibrary.Load(_environment, _loader));

        internal CuBlasLibrary CuBlas => LoadOnce(ref _cuBlas, () => CuBlasLibrary.Load(_environment, _loader));

        internal CuDnnLibrary CuDnn => LoadOnce(ref _cuDnn, () => CuDnnLibrary.Load(_environment, _loader));

        /// <summary>
        /// NCCL for this runtime's environment (kept per override by <see cref="NcclProbe"/>); NcclNotFoundException when absent.
        /// </summary>
        internal NcclLibrary Nccl => NcclProbe.Load(_environment, _loader);

        /// <summary>What the NCCL search finds here, without throwing.</summary>
        internal NcclDescription DescribeNccl() => NcclProbe.Describe(_environment, _loader);

        private T LoadOnce<T>(ref T? field, Func<T> load)
            where T : class
        {
            lock (_lock)
            {
                return field ?? (field = load());
            }
        }

        /// <summary>NVML, or null with the reason when it cannot be loaded. NVML is optional: its facts are extras.</summary>
        internal Nvml? TryGetNvml(out NativeLibraryNotFoundException? failure)
        {
            failure = null;
            lock (_lock)
            {
                if (_nvml != null) return _nvml;
                try
                {
                    _nvml = Nvml.Load(_environment, _loader);
                }
                catch (NativeLibraryNotFoundException e)
                {
                    failure = e;
                }

                return _nvml;
            }
        }

        /// <summary>
        /// A lease on the module's context of the device (cuInit must have succeeded); dispose it when the work is
        /// done. The context lives while any lease on it does, in this runspace or another.
        /// </summary>
        internal DeviceContext AcquireContext(int device) => Driver.Contexts.Acquire(device);

        /// <summary>
        /// Keeps the module's context of the device alive until the returned object is disposed, so a command that runs
        /// several measurements on one device creates the context once rather than once per measurement.
        /// </summary>
        public IDisposable KeepContextAlive(int device) => AcquireContext(device);
    }
}
