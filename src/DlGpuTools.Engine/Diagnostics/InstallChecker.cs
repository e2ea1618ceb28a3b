using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using DlGpuTools.Devices;
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

        private CudaDriver _driver;
        private string _driverVersion;
        private IReadOnlyList<CudaDevice> _devices = Array.Empty<CudaDevice>();
        private CudaRuntimeLibrary _cudart;
        private Version _cudartVersion;
        private CuBlasLibrary _cublas;
        private CuDnnLibrary _cudnn;
        private Version _cudnnVersion;
        private bool _subLibrariesComplete;

        public InstallChecker(GpuRuntime runtime, ProbeEnvironment environment, INativeLoader loader)
        {
            _runtime = runtime;
            _environment = environment;
            _loader = loader;
        }

        public IEnumerable<InstallCheck> Run(InstallCheckOptions options)
        {
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

        private DeviceContext _context;

        private IEnumerable<InstallCheck> RunChecks(InstallCheckOptions options)
        {
            yield return Timed("NVIDIA driver", CheckDriver);
            yield return Timed("GPUs", CheckGpus);
            yield return Timed("Environment", CheckEnvironment);
            yield return Timed("CUDA runtime", () => CheckCudaRuntime(options));
            yield return Timed("Driver supports the CUDA runtime", CheckDriverForRuntime);
            yield return Timed("cuBLAS", CheckCuBlas);
            yield return Timed("cuDNN", () => CheckCuDnn(options));
            yield return Timed("cuDNN built for this CUDA", CheckCuDnnCuda);
            yield return Timed("cuDNN sub-libraries", CheckSubLibraries);
            yield return Timed("Single copy of each library", CheckCopies);
            yield return Timed("GPUs supported by CUDA and cuDNN", CheckComputeCapability);
            yield return Timed("cuBLAS SGEMM on the GPU", CheckSgemm);
            yield return Timed("cuDNN convolution on the GPU", CheckConvolution);
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

        private static InstallCheck Timed(string name, Func<InstallCheck> check)
        {
            var watch = Stopwatch.StartNew();
            InstallCheck result;
            try
            {
                result = check();
            }
            catch (Exception e) when (!(e is OutOfMemoryException) && !(e is StackOverflowException))
            {
                // A check that breaks in an unforeseen way is a failed check, never a crashed command.
                result = Result(CheckStatus.Failed, e.Message, "Run Test-CuDnnInstall -Verbose and report this message; the checks after it may be skipped.");
            }

            result.Name = name;
            result.DurationMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1);
            return result;
        }

        private static InstallCheck Result(CheckStatus status, string detail, string remedy = null, string path = null, string version = null) =>
            new InstallCheck { Status = status.ToString(), Detail = detail, Remedy = remedy, Path = path, Version = version };

        private static InstallCheck Skipped(string reason) => Result(CheckStatus.Skipped, reason);

        private static string[] Searched(IReadOnlyList<ProbeAttempt> attempts) => attempts.Select(a => a.ToString()).ToArray();

        private InstallCheck NotFound(NativeLibraryNotFoundException e, string remedy) =>
            new InstallCheck { Status = nameof(CheckStatus.Failed), Detail = LibraryCandidates.DisplayName(e.Kind) + " was not found.", Remedy = remedy, Searched = Searched(e.Attempts) };

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
            Nvml nvml = _runtime.TryGetNvml(out _);
            if (nvml != null && nvml.nvmlSystemGetDriverVersion(out string version) == NvmlReturn.NVML_SUCCESS) _driverVersion = version;
            _driverVersion = _driverVersion ?? HostFacts.ReadLinuxKernelModuleVersion();
            string cuda = Units.CudaVersionText(_driver.DriverApiVersion);
            var check = Result(CheckStatus.Passed, $"Driver {_driverVersion ?? "(version unknown)"} at {_driver.LibraryPath}; it supports CUDA up to {cuda}.", null, _driver.LibraryPath, _driverVersion);
            check.Searched = Searched(_driver.Attempts);
            check.Data["DriverVersion"] = _driverVersion;
            check.Data["CudaDriverVersion"] = cuda;
            if (init != CudaResult.CUDA_SUCCESS && init != CudaResult.CUDA_ERROR_NO_DEVICE)
            {
                Failure failure = FailureClassifier.Classify(_driver.CreateException(init, "cuInit"), _environment.IsWindows, _environment.GetVariable);
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += " But " + failure.Message;
                check.Remedy = failure.RecommendedAction;
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
                string visible = _environment.GetVariable("CUDA_VISIBLE_DEVICES");
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
                string value = _environment.GetVariable(variable);
                if (value == null) continue;
                facts.Add($"{variable}={value}");
                if (!_environment.DirectoryExists(value)) problems.Add($"{variable} points to {value}, which does not exist");
            }

            string pathVariable = _environment.IsWindows ? "PATH" : "LD_LIBRARY_PATH";
            string searchPath = _environment.GetVariable(pathVariable);
            if (!string.IsNullOrEmpty(searchPath))
            {
                facts.Add($"{pathVariable} has {searchPath.Split(Path.PathSeparator).Length} entries");
                foreach (string entry in searchPath.Split(Path.PathSeparator).Where(e => e.Length > 0 && !_environment.DirectoryExists(e)))
                    problems.Add($"{pathVariable} entry {entry} does not exist");
            }

            string visible = _environment.GetVariable("CUDA_VISIBLE_DEVICES");
            if (visible != null) facts.Add($"CUDA_VISIBLE_DEVICES={visible}");
            if (problems.Count == 0) return Result(CheckStatus.Passed, facts.Count == 0 ? "No CUDA environment variables set (none are needed)." : string.Join("; ", facts) + ".");
            return Result(CheckStatus.Warning, string.Join("; ", problems) + ".", $"Remove the entries that point nowhere (a stale {pathVariable} is how an old CUDA or cuDNN ends up loaded), or install what they name.");
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
                    ? "Install the CUDA toolkit (or the runtime redistributable) and set CUDA_PATH; frameworks installed with pip carry their own runtime and do not need it."
                    : "Install the CUDA runtime (Ubuntu: sudo apt install cuda-cudart-13-0, or the whole toolkit), or set $env:" + LibraryCandidates.CudaRuntimeOverrideVariable + " to a libcudart.so.<major>.");
            }

            int encoded = _cudart.RuntimeVersion();
            _cudartVersion = encoded > 0 ? new Version(encoded / 1000, encoded % 1000 / 10) : null;
            var check = Result(CheckStatus.Passed, $"CUDA runtime {_cudartVersion} at {_cudart.LibraryPath}.", null, _cudart.LibraryPath, _cudartVersion?.ToString());
            check.Searched = Searched(_cudart.Attempts);
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

            using (Context().Enter())
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
                    ? "Install cuDNN 9 for your CUDA major (NVIDIA's cuDNN installer) and put its bin folder for your CUDA version on PATH, or set $env:" + LibraryCandidates.CuDnnOverrideVariable + "."
                    : "Install cuDNN 9 for your CUDA major (Ubuntu, CUDA 13: sudo apt install libcudnn9-cuda-13), or set $env:" + LibraryCandidates.CuDnnOverrideVariable + " to a libcudnn.so.9.");
            }

            _cudnnVersion = CuDnnLibrary.DecodeVersion(_cudnn.Version);
            var check = Result(CheckStatus.Passed, $"cuDNN {_cudnnVersion} at {_cudnn.LibraryPath} (cudnnGetVersion {_cudnn.Version}).", null, _cudnn.LibraryPath, _cudnnVersion?.ToString());
            check.Searched = Searched(_cudnn.Attempts);
            check.Data["CudnnGetVersion"] = _cudnn.Version.ToString(CultureInfo.InvariantCulture);
            if (options.MinimumCudnnVersion != null && _cudnnVersion < options.MinimumCudnnVersion)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Detail += $" The minimum asked for is {options.MinimumCudnnVersion}.";
                check.Remedy = $"Install cuDNN {options.MinimumCudnnVersion} or newer for your CUDA major.";
            }

            return check;
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

        private InstallCheck CheckSubLibraries()
        {
            if (_cudnn == null || _cudnnVersion == null) return Skipped("Needs cuDNN.");
            string folder = Path.GetDirectoryName(_cudnn.LibraryPath);
            string[] names = CuDnnSubLibraries.Names(_cudnnVersion.Major, _environment.IsWindows);
            var missing = new List<string>();
            var unloadable = new List<string>();
            foreach (string name in names)
            {
                string path = Path.Combine(folder, name);
                if (!File.Exists(path)) { missing.Add(name); continue; }
                NativeLibraryHandle handle = _loader.TryLoad(path, out string error);
                if (handle == null) unloadable.Add($"{name} ({error})");
                else handle.KeepLoaded();
            }

            var check = Result(CheckStatus.Passed, $"All {names.Length} cuDNN {_cudnnVersion.Major} sub-libraries are in {folder} and load.");
            check.Searched = names.Select(n => Path.Combine(folder, n)).ToArray();
            _subLibrariesComplete = missing.Count == 0 && unloadable.Count == 0;
            if (_subLibrariesComplete) return check;
            check.Status = nameof(CheckStatus.Failed);
            check.Detail = (missing.Count > 0 ? $"Missing beside {_cudnn.LibraryPath}: {string.Join(", ", missing)}. " : string.Empty)
                + (unloadable.Count > 0 ? $"Present but not loadable: {string.Join("; ", unloadable)}." : string.Empty);
            check.Remedy = $"cuDNN {_cudnnVersion.Major} loads its sub-libraries by name when an operation first needs them; with some missing beside the main library, another copy's (or none) is used and operations fail with CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED. "
                + $"Install the complete cuDNN package into {folder}, or take {folder} off the library search path so the complete install is found.";
            check.Data["Missing"] = string.Join(",", missing);
            return check;
        }

        private InstallCheck CheckCopies()
        {
            var folders = LibraryCopies.SearchFolders(_environment.GetVariable, _environment.IsWindows).ToList();
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

                string loadedReal = loaded == null ? null : copies.FirstOrDefault(c => string.Equals(Path.GetFileName(c.Path), fileName) && Path.GetDirectoryName(c.Path) == Path.GetDirectoryName(loaded.LibraryPath))?.RealPath;
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
            if (_devices.Count == 0 || _cublas == null) return Skipped("Needs a visible GPU and cuBLAS.");
            FunctionalChecks.Outcome o = FunctionalChecks.Sgemm(_driver, Context(), _cublas, 512);
            return Functional(o, "cuBLAS");
        }

        private InstallCheck CheckConvolution()
        {
            if (_devices.Count == 0 || _cudnn == null) return Skipped("Needs a visible GPU and cuDNN.");
            try
            {
                FunctionalChecks.Outcome o = FunctionalChecks.Convolution(_driver, Context(), _cudnn);
                return Functional(o, "cuDNN");
            }
            catch (CuDnnException e)
            {
                return Result(CheckStatus.Failed, e.Message,
                    _subLibrariesComplete ? "Reinstall cuDNN for your CUDA major; check that its version suits the GPU." : "cuDNN's sub-libraries are incomplete (see that check): install the complete cuDNN package.");
            }
        }

        private static InstallCheck Functional(FunctionalChecks.Outcome o, string library)
        {
            var check = Result(CheckStatus.Passed, $"{o.Detail} on GPU 0: relative error {o.RelativeError:0.0E+0} (limit {FunctionalChecks.Tolerance:0E+0}), {o.Milliseconds:0} ms including setup.");
            check.Data["RelativeError"] = o.RelativeError.ToString("R", CultureInfo.InvariantCulture);
            if (double.IsNaN(o.RelativeError) || o.RelativeError > FunctionalChecks.Tolerance)
            {
                check.Status = nameof(CheckStatus.Failed);
                check.Remedy = $"The GPU computed a wrong result through {library}: reinstall the driver and {library}, and check nvidia-smi -q for ECC errors.";
            }

            return check;
        }

        private InstallCheck CheckPyTorch()
        {
            var torch = PythonEnvironments.FindTorch(PythonEnvironments.SitePackages(_environment.GetVariable, _environment.IsWindows));
            if (torch == null) return Skipped("No PyTorch found in the Python environments on PATH (checked without starting Python).");
            string where = $"PyTorch {torch.Version} in {torch.SitePackages}";
            if (torch.Cuda == null)
                return Result(CheckStatus.Warning, where + " is a CPU-only build (torch.version.cuda is None): it will not use the GPU ('Torch not compiled with CUDA enabled').",
                    "Install a CUDA build of PyTorch (pip install torch --index-url <the CUDA index for your CUDA major>).");
            var cuda = Version.Parse(torch.Cuda);
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
