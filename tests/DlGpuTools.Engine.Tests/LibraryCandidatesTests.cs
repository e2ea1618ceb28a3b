using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class LibraryCandidatesTests
    {
        private static ProbeEnvironment Env(bool windows = false, bool wsl = false, bool arm = false, Dictionary<string, string> vars = null)
        {
            vars = vars ?? new Dictionary<string, string>();
            return new ProbeEnvironment(windows, n => vars.TryGetValue(n, out string v) ? v : null, _ => false, wsl, arm);
        }

        [Fact]
        public void Linux_driver_is_tried_by_versioned_soname_first_then_known_folders()
        {
            var paths = LibraryCandidates.For(NativeLibraryKind.CudaDriver, Env()).Select(c => c.Path).ToList();
            Assert.Equal("libcuda.so.1", paths[0]);
            Assert.Contains("/usr/lib/wsl/lib/libcuda.so.1", paths);
            Assert.Contains("/usr/lib/x86_64-linux-gnu/libcuda.so.1", paths);
            Assert.Contains("/usr/local/nvidia/lib64/libcuda.so.1", paths);
            Assert.DoesNotContain(paths, p => p.EndsWith("libcuda.so"));
            Assert.All(paths.Skip(1), p => Assert.StartsWith("/", p));
        }

        [Fact]
        public void Wsl_puts_the_wsl_driver_folder_first()
        {
            var paths = LibraryCandidates.For(NativeLibraryKind.CudaDriver, Env(wsl: true)).Select(c => c.Path).ToList();
            Assert.Equal("/usr/lib/wsl/lib/libcuda.so.1", paths[0]);
            Assert.Equal("libcuda.so.1", paths[1]);
            Assert.Equal(paths.Count, paths.Distinct().Count());
        }

        [Fact]
        public void Arm64_uses_the_aarch64_multiarch_folder()
        {
            var paths = LibraryCandidates.For(NativeLibraryKind.Nvml, Env(arm: true)).Select(c => c.Path).ToList();
            Assert.Contains("/usr/lib/aarch64-linux-gnu/libnvidia-ml.so.1", paths);
            Assert.DoesNotContain("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", paths);
        }

        [Fact]
        public void Windows_loads_nvcuda_from_system32_by_absolute_path_and_nvml_from_system32_then_nvsmi()
        {
            var vars = new Dictionary<string, string> { ["SystemRoot"] = @"C:\Windows", ["ProgramW6432"] = @"C:\Program Files" };
            var driver = LibraryCandidates.For(NativeLibraryKind.CudaDriver, Env(windows: true, vars: vars)).Select(c => c.Path).ToList();
            Assert.Single(driver);
            Assert.EndsWith("nvcuda.dll", driver[0]);
            Assert.StartsWith(@"C:\Windows", driver[0]);
            var nvml = LibraryCandidates.For(NativeLibraryKind.Nvml, Env(windows: true, vars: vars)).Select(c => c.Path).ToList();
            Assert.Equal(2, nvml.Count);
            Assert.Contains("System32", nvml[0]);
            Assert.Contains("NVSMI", nvml[1]);
        }

        [Fact]
        public void Cublaslt_is_probed_newest_major_first_in_cuda_path_and_the_toolkit()
        {
            var vars = new Dictionary<string, string> { ["CUDA_PATH"] = "/opt/cuda-13.0" };
            var paths = LibraryCandidates.For(NativeLibraryKind.CuBlasLt, Env(vars: vars)).Select(c => c.Path).ToList();
            Assert.Equal("libcublasLt.so.13", paths[0]);
            Assert.Contains("/opt/cuda-13.0/lib64/libcublasLt.so.13", paths);
            Assert.Contains("/opt/cuda-13.0/targets/x86_64-linux/lib/libcublasLt.so.13", paths);
            Assert.Contains("/usr/local/cuda/lib64/libcublasLt.so.12", paths);
            Assert.True(paths.IndexOf("libcublasLt.so.13") < paths.IndexOf("libcublasLt.so.12"));
        }

        [Fact]
        public void Cublaslt_on_windows_looks_in_cuda_path_bin_x64_first()
        {
            var vars = new Dictionary<string, string> { ["CUDA_PATH"] = @"C:\CUDA\v13.0" };
            var paths = LibraryCandidates.For(NativeLibraryKind.CuBlasLt, Env(windows: true, vars: vars)).Select(c => c.Path).ToList();
            Assert.EndsWith("cublasLt64_13.dll", paths[0]);
            Assert.Contains("x64", paths[0]);
            Assert.Contains(paths, p => p.EndsWith("cublasLt64_12.dll"));
        }

        [Fact]
        public void Override_variable_is_the_only_candidate()
        {
            var vars = new Dictionary<string, string> { [LibraryCandidates.CudaDriverOverrideVariable] = " /opt/driver/libcuda.so.1 " };
            var candidates = LibraryCandidates.For(NativeLibraryKind.CudaDriver, Env(vars: vars));
            var only = Assert.Single(candidates);
            Assert.Equal("/opt/driver/libcuda.so.1", only.Path);
            Assert.Contains(LibraryCandidates.CudaDriverOverrideVariable, only.Origin);
        }
    }
}
