using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Interop;

namespace DlGpuTools.Reports
{
    /// <summary>
    /// Builds a <see cref="GpuReport"/>. Every section is read on its own and a failure becomes a line in
    /// Problems, so a broken driver or a missing cuDNN still gives a report, which is when one is needed most.
    /// Nothing here creates a CUDA context or starts a program: libraries are loaded (and stay loaded, as
    /// everywhere in the module), Python environments are read from their files.
    /// </summary>
    public sealed class GpuReportBuilder
    {
        private static readonly char[] LineBreaks = { '\r', '\n' };

        private readonly GpuRuntime _runtime;
        private readonly ProbeEnvironment _environment;
        private readonly Func<IDictionary> _allVariables;

        /// <summary>A report of the machine <paramref name="runtime"/> searches: its variables, folders and libraries.</summary>
        public GpuReportBuilder(GpuRuntime runtime)
            : this(runtime, (runtime ?? throw new ArgumentNullException(nameof(runtime))).Environment)
        {
        }

        internal GpuReportBuilder(GpuRuntime runtime, ProbeEnvironment environment, Func<IDictionary>? allVariables = null)
        {
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
            _environment = environment ?? throw new ArgumentNullException(nameof(environment));
            _allVariables = allVariables ?? Environment.GetEnvironmentVariables;
        }

        public GpuReport Build(string? moduleVersion, string? powerShellVersion)
        {
            var watch = Stopwatch.StartNew();
            var problems = new List<string>();
            var report = new GpuReport
            {
                ModuleVersion = moduleVersion,
                PowerShellVersion = powerShellVersion,
                OperatingSystem = HostEnvironment.OperatingSystem(),
                Kernel = HostEnvironment.Kernel(),
                Wsl = !_environment.IsWindows && HostEnvironment.IsWsl(_environment.GetVariable),
                Container = _environment.IsWindows ? null : HostEnvironment.Container(_environment.GetVariable),
            };

            ReadDevices(report, problems);
            report.Libraries = ReadLibraries(problems).ToArray();
            report.PythonEnvironments = ReadPythonEnvironments(problems);
            report.EnvironmentVariables = RelevantVariables(_allVariables(), _environment.IsWindows).ToArray();
            // Problems quote paths and loader messages, which can carry what a variable held: no secret in them either.
            report.Problems = problems.Select(ReportRedactor.Scrub).ToArray();
            report.DurationMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
            return report;
        }

        private void ReadDevices(GpuReport report, List<string> problems)
        {
            try
            {
                DeviceInventory inventory = DeviceEnumerator.Enumerate(_runtime);
                report.Gpus = inventory.Devices.ToArray();
                report.CudaDriverVersion = Units.CudaVersionText(_runtime.Driver.DriverApiVersion);
                report.DriverVersion = inventory.Devices.Select(d => d.DriverVersion).FirstOrDefault(v => v != null)
                    ?? HostFacts.ReadLinuxKernelModuleVersion();
                problems.AddRange(inventory.Failures.Select(f => $"GPU {f.Index}: {f.Error.Message}"));
                if (inventory.DriverDeviceCount == 0)
                    problems.Add("The CUDA driver shows no GPU to this process (check CUDA_VISIBLE_DEVICES and nvidia-smi).");
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                report.DriverVersion = HostFacts.ReadLinuxKernelModuleVersion();
                // A driver that is not there is said once, on its library's line.
                if (!(e is NativeLibraryNotFoundException)) problems.Add("GPUs: " + Describe(e));
            }
        }

        // Each environment on its own: one that cannot be read is listed with its Problem, and the others still are.
        private PythonEnvironmentReport[] ReadPythonEnvironments(List<string> problems)
        {
            IReadOnlyList<PythonEnvironmentLocation> found;
            try
            {
                found = new PythonEnvironmentScanner(_environment.GetVariable, _environment.IsWindows, _environment.DirectoryExists).Find();
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                problems.Add("Python environments: " + Describe(e));
                return Array.Empty<PythonEnvironmentReport>();
            }

            var reports = new List<PythonEnvironmentReport>();
            foreach (PythonEnvironmentLocation location in found)
            {
                PythonEnvironmentReport environment;
                try
                {
                    environment = PythonPackages.Read(location);
                }
                catch (Exception e) when (IsReadFailure(e) || e is ArgumentException || e is NotSupportedException)
                {
                    environment = new PythonEnvironmentReport { Kind = location.Kind, Prefix = location.Prefix, Problem = Describe(e) };
                }

                if (environment.Problem != null)
                {
                    environment.Problem = ReportRedactor.Scrub(environment.Problem);
                    problems.Add($"Python environment {environment.Prefix}: {environment.Problem}");
                }
                reports.Add(environment);
            }

            return reports.OrderByDescending(e => e.HasFramework).ToArray();
        }

        private IEnumerable<LibraryReport> ReadLibraries(List<string> problems)
        {
            List<string>? folders = null;
            List<string> Folders() => folders ?? (folders = LibraryCopies.SearchFolders(_environment).ToList());

            LibraryReport Read(string name,
                Func<(string? Version, string Path, IReadOnlyList<ProbeAttempt> Attempts)> load, bool scanCopies)
            {
                var library = new LibraryReport { Name = name };
                try
                {
                    var loaded = load();
                    library.Version = loaded.Version;
                    library.Path = loaded.Path;
                    ProbeAttempt used = loaded.Attempts.LastOrDefault(a => a.Loaded);
                    if (scanCopies && used != null)
                    {
                        string real = loaded.Path;
                        library.OtherCopies = LibraryCopies.Find(Path.GetFileName(used.Candidate), Folders())
                            .Where(c => c.RealPath != real && c.Path != real)
                            .Select(c => c.RealPath).OfType<string>().ToArray();
                    }
                }
                catch (Exception e) when (IsReadFailure(e))
                {
                    library.Problem = ReportRedactor.Scrub(Describe(e));
                    problems.Add(name + ": " + library.Problem);
                }

                return library;
            }

            yield return Read("CUDA driver", () => (Units.CudaVersionText(_runtime.Driver.DriverApiVersion), _runtime.Driver.LibraryPath,
                _runtime.Driver.Attempts), false);
            yield return Read("NVML", () =>
            {
                Nvml? nvml = _runtime.TryGetNvml(out NativeLibraryNotFoundException? failure);
                if (nvml == null) throw failure ?? (Exception)new InvalidOperationException("NVML could not be loaded.");
                return ((string?)null, nvml.LibraryPath, nvml.Attempts);
            }, false);
            yield return Read("CUDA runtime", () =>
            {
                CudaRuntimeLibrary cudart = _runtime.CudaRuntime;
                return (Units.CudaVersionText(cudart.RuntimeVersion()), cudart.LibraryPath, cudart.Attempts);
            }, true);
            yield return Read("cuBLAS", () => (_runtime.CuBlas.PropertyVersion()
                ?? LibraryCopies.VersionFromName(_runtime.CuBlas.LibraryPath, null), _runtime.CuBlas.LibraryPath, _runtime.CuBlas.Attempts),
                    true);
            yield return Read("cuBLASLt",
                () => (_runtime.CuBlasLt.VersionText, _runtime.CuBlasLt.LibraryPath, _runtime.CuBlasLt.Attempts), true);
            yield return Read("cuDNN", () => (CuDnnLibrary.DecodeVersion(_runtime.CuDnn.Version)?.ToString(), _runtime.CuDnn.LibraryPath,
                _runtime.CuDnn.Attempts), true);
            yield return Read("NCCL", () =>
            {
                // What Measure-GpuCollective would load, searched as it searches (NcclProbe).
                NcclDescription nccl = _runtime.DescribeNccl();
                if (!nccl.Found)
                {
                    throw new FileNotFoundException(nccl.Searched.Count == 0 ? NcclCandidates.WindowsHasNone
                        : "not found; searched " + string.Join(", ", nccl.Searched));
                }

                NcclLibrary loaded = _runtime.Nccl;
                return (nccl.Version, loaded.LibraryPath, loaded.Attempts);
            }, true);
        }

        /// <summary>
        /// CUDA_*, NVIDIA_*, CUDNN_* and DLGPUTOOLS_* variables and the library search path, never anything else; a value
        /// only for the variables <see cref="ReportRedactor"/> allows, and with anything shaped like a secret cut out.
        /// </summary>
        public static IEnumerable<EnvironmentVariableReport> RelevantVariables(IDictionary variables, bool windows)
        {
            if (variables == null) throw new ArgumentNullException(nameof(variables));
            foreach (DictionaryEntry entry in variables.Cast<DictionaryEntry>()
                .OrderBy(e => (string)e.Key, StringComparer.OrdinalIgnoreCase))
            {
                EnvironmentVariableReport? variable = ReportRedactor.Variable((string)entry.Key, entry.Value as string, windows);
                if (variable != null) yield return variable;
            }
        }

        private static bool IsReadFailure(Exception e) =>
            e is NativeLibraryNotFoundException || e is NativeEntryPointMissingException || e is CudaException || e is NvmlException
            || e is CuDnnException || e is CuBlasException || e is IOException || e is UnauthorizedAccessException;

        // One line: for a library that is not there, the places searched (the error's own text lists each
        // place on a line of its own, with the loader's reason, which Get-CudaDevice and Test-CuDnnInstall show).
        private static string Describe(Exception e)
        {
            if (e is NativeLibraryNotFoundException missing)
                return "not found; searched " + string.Join(", ", missing.Attempts.Select(a => a.Candidate));
            string text = e.Message;
            int end = text.IndexOfAny(LineBreaks);
            return end < 0 ? text : text.Substring(0, end);
        }
    }
}
