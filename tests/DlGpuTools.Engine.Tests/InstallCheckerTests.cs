using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Diagnostics.InstallChecks;
using DlGpuTools.Errors;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class CompatibilityTests
    {
        private static readonly CompatibilityTable Table = CompatibilityTable.BuiltIn;

        [Theory]
        [InlineData(13, 0, false, "580.65.06")]
        [InlineData(12, 8, false, "570.26")]
        [InlineData(12, 4, true, "551.61")]
        [InlineData(11, 8, false, "520.61.05")]
        public void Minimum_driver_per_cuda_release(int major, int minor, bool windows, string driver)
        {
            Assert.Equal(driver, Table.MinimumDriver(major, minor, windows)?.Driver);
            Assert.Contains("Release Notes", Table.MinimumDriver(major, minor, windows)?.Source);
        }

        [Fact]
        public void Minor_version_compatibility_ranges()
        {
            Assert.Equal("580", Table.MinorVersionMinimum(13, false)?.Driver);
            Assert.Equal("525.60.13", Table.MinorVersionMinimum(12, false)?.Driver);
            Assert.Null(Table.MinorVersionMinimum(10, false));
        }

        [Theory]
        [InlineData("CUDA", "13.0", 7.5)]
        [InlineData("CUDA", "12.8", 5.0)]
        [InlineData("CUDA", "11.8", 3.5)]
        [InlineData("cuDNN", "9.14.0", 7.5)]
        [InlineData("cuDNN", "9.10.2", 5.0)]
        [InlineData("cuDNN", "8.9.7", 5.0)]
        [InlineData("cuDNN", "8.2.0", 3.5)]
        public void Oldest_compute_capability_per_release(string library, string version, double minimum)
        {
            Assert.Equal(minimum, Table.MinimumComputeCapability(library, Version.Parse(version))?.MinCc);
        }

        [Theory]
        [InlineData("580.159.04", "580.65.06", 1)]
        [InlineData("575.57.08", "580", -1)]
        [InlineData("580", "580", 0)]
        [InlineData("570.26", "570.124.06", -1)]
        public void Driver_versions_compare_numerically(string a, string b, int sign)
        {
            Assert.Equal(sign, Math.Sign(CompatibilityTable.CompareDriverVersions(a, b)));
        }

        [Theory]
        [InlineData(91400, "9.14.0")]
        [InlineData(90300, "9.3.0")]
        [InlineData(8904, "8.9.4")]
        [InlineData(7605, "7.6.5")]
        public void Cudnn_versions_decode_in_both_encodings(long value, string expected)
        {
            Assert.Equal(Version.Parse(expected), CuDnnLibrary.DecodeVersion(value));
        }

        [Fact]
        public void Cudnn_sub_library_names_per_major_and_os()
        {
            Assert.Contains("libcudnn_engines_runtime_compiled.so.9", CuDnnSubLibraries.Names(9, false));
            Assert.Equal(7, CuDnnSubLibraries.Names(9, false).Length);
            Assert.Contains("libcudnn_cnn_infer.so.8", CuDnnSubLibraries.Names(8, false));
            Assert.Contains("cudnn_graph64_9.dll", CuDnnSubLibraries.Names(9, true));
        }

        [Fact]
        public void Pytorch_wheel_architectures()
        {
            var cu130 = Table.PyTorchArchitectures("cu130");
            Assert.Equal(7.5, cu130?.Min);
            Assert.Equal(12.0, cu130?.Max);
            Assert.Null(Table.PyTorchArchitectures("cu999"));
        }
    }

    /// <summary>The whole chain against the fake driver, runtime, cuBLAS and cuDNN, healthy and broken on purpose.</summary>
    public sealed class InstallCheckerTests : FakeLibraryTest
    {
        private static List<InstallCheck> Run(Dictionary<string, string>? extra = null, InstallCheckOptions? options = null) =>
            Run(extra, options, null);

        /// <param name="remove">Variables to leave unset (for example the cuDNN override, to let the search run).</param>
        private static List<InstallCheck> Run(Dictionary<string, string>? extra, InstallCheckOptions? options, string[]? remove,
            Action<InstallCheck, CancellationTokenSource>? onEach = null)
        {
            string f = FakeLibraries.Directory;
            var vars = new Dictionary<string, string>
            {
                [LibraryCandidates.CudaDriverOverrideVariable] = FakeLibraries.CudaDriver,
                [LibraryCandidates.NvmlOverrideVariable] = FakeLibraries.Nvml,
                [LibraryCandidates.CuBlasLtOverrideVariable] = FakeLibraries.CuBlasLt,
                [LibraryCandidates.CudaRuntimeOverrideVariable] = Path.Combine(f, "libcudart.so.13"),
                [LibraryCandidates.CuBlasOverrideVariable] = Path.Combine(f, "libcublas.so.13"),
                [LibraryCandidates.CuDnnOverrideVariable] = Path.Combine(f, "cudnn", "libcudnn.so.9"),
                [LibraryCandidates.CpuBlasOverrideVariable] = Path.Combine(f, "blas", "openblas"),
                [NcclCandidates.OverrideVariable] = Path.Combine(f, "libnccl.so.2"),
                ["PATH"] = "/nonexistent-bin-folder-for-tests",
            };
            foreach (var pair in extra ?? new Dictionary<string, string>()) vars[pair.Key] = pair.Value;
            foreach (string name in remove ?? Array.Empty<string>()) vars.Remove(name);
            // No fixed scan roots: the machine's own cuDNN copies (a GPU box has several) stay out of the result.
            var env = new ProbeEnvironment(false, n => vars.TryGetValue(n, out string? v) ? v : null, ProbeFileSystem.Real, false, false,
                Array.Empty<string>());
            var runtime = new GpuRuntime(env, PlatformNativeLoader.Instance);
            using (var cancel = new CancellationTokenSource())
            {
                var checks = new List<InstallCheck>();
                foreach (InstallCheck check in new InstallChecker(runtime).Run(options ?? new InstallCheckOptions(), cancel.Token))
                {
                    checks.Add(check);
                    onEach?.Invoke(check, cancel);
                }

                checks.Add(InstallChecker.Verdict(checks));
                return checks;
            }
        }

        private static InstallCheck Check(List<InstallCheck> checks, string id) => checks.Single(c => c.Id == id);

        [FakeFact]
        public void A_healthy_install_passes_every_check_with_paths_and_versions()
        {
            var checks = Run();
            Assert.All(checks.Where(c => c.Id != "pytorch"),
                c => Assert.True(c.Status == "Passed", $"{c.Name}: {c.Status} {c.Detail} {c.Remedy}"));
            // cuDNN loaded its sub-libraries itself: none was in the process before its first load.
            Assert.Equal(0,
                FakeLibraries.Hook(Path.Combine(FakeLibraries.Directory, "cudnn", "libcudnn.so.9"), "fakecudnn_sublibs_preloaded"));
            Assert.All(Check(checks, "cudnn-sublibraries").Searched, line => Assert.Contains("looks sound (soname libfakecudnn_", line));
            Assert.Contains("FMA math", Check(checks, "cudnn-convolution").Detail);
            // The convolution runs before this module loads cuBLAS or cuBLASLt, which cuDNN needs and would then find by soname.
            Assert.True(checks.FindIndex(c => c.Id == "cudnn-convolution") < checks.FindIndex(c => c.Id == "cublas"));
            Assert.Equal("Skipped", Check(checks, "pytorch").Status);
            Assert.Equal("9.14.0", Check(checks, "cudnn").Version);
            Assert.EndsWith("cudnn/libcudnn.so.9", Check(checks, "cudnn").Path);
            Assert.Equal("13.1.0", Check(checks, "cublas").Version);
            Assert.Equal("13.0", Check(checks, "cuda-runtime").Version);
            Assert.Contains("relative error", Check(checks, "cudnn-convolution").Detail);
            Assert.Contains("SGEMM 512x512x512", Check(checks, "cublas-sgemm").Detail);
            Assert.NotEmpty(Check(checks, "cudnn").Searched);
            Assert.Equal(0, FakeLibraries.Hook(Path.Combine(FakeLibraries.Directory, "cudnn", "libcudnn.so.9"), "fakecudnn_live_objects"));
            Assert.Equal(0, FakeLibraries.Hook(Path.Combine(FakeLibraries.Directory, "libcublas.so.13"), "fakecublas_live_handles"));
            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        [FakeFact]
        public void Every_registered_check_runs_once_in_catalogue_order_under_its_id_and_todays_name()
        {
            var checks = Run();
            Assert.Equal(InstallCheckCatalogue.Registry.Ids.Append(InstallChecker.VerdictId), checks.Select(c => c.Id));
            // The names are what users and their scripts have read so far: the registry changes none of them.
            string[] names =
            {
                "NVIDIA driver", "GPUs", "Environment", "CUDA runtime", "Driver supports the CUDA runtime", "cuDNN",
                "cuDNN built for this CUDA", "cuDNN sub-libraries", "cuDNN convolution on the GPU", "cuBLAS", "Single copy of each library",
                "GPUs supported by CUDA and cuDNN", "cuBLAS SGEMM on the GPU", "PyTorch", "NCCL", "Verdict",
            };
            Assert.Equal(names, checks.Select(c => c.Name));
        }

        [Fact]
        public void The_catalogue_puts_every_check_after_what_it_needs_and_leaves_the_verdict_id_free()
        {
            var ids = InstallCheckCatalogue.Registry.Ids.ToList();
            Assert.DoesNotContain(InstallChecker.VerdictId, ids, StringComparer.OrdinalIgnoreCase);
            foreach (IInstallCheck check in InstallCheckCatalogue.Registry.All)
            {
                Assert.Matches("^[a-z][a-z0-9-]*$", check.Id);
                Assert.False(string.IsNullOrWhiteSpace(check.Description), check.Id);
                Assert.All(check.Needs, need => Assert.True(ids.IndexOf(need) < ids.IndexOf(check.Id), $"{check.Id} runs before {need}"));
            }

            // cuDNN must load cuBLAS(Lt) itself before this module does (see the cuBLAS check).
            Assert.True(ids.IndexOf("cudnn-convolution") < ids.IndexOf("cublas"));
        }

        [FakeFact]
        public void A_check_whose_needed_fact_is_missing_is_skipped_with_its_own_reason()
        {
            FakeLibraries.Configure("FAKECUDA_DEVICES=0");
            var checks = Run();
            Assert.Equal("Failed", Check(checks, "gpus").Status);
            Assert.Equal("Needs a visible GPU and cuDNN.", Check(checks, "cudnn-convolution").Detail);
            Assert.Equal("Skipped", Check(checks, "cublas-sgemm").Status);
            Assert.Equal("Needs a visible GPU.", Check(checks, "compute-capability").Detail);
            InstallCheck cublas = Check(checks, "cublas");
            Assert.Equal("Warning", cublas.Status);
            Assert.Contains("no handle created (needs a GPU)", cublas.Detail);
        }

        [FakeFact]
        public void Nccl_that_loads_passes_with_its_version_and_path()
        {
            FakeLibraries.Configure("FAKENCCL_VERSION=22105");
            InstallCheck nccl = Check(Run(), "nccl");
            Assert.True(nccl.Status == "Passed", nccl.Detail);
            Assert.Equal("2.21.5", nccl.Version);
            Assert.Equal(Path.Combine(FakeLibraries.Directory, "libnccl.so.2"), nccl.Path);
            Assert.Equal("22105", nccl.Data["NcclVersionCode"]);
            Assert.Contains("(ncclGetVersion 22105)", nccl.Detail);
        }

        [FakeFact]
        public void No_nccl_warns_where_gpus_could_use_it_and_is_skipped_on_one_gpu()
        {
            var none = new Dictionary<string, string> { [NcclCandidates.OverrideVariable] = "/nonexistent/libnccl.so.2" };
            InstallCheck two = Check(Run(none), "nccl");
            Assert.Equal("Warning", two.Status);
            Assert.Contains("No NCCL was found", two.Detail);
            Assert.Contains("2 GPU(s) are visible", two.Detail);
            Assert.Contains(two.Searched, s => s.Contains("/nonexistent/libnccl.so.2"));
            Assert.Contains("libnccl2", two.Remedy);
            FakeLibraries.Configure("FAKECUDA_DEVICES=1");
            InstallCheck one = Check(Run(none), "nccl");
            Assert.Equal("Skipped", one.Status);
            Assert.Equal("Passed", Check(Run(none), "gpus").Status);
        }

        [FakeFact]
        public void An_nccl_file_the_loader_refuses_fails_with_the_loaders_reason()
        {
            string text = Path.Combine(Path.GetTempPath(), "dlgpu-not-nccl-" + Guid.NewGuid().ToString("N") + ".so.2");
            File.WriteAllText(text, "This is a text file where NCCL was expected; it is long enough to hold an ELF header and more.\n");
            try
            {
                InstallCheck nccl = Check(Run(new Dictionary<string, string> { [NcclCandidates.OverrideVariable] = text }), "nccl");
                Assert.Equal("Failed", nccl.Status);
                string found = LibraryCandidates.DisplayName(NativeLibraryKind.Nccl) + " was found but could not be loaded: ";
                Assert.StartsWith(found + text, nccl.Detail);
                Assert.Equal(ErrorCatalogue.NativeLibraryLoadFailed.Id, nccl.Data["ErrorId"]);
                Assert.Contains("$env:" + NcclCandidates.OverrideVariable + " points at " + text, nccl.Remedy);
            }
            finally
            {
                File.Delete(text);
            }
        }

        [FakeFact]
        public void No_driver_fails_with_the_search_and_skips_what_needs_it()
        {
            var checks = Run(new Dictionary<string,
                string> { [LibraryCandidates.CudaDriverOverrideVariable] = "/nonexistent/libcuda.so.1" });
            InstallCheck driver = Check(checks, "driver");
            Assert.Equal("Failed", driver.Status);
            Assert.Contains(driver.Searched, s => s.Contains("/nonexistent/libcuda.so.1"));
            Assert.Equal("Skipped", Check(checks, "gpus").Status);
            Assert.Equal("Skipped", Check(checks, "cudnn-convolution").Status);
            Assert.Equal("Failed", checks.Last().Status);
        }

        [FakeFact]
        public void A_driver_too_old_for_the_runtime_names_the_driver_needed()
        {
            FakeLibraries.Configure("FAKECUDA_VERSION=12020");
            InstallCheck check = Check(Run(), "driver-supports-runtime");
            Assert.Equal("Failed", check.Status);
            Assert.Contains("supports CUDA up to 12.2 but the runtime is 13.0", check.Detail);
            Assert.Contains("580.65.06", check.Remedy);
        }

        [FakeFact]
        public void Minor_version_compatibility_is_a_warning()
        {
            FakeLibraries.Configure("FAKECUDART_VERSION=13010");
            InstallCheck check = Check(Run(), "driver-supports-runtime");
            Assert.Equal("Warning", check.Status);
            Assert.Contains("minor-version compatibility", check.Detail);
            Assert.Contains("590.44.01", check.Remedy);
        }

        [FakeFact]
        public void Cudnn_without_its_sub_libraries_names_them_and_fails_the_convolution()
        {
            var checks = Run(new Dictionary<string,
                string> { [LibraryCandidates.CuDnnOverrideVariable] = Path.Combine(FakeLibraries.Directory,
                    "cudnn-bare", "libcudnn.so.9") });
            InstallCheck subs = Check(checks, "cudnn-sublibraries");
            Assert.Equal("Failed", subs.Status);
            Assert.Contains("libcudnn_cnn.so.9", subs.Detail);
            Assert.Contains("libcudnn_engines_precompiled.so.9", subs.Detail);
            Assert.Contains("complete cuDNN package", subs.Remedy);
            InstallCheck conv = Check(checks, "cudnn-convolution");
            Assert.Equal("Failed", conv.Status);
            Assert.Contains("SUBLIBRARY_LOADING_FAILED", conv.Detail);
        }

        [FakeFact]
        public void Cudnn_built_for_another_cuda_major_fails()
        {
            FakeLibraries.Configure("FAKECUDNN_CUDART=12080");
            InstallCheck check = Check(Run(), "cudnn-built-for-cuda");
            Assert.Equal("Failed", check.Status);
            Assert.Contains("built for CUDA 12.8 but the runtime found is 13.0", check.Detail);
        }

        [FakeFact]
        public void Two_cudnn_copies_are_a_warning_that_names_the_one_that_loads()
        {
            string bare = Path.Combine(FakeLibraries.Directory, "cudnn-bare"), full = Path.Combine(FakeLibraries.Directory, "cudnn");
            var checks = Run(new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = full + ":" + bare });
            InstallCheck copies = Check(checks, "library-copies");
            Assert.Equal("Warning", copies.Status);
            Assert.Contains("2 copies", copies.Detail);
            Assert.Contains(full + "/libcudnn.so.9 (9) <- this one loads here", copies.Detail);
        }

        [FakeFact]
        public void A_search_path_entry_that_points_nowhere_is_a_warning()
        {
            InstallCheck env = Check(Run(new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = "/nonexistent/cuda/lib64" }),
                "environment");
            Assert.Equal("Warning", env.Status);
            Assert.Contains("/nonexistent/cuda/lib64 does not exist", env.Detail);
        }

        [FakeFact]
        public void A_relative_search_path_entry_is_warned_about_once()
        {
            InstallCheck env = Check(Run(new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = "relative/lib" }), "environment");
            Assert.Equal("Warning", env.Status);
            string once = "entry 'relative/lib' is a relative folder";
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(Must.Exist(env.Detail), once));
        }

        [FakeFact]
        public void Minimum_versions_turn_an_older_install_into_a_failure()
        {
            var checks = Run(
                options: new InstallCheckOptions { MinimumCudaVersion = new Version(13, 2), MinimumCudnnVersion = new Version(9, 19) });
            Assert.Equal("Failed", Check(checks, "cuda-runtime").Status);
            Assert.Equal("Failed", Check(checks, "cudnn").Status);
            Assert.Contains("minimum asked for is 9.19", Check(checks, "cudnn").Detail);
        }

        [FakeFact]
        public void A_wrong_sgemm_fails_the_functional_check()
        {
            FakeLibraries.Configure("FAKECUBLAS_WRONG=1");
            InstallCheck check = Check(Run(), "cublas-sgemm");
            Assert.Equal("Failed", check.Status);
            Assert.Contains("wrong result", check.Remedy);
        }

        [FakeFact]
        public void Hidden_gpus_fail_with_the_cuda_visible_devices_hint()
        {
            FakeLibraries.Configure("FAKECUDA_DEVICES=0");
            InstallCheck gpus = Check(Run(new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = "" }), "gpus");
            Assert.Equal("Failed", gpus.Status);
            Assert.Contains("CUDA_VISIBLE_DEVICES", gpus.Remedy);
        }

        [FakeFact]
        public void Strict_fp32_sgemm_fails_when_the_library_computes_in_tf32()
        {
            FakeLibraries.Configure("FAKECUBLAS_TF32=1");
            InstallCheck check = Check(Run(), "cublas-sgemm");
            Assert.Equal("Failed", check.Status);
            double error = double.Parse(Must.Exist(check.Data["RelativeError"]), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(error, 2e-5, 1e-2); // TF32's error, above the limit and far from a wrong result
            Assert.Contains("TF32", check.Detail);
        }

        [FakeFact]
        public void Strict_fp32_sgemm_passes_with_the_error_of_fp32()
        {
            InstallCheck check = Check(Run(), "cublas-sgemm");
            Assert.Equal("Passed", check.Status);
            Assert.True(double.Parse(Must.Exist(check.Data["RelativeError"]), System.Globalization.CultureInfo.InvariantCulture) < 1e-6,
                check.Detail);
            Assert.Contains("(limit 1E-5)", check.Detail);
        }

        [FakeFact]
        public void The_convolution_skips_algorithms_that_cannot_run_or_use_tensor_cores()
        {
            FakeLibraries.Configure("FAKECUDNN_PERF=mixed");
            InstallCheck check = Check(Run(), "cudnn-convolution");
            Assert.True(check.Status == "Passed", check.Detail);
            Assert.Contains("algorithm 1,", check.Detail);
            Assert.Contains("FMA math", check.Detail);
        }

        [FakeFact]
        public void A_truncated_sub_library_is_found_from_its_file_and_cudnns_own_load_fails()
        {
            string folder = CopyOfCudnn();
            try
            {
                string cnn = Path.Combine(folder, "libcudnn_cnn.so.9");
                using (var f = new FileStream(cnn, FileMode.Open)) f.SetLength(200);
                var checks = Run(new Dictionary<string,
                    string> { [LibraryCandidates.CuDnnOverrideVariable] = Path.Combine(folder, "libcudnn.so.9") });
                InstallCheck subs = Check(checks, "cudnn-sublibraries");
                Assert.Equal("Failed", subs.Status);
                Assert.Contains("libcudnn_cnn.so.9 (truncated: 200 bytes", subs.Detail);
                InstallCheck conv = Check(checks, "cudnn-convolution");
                Assert.Equal("Failed", conv.Status);
                Assert.Contains("CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED", conv.Detail);
                Assert.Contains("status 1008", conv.Detail);
                Assert.Contains("incomplete or damaged", conv.Remedy);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [FakeFact]
        public void An_override_pointing_at_a_text_file_is_found_but_not_loadable_with_a_remedy_for_the_variable()
        {
            string text = Path.Combine(Path.GetTempPath(), "dlgpu-not-cudnn-" + Guid.NewGuid().ToString("N") + ".so.9");
            File.WriteAllText(text, "This is a text file where the cuDNN library was expected; it is long enough to hold an ELF header.\n");
            try
            {
                var checks = Run(new Dictionary<string, string> { [LibraryCandidates.CuDnnOverrideVariable] = text });
                InstallCheck cudnn = Check(checks, "cudnn");
                Assert.Equal("Failed", cudnn.Status);
                Assert.StartsWith("cuDNN was found but could not be loaded: " + text, cudnn.Detail);
                Assert.Contains("invalid ELF header", cudnn.Detail); // the loader's own reason
                Assert.Contains("$env:" + LibraryCandidates.CuDnnOverrideVariable + " points at " + text, cudnn.Remedy);
                Assert.DoesNotContain("Install cuDNN", cudnn.Remedy);
                Assert.Equal(ErrorCatalogue.NativeLibraryLoadFailed.Id, cudnn.Data["ErrorId"]);
                Assert.Contains(LibraryCandidates.CuDnnOverrideVariable + "=" + text, Check(checks, "environment").Detail);
            }
            finally
            {
                File.Delete(text);
            }
        }

        [FakeFact]
        public void An_override_pointing_at_a_folder_is_found_but_not_loadable()
        {
            string folder = Path.Combine(FakeLibraries.Directory, "cudnn");
            InstallCheck cudnn = Check(Run(new Dictionary<string, string> { [LibraryCandidates.CuDnnOverrideVariable] = folder }), "cudnn");
            Assert.Equal("Failed", cudnn.Status);
            Assert.Contains("found but could not be loaded", cudnn.Detail);
            Assert.Contains("Is a directory", cudnn.Detail);
        }

        [FakeFact]
        public void A_broken_copy_before_a_good_one_is_named_with_its_remedy()
        {
            string root = Path.Combine(Path.GetTempPath(), "dlgpu-cuda-" + Guid.NewGuid().ToString("N"));
            string good = CopyOfCudnn();
            try
            {
                Directory.CreateDirectory(Path.Combine(root, "broken", "lib64"));
                Directory.CreateDirectory(Path.Combine(root, "good"));
                Directory.Move(good, Path.Combine(root, "good", "lib64"));
                string broken = Path.Combine(root, "broken", "lib64", "libcudnn.so.9");
                File.Copy(Path.Combine(FakeLibraries.Directory, "cudnn", "libcudnn.so.9"), broken);
                using (var f = new FileStream(broken, FileMode.Open)) f.SetLength(40); // shorter than an ELF header
                var checks = Run(new Dictionary<string, string> { ["CUDA_PATH"] = Path.Combine(root, "broken"),
                    ["CUDA_HOME"] = Path.Combine(root, "good") }, null,
                    new[] { LibraryCandidates.CuDnnOverrideVariable });
                InstallCheck cudnn = Check(checks, "cudnn");
                Assert.Equal(Path.Combine(root, "good", "lib64", "libcudnn.so.9"), cudnn.Path);
                Assert.Equal("Warning", cudnn.Status); // $env:CUDA_PATH is a folder only this module searches
                Assert.Contains("could not be loaded: " + broken, cudnn.Detail);
                Assert.Contains("truncated: 40 bytes, shorter than an ELF header", cudnn.Detail);
                Assert.StartsWith("Replace " + broken, cudnn.Remedy);
            }
            finally
            {
                Directory.Delete(root, true);
            }
        }

        [FakeFact]
        public void A_library_truncated_past_its_headers_is_refused_before_dlopen_which_would_crash_the_process()
        {
            // 4 KiB of a real library: headers intact, segments past the end. glibc's dlopen maps them and the
            // process dies of SIGBUS; the check must report it instead (this test host would die otherwise).
            string folder = CopyOfCudnn();
            try
            {
                string main = Path.Combine(folder, "libcudnn.so.9");
                using (var f = new FileStream(main, FileMode.Open)) f.SetLength(4096);
                InstallCheck cudnn = Check(Run(new Dictionary<string, string> { [LibraryCandidates.CuDnnOverrideVariable] = main }),
                    "cudnn");
                Assert.Equal("Failed", cudnn.Status);
                Assert.Contains("found but could not be loaded: " + main, cudnn.Detail);
                Assert.Contains("truncated: 4096 bytes, but", cudnn.Detail);
                Assert.Contains("not handed to the loader", cudnn.Detail);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [FakeFact]
        public void Every_active_override_is_listed_in_the_environment_check()
        {
            InstallCheck env = Check(Run(), "environment");
            Assert.Equal("Passed", env.Status);
            foreach (NativeLibraryKind kind in Enum.GetValues<NativeLibraryKind>())
                Assert.Contains(LibraryCandidates.OverrideVariable(kind) + "=", env.Detail);
            InstallCheck stale = Check(Run(new Dictionary<string,
                string> { [LibraryCandidates.CudaRuntimeOverrideVariable] = "/nonexistent/libcudart.so.13" }), "environment");
            Assert.Equal("Warning", stale.Status);
            Assert.Contains(LibraryCandidates.CudaRuntimeOverrideVariable + " points to /nonexistent/libcudart.so.13, which does not exist",
                stale.Detail);
        }

        [FakeFact]
        public void Cancelling_stops_between_checks_and_leaves_nothing_allocated()
        {
            var seen = new List<string>();
            Assert.ThrowsAny<OperationCanceledException>(() => Run(null, null, null, (check, cancel) =>
            {
                seen.Add(Must.Exist(check.Id));
                if (check.Id == "cudnn-sublibraries") cancel.Cancel();
            }));
            Assert.Equal("cudnn-sublibraries", seen.Last());
            Assert.DoesNotContain("cudnn-convolution", seen);
            Assert.Equal(0L, FakeLibraries.HookLong(FakeLibraries.CudaDriver, "fakecuda_live_bytes"));
        }

        /// <summary>A private copy of the complete fake cuDNN (main library and sub-libraries) in a new temporary folder.</summary>
        private static string CopyOfCudnn()
        {
            string folder = Path.Combine(Path.GetTempPath(), "dlgpu-cudnn-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            foreach (string file in Directory.GetFiles(Path.Combine(FakeLibraries.Directory, "cudnn")))
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            return folder;
        }

        [Fact]
        public void A_cpu_only_or_mismatched_pytorch_is_read_from_its_files()
        {
            string site = Path.Combine(Path.GetTempPath(), "dlgpu-site-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(site, "torch"));
            Directory.CreateDirectory(Path.Combine(site, "nvidia_cudnn_cu13-9.19.0.56.dist-info"));
            try
            {
                File.WriteAllText(Path.Combine(site, "torch", "version.py"),
                    "__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n");
                var torch = Must.Exist(PythonEnvironments.FindTorch(new[] { site }));
                Assert.Equal("2.11.0+cu130", torch.Version);
                Assert.Equal("13.0", torch.Cuda);
                Assert.Equal("9.19.0.56", torch.BundledCudnn);
                File.WriteAllText(Path.Combine(site, "torch", "version.py"), "__version__ = '2.11.0+cpu'\ncuda: Optional[str] = None\n");
                Assert.Null(Must.Exist(PythonEnvironments.FindTorch(new[] { site })).Cuda);
            }
            finally
            {
                Directory.Delete(site, true);
            }
        }
    }

    /// <summary>Library files judged from their bytes alone, never loaded.</summary>
    public sealed class LibraryFileInspectorTests
    {
        private static string Temp(byte[] bytes)
        {
            string path = Path.Combine(Path.GetTempPath(), "dlgpu-inspect-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(path, bytes);
            return path;
        }

        private static LibraryFileInspector.Verdict InspectBytes(byte[] bytes, bool arm64 = false)
        {
            string path = Temp(bytes);
            try
            {
                return LibraryFileInspector.Inspect(path, arm64);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [FakeFact]
        public void A_built_library_is_sound_and_its_soname_is_read()
        {
            var verdict = LibraryFileInspector.Inspect(Path.Combine(FakeLibraries.Directory, "cudnn", "libcudnn_cnn.so.9"), arm64: false);
            Assert.True(verdict.Usable, verdict.Problem);
            Assert.Equal("libfakecudnn_cnn.so.9", verdict.Soname);
        }

        [FakeFact]
        public void A_library_for_another_machine_or_truncated_is_not_usable()
        {
            byte[] real = File.ReadAllBytes(Path.Combine(FakeLibraries.Directory, "cudnn", "libcudnn_cnn.so.9"));
            Assert.Contains("needs 183 (AArch64)", InspectBytes(real, arm64: true).Problem);
            Assert.StartsWith("truncated: 40 bytes", InspectBytes(real.Take(40).ToArray()).Problem);
            Assert.StartsWith("truncated: 4000 bytes", InspectBytes(real.Take(4000).ToArray()).Problem);
            byte[] elf32 = (byte[])real.Clone();
            elf32[4] = 1;
            Assert.Contains("32-bit", InspectBytes(elf32).Problem);
        }

        [Fact]
        public void Text_empty_files_and_folders_are_not_libraries()
        {
            Assert.StartsWith("not a shared library", InspectBytes(System.Text.Encoding.ASCII.GetBytes("not an ELF file\n")).Problem);
            Assert.Equal("an empty file", InspectBytes(Array.Empty<byte>()).Problem);
            Assert.Equal("a folder, not a file", LibraryFileInspector.Inspect(Path.GetTempPath(), false).Problem);
        }

        [Fact]
        public void Windows_dlls_are_checked_for_pe32_plus_machine_and_section_bounds()
        {
            // A minimal PE32+ image: DOS header pointing at "PE\0\0" at 0x40, one section whose raw data ends at 0x200.
            var dll = new byte[0x200];
            dll[0] = (byte)'M'; dll[1] = (byte)'Z';
            dll[0x3C] = 0x40;
            dll[0x40] = (byte)'P'; dll[0x41] = (byte)'E';
            BitConverter.GetBytes((ushort)0x8664).CopyTo(dll, 0x44);
            BitConverter.GetBytes((ushort)1).CopyTo(dll, 0x46);
            BitConverter.GetBytes((ushort)0xF0).CopyTo(dll, 0x54);
            BitConverter.GetBytes((ushort)0x20B).CopyTo(dll, 0x58);
            int section = 0x58 + 0xF0;
            BitConverter.GetBytes(0x100u).CopyTo(dll, section + 16); // SizeOfRawData
            BitConverter.GetBytes(0x100u).CopyTo(dll, section + 20); // PointerToRawData
            Assert.True(InspectBytes(dll).Usable, InspectBytes(dll).Problem);
            Assert.Contains("needs 0xAA64", InspectBytes(dll, arm64: true).Problem);
            Assert.StartsWith("truncated: 400 bytes, but section 1 ends at byte 512", InspectBytes(dll.Take(400).ToArray()).Problem);
            byte[] pe32 = (byte[])dll.Clone();
            BitConverter.GetBytes((ushort)0x10B).CopyTo(pe32, 0x58);
            Assert.Equal("not a 64-bit (PE32+) DLL", InspectBytes(pe32).Problem);
        }
    }
}
