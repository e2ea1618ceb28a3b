using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Errors;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// The chain of install checks behind Test-CuDnnInstall. Each check yields one <see cref="InstallCheck"/>
    /// as soon as it is done; a broken part is a Failed check with its remedy, and the checks that need it
    /// are Skipped with the reason. Nothing here throws for a broken install.
    /// </summary>
    public sealed class InstallChecker
    {
        private readonly GpuRuntime _runtime;
        private readonly ProbeEnvironment _environment;
        private readonly INativeLoader _loader;
        private readonly CompatibilityTable _compat = CompatibilityTable.BuiltIn;

        // What the earlier checks found, null until (and unless) they find it; later checks skip without it.
        private CudaDriver? _driver;
        private string? _driverVersion;
        private IReadOnlyList<CudaDevice> _devices = Array.Empty<CudaDevice>();
        private CudaRuntimeLibrary? _cudart;
        private Version? _cudartVersion;
        private CuBlasLibrary? _cublas;
        private CuDnnLibrary? _cudnn;
        private Version? _cudnnVersion;
        private bool _subLibrariesComplete;
        private readonly List<string> _unopenableSubLibraries = new List<string>();
        private CancellationToken _cancel;

        public InstallChecker(GpuRuntime runtime, ProbeEnvironment environment, INativeLoader loader)
        {
            _runtime = runtime;
            _environment = environment;
            _loader = loader;
        }

        /// <summary>
        /// Runs the checks in order. Cancelling stops between checks and inside the long ones (the functional
        /// checks' sampling); the pending check then ends with <see cref="OperationCanceledException"/>.
        /// Nothing is loaded into this process to inspect cuDNN's sub-libraries (see <see cref="CheckSubLibraries"/>),
        /// so the convolution shows what cuDNN's own loader finds.
        /// </summary>
        public IEnumerable<InstallCheck> Run(InstallCheckOptions options, CancellationToken cancel = default)
        {
            _cancel = cancel;
            try
            {
                foreach (InstallCheck check in RunChecks(options)) yield return check;
            }
            finally
            {
                // The checks share one context on the first GPU; it goes back when the run ends or is abandoned.
                _context?.Dispose();
                _context = null;
            }
        }

        // The module's context on the first GPU, taken at the first check that needs it.
        private DeviceContext Context() => _context ?? (_context = _runtime.AcquireContext(_devices[0].Index));

        private DeviceContext? _context;

        private IEnumerable<InstallCheck> RunChecks(InstallCheckOptions options)
        {
            yield return Timed("NVIDIA driver", CheckDriver);
            yield return Timed("GPUs", CheckGpus);
            yield return Timed("Environment", CheckEnvironment);
            yield return Timed("CUDA runtime", () => CheckCudaRuntime(options));
            yield return Timed("Driver supports the CUDA runtime", CheckDriverForRuntime);
            // cuDNN and its convolution come before cuBLAS: cuDNN 9 needs cuBLAS(Lt), and a copy this module had
            // already loaded by full path would satisfy cuDNN's own load by soname where a user's program finds none.
            yield return Timed("cuDNN", () => CheckCuDnn(options));
            yield return Timed("cuDNN built for this CUDA", CheckCuDnnCuda);
            yield return Timed("cuDNN sub-libraries", CheckSubLibraries);
            yield return Timed("cuDNN convolution on the GPU", CheckConvolution);
            yield return Timed("cuBLAS", CheckCuBlas);
            yield return Timed("Single copy of each library", CheckCopies);
            yield return Timed("GPUs supported by CUDA and cuDNN", CheckComputeCapability);
            yield return Timed("cuBLAS SGEMM on the GPU", CheckSgemm);
            yield return Timed("PyTorch", CheckPyTorch);
        }

        /// <summary>Every failed check's remedy, for an error record's RecommendedAction.</summary>
        public static string CombinedRemedy(IEnumerable<InstallCheck> checks) =>
            string.Join(" | ", checks.Where(c => c.Status == nameof(CheckStatus.Failed) && c.Name != "Verdict").Select(c => c.Name + ": " + c.Remedy));

        /// <summary>The one-line verdict over a set of checks: the worst status, and the counts.</summary>
        public static InstallCheck Verdict(IReadOnlyCollection<InstallCheck> checks)
        {
            int passed = checks.Count(c => c.Status == nameof(CheckStatus.Passed));
            int warnings = checks.Count(c => c.Status == nameof(CheckStatus.Warning));
            int failed = checks.Count(c => c.Status == nameof(CheckStatus.Failed));
            int skipped = checks.Count(c => c.Status == nameof(CheckStatus.Skipped));
            CheckStatus worst = failed > 0 ? CheckStatus.Failed : warnings > 0 ? CheckStatus.Warning : CheckStatus.Passed;
            string words = failed > 0 ? "CUDA/cuDNN are NOT ready: fix the failed checks" : warnings > 0 ? "CUDA/cuDNN work, with warnings" : "CUDA/cuDNN are installed, compatible and working";
            return new InstallCheck
            {
                Name = "Verdict",
                Status = worst.ToString(),
                Detail = $"{words} ({passed} passed, {warnings} warning(s), {failed} failed, {skipped} skipped).",
                Remedy = failed > 0 ? "Fix the failed checks above, first to last: later checks often fail because of earlier ones." : null,
            };
        }

        private InstallCheck Timed(string name, Func<InstallCheck> check)
        {
            _cancel.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            InstallCheck result;
            try
            {
                result = check();
            }
            catch (Exception e) when (!(e is OutOfMemoryException) && !(e is StackOverflowException) && !(e is OperationCanceledException && _cancel.IsCancellationRequested))
            {
                // A check that breaks in an unforeseen way is a failed check, never a crashed command.
                result = Result(CheckStatus.Failed, e.Message, "Run Test-CuDnnInstall -Verbose and report this message; the checks after it may be skipped.");
            }

            result.Name = name;
            result.DurationMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
            return result;
        }

        private static InstallCheck Result(CheckStatus status, string? detail, string? remedy = null, string? path = null, string? version = null) =>
            new InstallCheck { Status = status.ToString(), Detail = detail, Remedy = remedy, Path = path, Version = version };

        private static InstallCheck Skipped(string reason) => Result(CheckStatus.Skipped, reason);

        private static string[] Searched(IReadOnlyList<ProbeAttempt> attempts) => attempts.Select(a => a.ToString()).ToArray();

        /// <summary>
        /// A library that could not be loaded: "not found" with the install remedy when nothing was there, or "found
        /// but could not be loaded" with the loader's own reason and a remedy for that file (replace it, or correct
        /// the override variable that points at it) when something was.
        /// </summary>
        private InstallCheck NotFound(NativeLibraryNotFoundException e, string installRemedy)
        {
            var check = new InstallCheck { Status = nameof(CheckStatus.Failed), Searched = Searched(e.Attempts) };
            ProbeAttempt refused = e.Unloadable;
            if (refused == null)
            {
                check.Detail = LibraryCandidates.DisplayName(e.Kind) + " was not found.";
                check.Remedy = installRemedy;
                return check;
            }

            check.Detail = $"{LibraryCandidates.DisplayName(e.Kind)} was found but could not be loaded: {refused.RefusedFile} ({refused.Origin}): {refused.Error}.";
            check.Path = refused.RefusedFile;
            check.Data["ErrorId"] = FailureClassifier.NativeLibraryLoadFailed;
            check.Remedy = RefusedFileRemedy(refused, e.Kind);
            return check;
        }

        private string RefusedFileRemedy(ProbeAttempt refused, NativeLibraryKind kind) => FailureClassifier.RefusedFileRemedy(refused, kind, _environment.IsWindows);

        private InstallCheck CheckDriver()
        {
            try
            {
                _driver = _runtime.Driver;
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, FailureClassifier.DriverInstallRemedy(_environment.IsWindows));
            }

            CudaResult init = _driver.cuInit();
            Nvml? nvml = _runtime.TryGetNvml(out _);
            if (nvml != null && nvml.nvmlSystemGetDriverVersion(out string? version) == NvmlReturn.NVML_SUCCESS) _driverVersion = version;
            _driverVersion = _driverVersion ?? HostFacts.ReadLinuxKernelModuleVersion();
            string? cuda = Units.CudaVersionText(_driver.DriverApiVersion);
            var check = Result(CheckStatus.Passed, $"Driver {_driverVersion ?? "(version unknown)"} at {_driver.LibraryPath}; it supports CUDA up to {cuda}.", null, _driver.LibraryPath, _driverVersion);
            check.Searched = Searched(_driver.Attempts);
            check.Data["DriverVersion"] = _driverVersion;
            check.Data["CudaDriverVersion"] = cuda;
            if (init != CudaResult.CUDA_SUCCESS && init != CudaResult.CUDA_ERROR_NO_DEVICE)
            {
                Failure? failure = FailureClassifier.Classify(_driver.CreateException(init, "cuInit"), _environment.IsWindows, _environment.GetVariable);
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += " But " + (failure?.Message ?? $"cuInit returned {init}.");
                check.Remedy = failure?.RecommendedAction;
                _driver = null;
            }

            return check;
        }

        private InstallCheck CheckGpus()
        {
            if (_driver == null) return Skipped("Needs a working NVIDIA driver.");
            DeviceInventory inventory;
            try
            {
                inventory = DeviceEnumerator.Enumerate(_runtime);
            }
            catch (CudaException e) when (e.Result == CudaResult.CUDA_ERROR_NO_DEVICE)
            {
                inventory = new DeviceInventory(0, Array.Empty<CudaDevice>(), Array.Empty<DeviceFailure>(), Array.Empty<string>());
            }

            _devices = inventory.Devices;
            if (_devices.Count == 0)
            {
                string? visible = _environment.GetVariable("CUDA_VISIBLE_DEVICES");
                return Result(CheckStatus.Failed, "The driver shows no GPU to this process" + (visible != null ? $" (CUDA_VISIBLE_DEVICES is '{visible}')." : "."),
                    visible != null ? "Unset CUDA_VISIBLE_DEVICES or set it to a GPU that nvidia-smi -L lists." : "Check that nvidia-smi lists a GPU; in a container, pass the GPUs in (docker run --gpus all).");
            }

            var check = Result(CheckStatus.Passed, string.Join("; ", _devices.Select(d => $"GPU {d.Index}: {d.Name}, compute capability {d.ComputeCapability}, {d.TotalMemory / 1073741824.0:0.0} GiB")) + ".");
            check.Data["Count"] = _devices.Count.ToString(CultureInfo.InvariantCulture);
            return check;
        }

        private InstallCheck CheckEnvironment()
        {
            var problems = new List<string>();
            var facts = new List<string>();
            foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            {
                string? value = _environment.GetVariable(variable);
                if (value == null) continue;
                facts.Add($"{variable}={value}");
                if (!_environment.DirectoryExists(value)) problems.Add($"{variable} points to {value}, which does not exist");
            }

            string pathVariable = _environment.IsWindows ? "PATH" : "LD_LIBRARY_PATH";
            string? searchPath = _environment.GetVariable(pathVariable);
            if (!Strings.IsNullOrEmpty(searchPath))
            {
                facts.Add($"{pathVariable} has {searchPath.Split(Path.PathSeparator).Length} entries");
                foreach (string entry in searchPath.Split(Path.PathSeparator).Where(e => e.Length > 0 && !_environment.DirectoryExists(e)))
                    problems.Add($"{pathVariable} entry {entry} does not exist");
            }

            // Entries that name the current directory: skipped by this module, but not by the libraries it loads.
            problems.AddRange(_environment.SearchPathWarnings().Select(w => w.TrimEnd('.')));

            // Entries that name the current directory: skipped by this module, but not by the libraries it loads.
            problems.AddRange(_environment.SearchPathWarnings().Select(w => w.TrimEnd('.')));

            string? visible = _environment.GetVariable("CUDA_VISIBLE_DEVICES");
            if (visible != null) facts.Add($"CUDA_VISIBLE_DEVICES={visible}");

            // The module's own overrides: each one replaces the whole search for its library, so a stale one
            // explains a "not found" that the standard places would not give.
            var overrides = new List<string>();
            foreach (NativeLibraryKind kind in (NativeLibraryKind[])Enum.GetValues(typeof(NativeLibraryKind)))
            {
                string variable = LibraryCandidates.OverrideVariable(kind);
                string? value = _environment.OverridePath(variable);
                if (value == null) continue;
                overrides.Add($"{variable}={value}");
                if (!_environment.FileSystem.FileExists(value) && !_environment.DirectoryExists(value)) problems.Add($"{variable} points to {value}, which does not exist");
            }

            if (overrides.Count > 0) facts.Add($"{overrides.Count} override(s), each the only file tried for its library: " + string.Join(", ", overrides));

            if (problems.Count == 0) return Result(CheckStatus.Passed, facts.Count == 0 ? "No CUDA environment variables set (none are needed)." : string.Join("; ", facts) + ".");
            var warning = Result(CheckStatus.Warning, string.Join("; ", problems) + "." + (facts.Count > 0 ? " Set: " + string.Join("; ", facts) + "." : string.Empty),
                $"Remove the entries that point nowhere (a stale {pathVariable} is how an old CUDA or cuDNN ends up loaded), or install what they name; remove a DLGPUTOOLS_*_PATH override that points nowhere.");
            return warning;
        }

        private InstallCheck CheckCudaRuntime(InstallCheckOptions options)
        {
            try
            {
                _cudart = _runtime.CudaRuntime;
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, _environment.IsWindows
                    ? @"Install the CUDA toolkit (its installer's Program Files\NVIDIA GPU Computing Toolkit\CUDA\vX.Y\bin\x64 or \bin is searched), or put the folder that holds cudart64_<major>.dll on PATH, or set $env:" + LibraryCandidates.CudaRuntimeOverrideVariable + " to that DLL; frameworks installed with pip carry their own runtime and do not need it."
                    : "Install the CUDA runtime (Ubuntu: sudo apt install cuda-cudart-13-0, or the whole toolkit), or set $env:" + LibraryCandidates.CudaRuntimeOverrideVariable + " to a libcudart.so.<major>.");
            }

            int encoded = _cudart.RuntimeVersion();
            _cudartVersion = encoded > 0 ? new Version(encoded / 1000, encoded % 1000 / 10) : null;
            var check = Result(CheckStatus.Passed, $"CUDA runtime {_cudartVersion} at {_cudart.LibraryPath}.", null, _cudart.LibraryPath, _cudartVersion?.ToString());
            check.Searched = Searched(_cudart.Attempts);
            ShadowedByBrokenCopy(check, _cudart);
            if (_cudartVersion == null) { check.Status = nameof(CheckStatus.Failed); check.Detail = $"cudaRuntimeGetVersion failed for {_cudart.LibraryPath}."; check.Remedy = "Reinstall the CUDA runtime."; }
            else if (options.MinimumCudaVersion != null && _cudartVersion < options.MinimumCudaVersion)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += $" The minimum asked for is {options.MinimumCudaVersion}.";
                check.Remedy = $"Install CUDA {options.MinimumCudaVersion} or newer (and a driver that supports it).";
            }

            return check;
        }

        private InstallCheck CheckDriverForRuntime()
        {
            if (_driver == null || _cudartVersion == null) return Skipped("Needs the driver and the CUDA runtime.");
            int driverMax = _driver.DriverApiVersion;
            var driverMaxVersion = new Version(driverMax / 1000, driverMax % 1000 / 10);
            var full = _compat.MinimumDriver(_cudartVersion.Major, _cudartVersion.Minor, _environment.IsWindows);
            string needs = full != null ? $"CUDA {_cudartVersion} needs driver {full.Value.Driver} or newer for full support ({full.Value.Source})." : string.Empty;
            if (driverMaxVersion >= _cudartVersion)
                return Result(CheckStatus.Passed, $"The driver supports CUDA up to {driverMaxVersion}; the runtime is {_cudartVersion}. {needs}".Trim());
            var minor = _compat.MinorVersionMinimum(_cudartVersion.Major, _environment.IsWindows);
            if (driverMaxVersion.Major == _cudartVersion.Major && minor != null && _driverVersion != null && CompatibilityTable.CompareDriverVersions(_driverVersion, minor.Value.Driver) >= 0)
            {
                return Result(CheckStatus.Warning,
                    $"The driver supports CUDA up to {driverMaxVersion}, older than the runtime {_cudartVersion}: it runs under CUDA minor-version compatibility (driver {_driverVersion} >= {minor.Value.Driver} for CUDA {_cudartVersion.Major}.x; {minor.Value.Source}). Newer PTX cannot be JIT-compiled and new features need a newer driver. {needs}",
                    full != null ? $"Update the driver to {full.Value.Driver} or newer for full CUDA {_cudartVersion} support." : "Update the driver to the branch of this CUDA release.");
            }

            return Result(CheckStatus.Failed,
                $"The driver supports CUDA up to {driverMaxVersion} but the runtime is {_cudartVersion}: programs fail with 'CUDA driver version is insufficient for CUDA runtime version'. {needs}",
                full != null ? $"Install NVIDIA driver {full.Value.Driver} or newer, or use a CUDA {driverMaxVersion.Major}.x build of your framework." : $"Install a driver that supports CUDA {_cudartVersion}.");
        }

        private InstallCheck CheckCuBlas()
        {
            try
            {
                _cublas = _runtime.CuBlas;
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, "Install cuBLAS from the CUDA toolkit (Ubuntu: sudo apt install libcublas-13-0) or set $env:" + LibraryCandidates.CuBlasOverrideVariable + ".");
            }

            var check = Result(CheckStatus.Passed, null, null, _cublas.LibraryPath);
            check.Searched = Searched(_cublas.Attempts);
            if (_driver == null || _devices.Count == 0)
            {
                check.Detail = $"cuBLAS at {_cublas.LibraryPath}; no handle created (needs a GPU).";
                check.Status = nameof(CheckStatus.Warning);
                check.Remedy = "Fix the driver and GPU checks first.";
                return check;
            }

            using (FunctionalChecks.DeviceScope.Enter(Context()))
            {
                _cublas.ThrowIfFailed(_cublas.cublasCreate(out IntPtr handle));
                try
                {
                    _cublas.ThrowIfFailed(_cublas.cublasGetVersion(handle, out int v));
                    check.Version = $"{v / 10000}.{v % 10000 / 100}.{v % 100}";
                }
                finally
                {
                    _cublas.cublasDestroy(handle);
                }
            }

            string lt = string.Empty;
            try
            {
                CuBlasLt cublasLt = _runtime.CuBlasLt;
                lt = $" cuBLASLt {cublasLt.VersionText} at {cublasLt.LibraryPath}.";
            }
            catch (NativeLibraryNotFoundException)
            {
                check.Status = nameof(CheckStatus.Warning);
                check.Remedy = "cuBLASLt (libcublasLt) is missing beside cuBLAS: reinstall cuBLAS.";
            }

            check.Detail = $"cuBLAS {check.Version} at {_cublas.LibraryPath}; a handle was created.{lt}";
            ShadowedByBrokenCopy(check, _cublas);
            if (_cudartVersion != null && check.Version != null && !check.Version.StartsWith(_cudartVersion.Major + ".", StringComparison.Ordinal))
            {
                check.Status = nameof(CheckStatus.Warning);
                check.Remedy = $"cuBLAS {check.Version} does not belong to CUDA {_cudartVersion.Major}.x: install the cuBLAS of your CUDA toolkit.";
            }

            return check;
        }

        private InstallCheck CheckCuDnn(InstallCheckOptions options)
        {
            try
            {
                _cudnn = _runtime.CuDnn;
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, _environment.IsWindows
                    ? @"Install cuDNN 9 for your CUDA major (NVIDIA's cuDNN installer) and put the folder that holds cudnn64_9.dll (C:\Program Files\NVIDIA\CUDNN\v9.x\bin\<CUDA version>, with \x64 in newer releases) on PATH, which is where programs and this check look, or set $env:" + LibraryCandidates.CuDnnOverrideVariable + " to that DLL."
                    : "Install cuDNN 9 for your CUDA major (Ubuntu, CUDA 13: sudo apt install libcudnn9-cuda-13), or set $env:" + LibraryCandidates.CuDnnOverrideVariable + " to a libcudnn.so.9.");
            }

            _cudnnVersion = CuDnnLibrary.DecodeVersion(_cudnn.Version);
            var check = Result(CheckStatus.Passed, $"cuDNN {_cudnnVersion} at {_cudnn.LibraryPath} (cudnnGetVersion {_cudnn.Version}).", null, _cudnn.LibraryPath, _cudnnVersion?.ToString());
            check.Searched = Searched(_cudnn.Attempts);
            check.Data["CudnnGetVersion"] = _cudnn.Version.ToString(CultureInfo.InvariantCulture);
            ShadowedByBrokenCopy(check, _cudnn);
            if (options.MinimumCudnnVersion != null && _cudnnVersion < options.MinimumCudnnVersion)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += $" The minimum asked for is {options.MinimumCudnnVersion}.";
                check.Remedy = $"Install cuDNN {options.MinimumCudnnVersion} or newer for your CUDA major.";
            }

            return check;
        }

        /// <summary>
        /// A copy the loader refused before the one that loaded. Found by the loader's own search (a name, a PATH
        /// entry, System32), it is what a program that loads the library by name gets: the check fails although
        /// this module, trying full paths further down the list, found a good copy. In a folder only this module
        /// looks in, it is a warning.
        /// </summary>
        private void ShadowedByBrokenCopy(InstallCheck check, ToolkitLibrary library)
        {
            ProbeAttempt refused = library.Attempts.FirstOrDefault(a => a.Outcome == ProbeOutcome.LoadFailed);
            if (refused == null) return;
            bool programsGetIt = refused.FoundByLoaderSearch;
            check.Detail += $" But a copy was found that could not be loaded: {refused.RefusedFile} ({refused.Origin}): {refused.Error}.";
            check.Data["ErrorId"] = FailureClassifier.NativeLibraryLoadFailed;
            if (programsGetIt)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += $" Programs that load {LibraryCandidates.DisplayName(library.Kind)} by name get that copy; this check went on with {library.LibraryPath}, loaded by full path.";
            }
            else if (check.Status == nameof(CheckStatus.Passed))
            {
                check.Status = nameof(CheckStatus.Warning);
            }

            check.Remedy = RefusedFileRemedy(refused, library.Kind);
        }

        private InstallCheck CheckCuDnnCuda()
        {
            if (_cudnn == null) return Skipped("Needs cuDNN.");
            long built = _cudnn.CudartVersion;
            var builtFor = new Version((int)(built / 1000), (int)(built % 1000 / 10));
            if (_cudartVersion == null) return Result(CheckStatus.Warning, $"cuDNN was built for CUDA {builtFor}; no CUDA runtime was found to compare with.", "Install the CUDA runtime of that major.");
            if (builtFor.Major == _cudartVersion.Major)
                return Result(CheckStatus.Passed, $"cuDNN was built for CUDA {builtFor} (cudnnGetCudartVersion {built}); the runtime found is {_cudartVersion}: same major.");
            return Result(CheckStatus.Failed, $"cuDNN was built for CUDA {builtFor} but the runtime found is {_cudartVersion}: a cuDNN for another CUDA major fails to load its kernels.",
                $"Install the cuDNN build for CUDA {_cudartVersion.Major} (Ubuntu: libcudnn9-cuda-{_cudartVersion.Major}) and remove the CUDA {builtFor.Major} one from the search path.");
        }

        /// <summary>
        /// Inspects the sub-libraries beside the loaded cuDNN from their files alone (present, readable, a 64-bit
        /// library for this machine, not truncated). Nothing is loaded: a library this process loads stays loaded,
        /// and cuDNN's later load-by-name would find it even where a user's program would not, so the convolution
        /// would prove only "works after our preload".
        /// Why not a child process: on users' machines the only child we could start is pwsh itself, re-importing
        /// the module (seconds, and a second copy of every library and context); running the convolution before
        /// anything of cuDNN's is loaded gives the same evidence in this process, and only file reads happen here.
        /// </summary>
        private InstallCheck CheckSubLibraries()
        {
            _unopenableSubLibraries.Clear();
            if (_cudnn == null || _cudnnVersion == null) return Skipped("Needs cuDNN.");
            string folder = Path.GetDirectoryName(_cudnn.LibraryPath);
            string[] names = CuDnnSubLibraries.Names(_cudnnVersion.Major, _environment.IsWindows);
            var missing = new List<string>();
            var broken = new List<string>();
            var brokenNames = new List<string>();
            var searched = new List<string>();
            foreach (string name in names)
            {
                _cancel.ThrowIfCancellationRequested();
                string path = Path.Combine(folder, name);
                if (!File.Exists(path) && !Directory.Exists(path)) { missing.Add(name); searched.Add($"{path}: no such file"); continue; }
                LibraryFileInspector.Verdict verdict = LibraryFileInspector.Inspect(path, _environment.IsArm64);
                if (!verdict.Usable)
                {
                    broken.Add($"{name} ({verdict.Problem})");
                    brokenNames.Add(name);
                }

                if (verdict.Problem != null && NotOpenable(path, out string? what)) _unopenableSubLibraries.Add($"{path} is {what}");
                searched.Add($"{path}: " + (verdict.Usable ? "looks sound" + (verdict.Soname != null ? $" (soname {verdict.Soname})" : string.Empty) : verdict.Problem));
            }

            var check = Result(CheckStatus.Passed, $"All {names.Length} cuDNN {_cudnnVersion.Major} sub-libraries are in {folder} and look sound (read from their files, not loaded: the convolution check lets cuDNN load them itself).");
            _subLibrariesComplete = missing.Count == 0 && broken.Count == 0;
            if (_subLibrariesComplete)
            {
                check.Searched = searched.ToArray();
                return check;
            }

            // cuDNN opens its sub-libraries by name, through the loader's search, not from its own folder (seen on an
            // H100: a lone main library, and one with a truncated libcudnn_ops beside it, both ran the convolution with
            // the system folder's copies). A sound copy found there at the same release is what a program gets too, so
            // the verdict is a warning; a damaged file beside the main library is still named, as the trap it is.
            {
                var elsewhere = new List<string>();
                var wrong = new List<string>();
                foreach (string name in missing.Concat(brokenNames))
                {
                    CuDnnSubLibraries.Found? found = CuDnnSubLibraries.FindElsewhere(name, _environment);
                    if (found == null) continue;
                    bool besideItself = string.Equals(Path.GetFullPath(found.Path), Path.GetFullPath(Path.Combine(folder, name)), StringComparison.Ordinal);
                    if (brokenNames.Contains(name) && (besideItself || !LibraryFileInspector.Inspect(found.Path, _environment.IsArm64).Usable)) continue;
                    searched.Add($"{name} by name through the loader's search: {found.Path}" + (found.Version != null ? $" (version {found.Version})" : " (no version in its file name)"));
                    if (found.Version != null && !CuDnnSubLibraries.SameRelease(found.Version, _cudnnVersion)) wrong.Add($"{name} from {found.Path} is version {found.Version}");
                    else elsewhere.Add($"{name} from {found.Path}" + (found.Version != null ? $" ({found.Version})" : string.Empty));
                }

                if (elsewhere.Count == missing.Count + brokenNames.Count)
                {
                    check.Searched = searched.ToArray();
                    check.Status = nameof(CheckStatus.Warning);
                    check.Detail = (missing.Count > 0 ? $"Not beside {_cudnn.LibraryPath}" : $"Damaged beside {_cudnn.LibraryPath}: {string.Join("; ", broken)}")
                        + $", but found by name where cuDNN {_cudnnVersion} looks (the loader's search): {string.Join("; ", elsewhere)}. A program gets the same ones; the convolution check shows they load.";
                    check.Remedy = broken.Count > 0
                        ? $"Works here, but replace or remove the damaged file(s) in {folder}: a program that puts {folder} on its library path loads them and fails, or crashes on a truncated one."
                        : $"Works, but one cuDNN is split over two folders: install the complete package into {folder}, or take {folder} off the library search path so the complete install is used.";
                    _subLibrariesComplete = true;
                    return check;
                }

                if (wrong.Count > 0)
                {
                    check.Searched = searched.ToArray();
                    check.Status = nameof(CheckStatus.Failed);
                    check.Detail = $"Missing beside {_cudnn.LibraryPath} ({_cudnnVersion}), and the loader's search finds another release: {string.Join("; ", wrong)}. cuDNN refuses sub-libraries of another version (CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH).";
                    check.Remedy = $"Install the complete cuDNN {_cudnnVersion} package into {folder}, or take {folder} off the library search path so one complete install is found.";
                    check.Data["Missing"] = string.Join(",", missing);
                    return check;
                }
            }

            check.Searched = searched.ToArray();
            check.Status = nameof(CheckStatus.Failed);
            check.Detail = (missing.Count > 0 ? $"Missing beside {_cudnn.LibraryPath}: {string.Join(", ", missing)}. " : string.Empty)
                + (broken.Count > 0 ? $"Present but not loadable: {string.Join("; ", broken)}." : string.Empty);
            check.Remedy = $"cuDNN {_cudnnVersion.Major} loads its sub-libraries by name when an operation first needs them; with some missing or damaged beside the main library, another copy's (or none) is used and operations fail with CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED. "
                + $"Install the complete cuDNN package into {folder}, or take {folder} off the library search path so the complete install is found.";
            check.Data["Missing"] = string.Join(",", missing);
            check.Data["Broken"] = string.Join(",", broken);
            return check;
        }

        /// <summary>Whether a path is something cuDNN's own open would block on or fail to read (a FIFO, a device, a socket).</summary>
        private static bool NotOpenable(string path, out string? what)
        {
            what = null;
            try
            {
                FileStatus status = FileStatus.Of(path);
                if (status.Kind == FileKind.Regular || status.Kind == FileKind.Missing || status.Kind == FileKind.Directory) return false;
                what = status.Describe();
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        private InstallCheck CheckCopies()
        {
            var folders = LibraryCopies.SearchFolders(_environment).ToList();
            var notes = new List<string>();
            var warnings = new List<string>();
            void Look(string fileName, ToolkitLibrary loaded)
            {
                if (loaded != null) folders.Insert(0, Path.GetDirectoryName(loaded.LibraryPath));
                var copies = LibraryCopies.Find(fileName, folders);
                if (copies.Count <= 1)
                {
                    if (copies.Count == 1) notes.Add($"{fileName}: one copy ({copies[0].RealPath})");
                    return;
                }

                string? loadedReal = loaded == null ? null : copies.FirstOrDefault(c => string.Equals(Path.GetFileName(c.Path), fileName, StringComparison.Ordinal) && Path.GetDirectoryName(c.Path) == Path.GetDirectoryName(loaded.LibraryPath))?.RealPath;
                warnings.Add($"{fileName}: {copies.Count} copies: " + string.Join("; ", copies.Select(c => c.RealPath + (c.Version != null ? $" ({c.Version})" : string.Empty) + (c.RealPath == loadedReal ? " <- this one loads here" : string.Empty))));
            }

            if (_cudnn != null) Look(Path.GetFileName(_cudnn.Attempts.Last(a => a.Loaded).Candidate), _cudnn);
            if (_cudart != null) Look(Path.GetFileName(_cudart.Attempts.Last(a => a.Loaded).Candidate), _cudart);
            if (warnings.Count == 0) return Result(CheckStatus.Passed, notes.Count == 0 ? "No cuDNN or CUDA runtime copies to compare." : string.Join("; ", notes) + ".");
            var check = Result(CheckStatus.Warning, string.Join(" | ", warnings) + ".",
                "Several copies are normal when a Python environment brings its own (PyTorch's pip cuDNN); each program loads one. If a program reports a cuDNN version mismatch, remove the older copy's folder from the library search path.");
            check.Searched = folders.Distinct().ToArray();
            return check;
        }

        private InstallCheck CheckComputeCapability()
        {
            if (_devices.Count == 0) return Skipped("Needs a visible GPU.");
            var problems = new List<string>();
            var facts = new List<string>();
            foreach (CudaDevice d in _devices)
            {
                double cc = d.ComputeCapabilityMajor + d.ComputeCapabilityMinor / 10.0;
                if (_cudartVersion != null && _compat.MinimumComputeCapability("CUDA", _cudartVersion) is var cuda && cuda != null)
                {
                    if (cc < cuda.Value.MinCc) problems.Add($"GPU {d.Index} ({d.Name}, {d.ComputeCapability}) is older than CUDA {_cudartVersion.Major} supports (>= {cuda.Value.MinCc:0.0}; {cuda.Value.Source})");
                    else facts.Add($"GPU {d.Index} {d.ComputeCapability} >= {cuda.Value.MinCc:0.0} for CUDA {_cudartVersion.Major}");
                }

                if (_cudnnVersion != null && _compat.MinimumComputeCapability("cuDNN", _cudnnVersion) is var dnn && dnn != null)
                {
                    if (cc < dnn.Value.MinCc) problems.Add($"GPU {d.Index} ({d.ComputeCapability}) is older than cuDNN {_cudnnVersion.Major}.{_cudnnVersion.Minor} supports (>= {dnn.Value.MinCc:0.0}; {dnn.Value.Source})");
                    else facts.Add($"{d.ComputeCapability} >= {dnn.Value.MinCc:0.0} for cuDNN {_cudnnVersion.Major}.{_cudnnVersion.Minor}");
                    long? max = _cudnn?.MaxDeviceVersion;
                    if (max is long m && m > 0 && d.ComputeCapabilityMajor * 100 + d.ComputeCapabilityMinor * 10 > m)
                        problems.Add($"GPU {d.Index} ({d.ComputeCapability}) is newer than this cuDNN knows (cudnnGetMaxDeviceVersion {m})");
                }
            }

            if (problems.Count == 0) return Result(CheckStatus.Passed, facts.Count == 0 ? "No CUDA runtime or cuDNN to compare with." : string.Join("; ", facts) + ".");
            return Result(CheckStatus.Failed, string.Join("; ", problems) + ".",
                "Use a CUDA and cuDNN release that still supports this GPU (for Maxwell, Pascal and Volta: CUDA 12.x and cuDNN 9.10 or older), or a newer cuDNN for a GPU newer than it knows.");
        }

        private InstallCheck CheckSgemm()
        {
            if (_driver == null || _devices.Count == 0 || _cublas == null) return Skipped("Needs a visible GPU and cuBLAS.");
            using (var device = FunctionalChecks.DeviceScope.Enter(Context()))
            {
                FunctionalChecks.Outcome o = FunctionalChecks.Sgemm(_driver, device, _cublas, 512, _cancel);
                InstallCheck check = Functional(o, "cuBLAS", FunctionalChecks.SgemmTolerance);
                if (check.Status == nameof(CheckStatus.Failed) && o.RelativeError < 1e-2)
                {
                    // Close to right but not strict FP32: the signature of TF32 (or another reduced-precision path).
                    check.Detail += " That is the error of TF32 or another reduced-precision path, not of strict FP32 (about 1e-7 to 1e-6).";
                    check.Remedy = "cuBLAS computed FP32 SGEMM with reduced precision although pedantic math was asked: check NVIDIA_TF32_OVERRIDE and CUBLAS_* environment variables, and reinstall cuBLAS for your CUDA major.";
                }

                return check;
            }
        }

        private InstallCheck CheckConvolution()
        {
            if (_driver == null || _devices.Count == 0 || _cudnn == null) return Skipped("Needs a visible GPU and cuDNN.");
            // cuDNN opens its sub-libraries itself, by name, at the first operation: a FIFO among them would block that
            // open for good (and Ctrl+C with it), so the check is not run and the sub-library check says why.
            if (_unopenableSubLibraries.Count > 0)
                return Result(CheckStatus.Failed, "Not run: " + string.Join("; ", _unopenableSubLibraries) + ", which cuDNN's own loader would block on or fail to read.",
                    "Replace it with the library file from the cuDNN package (reinstall cuDNN).");
            int major = _cudnnVersion?.Major ?? 9;
            try
            {
                using (var device = FunctionalChecks.DeviceScope.Enter(Context()))
                {
                    FunctionalChecks.Outcome o = FunctionalChecks.Convolution(_driver, device, _cudnn, _cancel);
                    return Functional(o, "cuDNN", FunctionalChecks.ConvolutionTolerance);
                }
            }
            catch (CuDnnException e) when (CuDnnStatusCodes.IsSubLibraryLoadingFailure(e.Status, major, e.ErrorText))
            {
                string folder = Path.GetDirectoryName(_cudnn.LibraryPath);
                string remedy = !_subLibrariesComplete
                    ? "cuDNN's sub-libraries are incomplete or damaged (see that check): install the complete cuDNN package."
                    : _environment.IsWindows
                        ? $"The sub-libraries are in {folder} but cuDNN's own loader did not find them: it loads them by name, so put {folder} on PATH (Python: os.add_dll_directory), then open a new PowerShell."
                        : $"The sub-libraries are in {folder} but cuDNN's own loader could not load them: check that their dependencies load (ldd {Path.Combine(folder, CuDnnSubLibraries.Names(major, false)[0])}) and that {folder} is on LD_LIBRARY_PATH or in the ld.so cache.";
                return Result(CheckStatus.Failed, e.Message + ". cuDNN loaded its sub-libraries itself, as a program would (this module loads none of them), and failed.", remedy);
            }
            catch (CuDnnException e)
            {
                return Result(CheckStatus.Failed, e.Message, "Reinstall cuDNN for your CUDA major; check that its version suits the GPU.");
            }
        }

        private static InstallCheck Functional(FunctionalChecks.Outcome o, string library, double tolerance)
        {
            var check = Result(CheckStatus.Passed, $"{o.Detail} on GPU 0: relative error {o.RelativeError:0.0E+0} (limit {tolerance:0E+0}), {o.Milliseconds:0} ms including setup.");
            check.Data["RelativeError"] = o.RelativeError.ToString("R", CultureInfo.InvariantCulture);
            if (double.IsNaN(o.RelativeError) || o.RelativeError > tolerance)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Remedy = $"The GPU computed a wrong result through {library}: reinstall the driver and {library}, and check nvidia-smi -q for ECC errors.";
            }

            return check;
        }

        private InstallCheck CheckPyTorch()
        {
            var torch = PythonEnvironments.FindTorch(PythonEnvironments.SitePackages(_environment));
            if (torch == null) return Skipped("No PyTorch found in the Python environments on PATH (checked without starting Python).");
            string where = $"PyTorch {torch.Version} in {torch.SitePackages}";
            if (torch.Problem != null)
                return Result(CheckStatus.Warning, $"PyTorch in {torch.SitePackages}: its torch/version.py was not read ({torch.Problem}), so the CUDA it was built for is unknown.",
                    "Reinstall PyTorch in that environment (pip install --force-reinstall torch with your CUDA index), or remove what replaced torch/version.py.");
            if (torch.Cuda == null)
                return Result(CheckStatus.Warning, where + " is a CPU-only build (torch.version.cuda is None): it will not use the GPU ('Torch not compiled with CUDA enabled').",
                    "Install a CUDA build of PyTorch (pip install torch --index-url <the CUDA index for your CUDA major>).");
            if (!Version.TryParse(torch.Cuda, out Version cuda))
                return Result(CheckStatus.Warning, $"{where} says it was built for CUDA '{torch.Cuda}', which is not a version.", "Reinstall PyTorch in that environment.");
            var check = Result(CheckStatus.Passed, $"{where}, built for CUDA {torch.Cuda}" + (torch.BundledCudnn != null ? $", with its own cuDNN {torch.BundledCudnn} (pip)" : string.Empty) + ".", null, torch.SitePackages, torch.Version);
            check.Data["TorchCuda"] = torch.Cuda;
            if (torch.BundledCudnn != null) check.Data["TorchCudnn"] = torch.BundledCudnn;
            var problems = new List<string>();
            if (_driver != null)
            {
                int max = _driver.DriverApiVersion;
                var driverMax = new Version(max / 1000, max % 1000 / 10);
                var minor = _compat.MinorVersionMinimum(cuda.Major, _environment.IsWindows);
                bool minorOk = driverMax.Major == cuda.Major && minor != null && _driverVersion != null && CompatibilityTable.CompareDriverVersions(_driverVersion, minor.Value.Driver) >= 0;
                if (driverMax < cuda && !minorOk) problems.Add($"the driver supports CUDA up to {driverMax}, older than this build's {torch.Cuda}");
            }

            string flavor = "cu" + torch.Cuda.Replace(".", string.Empty);
            var arch = _compat.PyTorchArchitectures(flavor);
            foreach (CudaDevice d in _devices)
            {
                double cc = d.ComputeCapabilityMajor + d.ComputeCapabilityMinor / 10.0;
                if (arch != null && (cc < arch.Value.Min || cc > arch.Value.Max))
                    problems.Add($"GPU {d.Index} ({d.ComputeCapability}) is outside the {flavor} wheels' range {arch.Value.Min:0.0}-{arch.Value.Max:0.0} ('no kernel image is available for execution on the device'; {arch.Value.Source})");
            }

            if (problems.Count > 0)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += " But " + string.Join("; ", problems) + ".";
                check.Remedy = "Install the PyTorch build for a CUDA your driver supports and that includes your GPU's architecture (see pytorch.org's install selector).";
            }
            else if (arch != null)
            {
                check.Detail += $" It suits this driver and the GPUs' compute capability ({flavor}: {arch.Value.Min:0.0}-{arch.Value.Max:0.0}).";
            }

            return check;
        }
    }
}
