using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class LibraryCandidatesTests
    {
        private static ProbeEnvironment Env(bool windows = false, bool wsl = false, bool arm = false,
            Dictionary<string, string>? vars = null)
        {
            vars = vars ?? new Dictionary<string, string>();
            return new ProbeEnvironment(windows, n => vars.TryGetValue(n, out string? v) ? v : null, _ => false, wsl, arm);
        }

        [Fact]
        public void Linux_driver_is_tried_by_versioned_soname_first_then_known_folders()
        {
            var paths = LibraryCandidates.For(NativeLibraryKind.CudaDriver, Env()).Select(c => c.Path).ToList();
            Assert.Equal("libcuda.so.1", paths[0]);
            Assert.Contains("/usr/lib/wsl/lib/libcuda.so.1", paths);
            Assert.Contains("/usr/lib/x86_64-linux-gnu/libcuda.so.1", paths);
            Assert.Contains("/usr/local/nvidia/lib64/libcuda.so.1", paths);
            Assert.DoesNotContain(paths, p => p.EndsWith("libcuda.so", StringComparison.Ordinal));
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
        public void Cublaslt_on_windows_looks_in_cuda_path_bin_x64_before_bin_and_newest_major_first()
        {
            var vars = new Dictionary<string, string> { ["CUDA_PATH"] = @"C:\CUDA\v13.0" };
            var paths = LibraryCandidates.For(NativeLibraryKind.CuBlasLt, Env(windows: true, vars: vars)).Select(c => c.Path).ToList();
            // After the loader's own search order (System32, the Windows folder, PATH), CUDA 13's bin\x64 comes before bin.
            var inCudaPath = paths.Where(p => p.StartsWith(@"C:\CUDA\v13.0", StringComparison.Ordinal)).ToList();
            Assert.Equal(@"C:\CUDA\v13.0\bin\x64\cublasLt64_13.dll", inCudaPath[0]);
            Assert.Equal(@"C:\CUDA\v13.0\bin\cublasLt64_13.dll", inCudaPath[1]);
            Assert.True(paths.FindLastIndex(p => p.EndsWith("cublasLt64_13.dll", StringComparison.Ordinal)) < paths.FindIndex(p =>
                p.EndsWith("cublasLt64_12.dll", StringComparison.Ordinal)));
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

        /// <summary>A described folder tree: folders (with all their parents) and files, with one separator.</summary>
        private sealed class FakeTree
        {
            private readonly HashSet<string> _folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            private readonly HashSet<string> _files = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            private readonly char _separator;

            public FakeTree(char separator, params string[] files)
            {
                _separator = separator;
                foreach (string file in files)
                {
                    _files.Add(file);
                    for (int i = file.LastIndexOf(separator); i > 0; i = file.LastIndexOf(separator, i - 1))
                        _folders.Add(file.Substring(0, i));
                }
            }

            public ProbeFileSystem FileSystem => new ProbeFileSystem(_files.Contains, _folders.Contains, (root, pattern) =>
            {
                var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase);
                string prefix = root.TrimEnd(_separator) + _separator;
                return _folders.Where(f => f.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                    && f.IndexOf(_separator, prefix.Length) < 0 && regex.IsMatch(f.AsSpan(prefix.Length))).ToList();
            });
        }

        private static ProbeEnvironment Described(bool windows, FakeTree tree, Dictionary<string, string> vars, bool wsl = false) =>
            new ProbeEnvironment(windows, n => vars.TryGetValue(n, out string? v) ? v : null, tree.FileSystem, wsl,
                false, Array.Empty<string>());

        [Fact]
        public void Windows_cudnn_is_looked_for_in_the_loader_order_then_every_install_layout_newest_first()
        {
            var tree = new FakeTree('\\',
                @"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v12.8\bin\cudart64_12.dll",
                @"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.0\bin\x64\cudart64_13.dll",
                @"C:\Program Files\NVIDIA\CUDNN\v9.7\bin\12.8\cudnn64_9.dll",
                @"C:\Program Files\NVIDIA\CUDNN\v9.14\bin\13.0\x64\cudnn64_9.dll",
                @"C:\Program Files\NVIDIA\CUDNN\v9.14\bin\12.9\x64\cudnn64_9.dll",
                @"C:\Program Files\NVIDIA\CUDNN\v8.9\bin\cudnn64_8.dll",
                @"C:\Python312\python.exe",
                @"C:\Python312\Lib\site-packages\nvidia\cudnn\bin\cudnn64_9.dll");
            var vars = new Dictionary<string, string>
            {
                ["SystemRoot"] = @"C:\Windows",
                ["ProgramW6432"] = @"C:\Program Files",
                ["PATH"] = @"C:\Tools;C:\Python312;",
                ["CONDA_PREFIX"] = @"C:\Miniconda3\envs\dl",
            };
            var candidates = LibraryCandidates.For(NativeLibraryKind.CuDnn, Described(true, tree, vars));
            var nine = candidates.Where(c => c.Path.EndsWith("cudnn64_9.dll", StringComparison.Ordinal)).Select(c => c.Path).ToList();
            // The standard DLL search order first: System32, the Windows folder, then PATH in its order.
            Assert.Equal(new[] { @"C:\Windows\System32\cudnn64_9.dll", @"C:\Windows\cudnn64_9.dll", @"C:\Tools\cudnn64_9.dll",
                @"C:\Python312\cudnn64_9.dll" }, nine.Take(4));
            Assert.Equal("$env:PATH entry 1", candidates.First(c => c.Path == @"C:\Tools\cudnn64_9.dll").Origin);
            // Then the installer's folders: cuDNN 9.14 before 9.7, CUDA 13.0 before 12.9, \x64 before the folder itself.
            int i914 = nine.IndexOf(@"C:\Program Files\NVIDIA\CUDNN\v9.14\bin\13.0\x64\cudnn64_9.dll");
            int i914b = nine.IndexOf(@"C:\Program Files\NVIDIA\CUDNN\v9.14\bin\12.9\x64\cudnn64_9.dll");
            int i97 = nine.IndexOf(@"C:\Program Files\NVIDIA\CUDNN\v9.7\bin\12.8\cudnn64_9.dll");
            Assert.True(i914 > 3 && i914 < i914b && i914b < i97, string.Join(Environment.NewLine, nine));
            Assert.Contains(@"C:\Program Files\NVIDIA\CUDNN\v8.9\bin\cudnn64_9.dll", nine);
            Assert.Contains(@"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.0\bin\x64\cudnn64_9.dll", nine);
            // pip (found through the python.exe on PATH) and conda.
            Assert.Contains(@"C:\Python312\Lib\site-packages\nvidia\cudnn\bin\cudnn64_9.dll", nine);
            Assert.Contains(@"C:\Miniconda3\envs\dl\Library\bin\cudnn64_9.dll", nine);
            Assert.True(i97 < nine.IndexOf(@"C:\Python312\Lib\site-packages\nvidia\cudnn\bin\cudnn64_9.dll"));
            // cuDNN 9 before cuDNN 8, each through the whole list.
            Assert.True(candidates.ToList().FindLastIndex(c =>
                c.Path.EndsWith("cudnn64_9.dll", StringComparison.Ordinal)) < candidates.ToList()
                .FindIndex(c => c.Path.EndsWith("cudnn64_8.dll", StringComparison.Ordinal)));
            Assert.Equal(candidates.Count, candidates.Select(c => c.Path).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }

        [Fact]
        public void Windows_toolkit_libraries_are_found_without_cuda_path_through_the_installer_folders_and_wheels()
        {
            var tree = new FakeTree('\\',
                @"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v12.8\bin\cublas64_12.dll",
                @"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.0\bin\x64\cublas64_13.dll",
                @"C:\venv\Lib\site-packages\nvidia\cu13\bin\x86_64\cublas64_13.dll");
            var vars = new Dictionary<string, string> { ["SystemRoot"] = @"C:\Windows", ["ProgramW6432"] = @"C:\Program Files",
                ["VIRTUAL_ENV"] = @"C:\venv", ["CUDA_PATH_V12_8"] = @"D:\CUDA\v12.8" };
            var paths = LibraryCandidates.For(NativeLibraryKind.CuBlas, Described(true, tree, vars)).Select(c => c.Path).ToList();
            int v13 = paths.IndexOf(@"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.0\bin\x64\cublas64_13.dll");
            int v12 = paths.IndexOf(@"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v12.8\bin\x64\cublas64_13.dll");
            Assert.True(v13 >= 0 && v13 < v12);
            Assert.Contains(@"D:\CUDA\v12.8\bin\cublas64_12.dll", paths);
            Assert.Contains(@"C:\venv\Lib\site-packages\nvidia\cu13\bin\x86_64\cublas64_13.dll", paths);
            Assert.Contains(@"C:\venv\Lib\site-packages\nvidia\cublas\bin\cublas64_13.dll", paths);
        }

        [Fact]
        public void Linux_toolkit_libraries_go_by_soname_first_then_toolkit_distro_and_conda_folders()
        {
            var tree = new FakeTree('/', "/usr/lib/x86_64-linux-gnu/libcudnn.so.9");
            var vars = new Dictionary<string, string> { ["CUDA_HOME"] = "/opt/cuda", ["CONDA_PREFIX"] = "/home/u/miniconda3/envs/dl" };
            var candidates = LibraryCandidates.For(NativeLibraryKind.CuDnn, Described(false, tree, vars));
            var paths = candidates.Select(c => c.Path).ToList();
            Assert.Equal("libcudnn.so.9", paths[0]);
            Assert.Contains("LD_LIBRARY_PATH", candidates[0].Origin);
            Assert.True(paths.IndexOf("/opt/cuda/lib64/libcudnn.so.9") < paths.IndexOf("/usr/lib/x86_64-linux-gnu/libcudnn.so.9"));
            Assert.Contains("/home/u/miniconda3/envs/dl/lib/libcudnn.so.9", paths);
            Assert.True(paths.IndexOf("/home/u/miniconda3/envs/dl/lib/libcudnn.so.9") < paths.IndexOf("libcudnn.so.8"));
            Assert.DoesNotContain(paths, p => p.Contains('\\'));
        }

        [Fact]
        public void Wsl_searches_toolkit_libraries_as_linux_does_and_the_driver_in_the_wsl_folder_first()
        {
            var tree = new FakeTree('/', "/usr/lib/wsl/lib/libcuda.so.1", "/usr/local/cuda/lib64/libcudart.so.13");
            var vars = new Dictionary<string, string>();
            var wsl = Described(false, tree, vars, wsl: true);
            var linux = Described(false, tree, vars, wsl: false);
            Assert.Equal(LibraryCandidates.For(NativeLibraryKind.CudaRuntime, linux).Select(c => c.Path),
                LibraryCandidates.For(NativeLibraryKind.CudaRuntime, wsl).Select(c => c.Path));
            Assert.Equal("/usr/lib/wsl/lib/libcuda.so.1", LibraryCandidates.For(NativeLibraryKind.CudaDriver, wsl)[0].Path);
        }

        [Fact]
        public void Wildcard_scan_roots_expand_against_the_described_tree_in_order()
        {
            var tree = new FakeTree('/', "/usr/local/cuda-13.0/lib64/libcudart.so.13", "/usr/local/cuda-12.8/lib64/libcudart.so.12",
                "/usr/local/cuda-12.8/bin/nvcc");
            Assert.Equal(new[] { "/usr/local/cuda-12.8/lib64", "/usr/local/cuda-13.0/lib64" },
                tree.FileSystem.Expand("/usr/local/cuda-*/lib64", '/'));
            Assert.Empty(tree.FileSystem.Expand("/opt/none-*/lib", '/'));
        }
    }
}
