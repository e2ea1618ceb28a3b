using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Reports;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>Get-GpuReport's engine: environments found from files, variables filtered, host facts, Markdown.</summary>
    public sealed class ReportTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "dlgpu-report-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, true);
        }

        private string Make(params string[] parts)
        {
            string path = Path.Combine(new[] { _root }.Concat(parts).ToArray());
            Directory.CreateDirectory(Path.GetDirectoryName(path) ?? _root);
            return path;
        }

        private void File_(string text, params string[] parts) => File.WriteAllText(Make(parts), text);

        private void Dir(params string[] parts) => Directory.CreateDirectory(Path.Combine(new[] { _root }.Concat(parts).ToArray()));

        [Fact]
        public void Finds_venv_conda_and_pyenv_environments_and_their_frameworks_from_files()
        {
            // A venv with a CUDA build of torch, on PATH.
            File_("", "venv", "bin", "python3");
            File_("home = /usr/bin", "venv", "pyvenv.cfg");
            File_("__version__ = '2.5.1+cu124'\ncuda: Optional[str] = '12.4'\n", "venv", "lib", "python3.11", "site-packages", "torch", "version.py");
            Dir("venv", "lib", "python3.11", "site-packages", "torch-2.5.1+cu124.dist-info");
            // A conda environment with tensorflow, under the user's miniconda.
            Dir("home", "miniconda3", "conda-meta");
            Dir("home", "miniconda3", "lib", "python3.12", "site-packages");
            Dir("home", "miniconda3", "envs", "tf", "conda-meta");
            File_("build_info = {'cuda_version': '12.3', 'is_cuda_build': True}", "home", "miniconda3", "envs", "tf", "lib", "python3.10", "site-packages", "tensorflow", "python", "platform", "build_info.py");
            Dir("home", "miniconda3", "envs", "tf", "lib", "python3.10", "site-packages", "tensorflow-2.16.1.dist-info");
            // A pyenv version with jax and its CUDA 12 plugin; pyenv's shims on PATH hold no interpreter.
            Dir("home", ".pyenv", "versions", "3.12.1", "lib", "python3.12", "site-packages", "jax-0.4.30.dist-info");
            Dir("home", ".pyenv", "versions", "3.12.1", "lib", "python3.12", "site-packages", "jax_cuda12_plugin-0.4.30.dist-info");
            Dir("home", ".pyenv", "versions", "3.12.1", "lib", "python3.12", "site-packages", "jaxlib-0.4.30.dist-info");
            File_("#!/bin/sh", "home", ".pyenv", "shims", "python3");

            var vars = new Dictionary<string, string>
            {
                ["PATH"] = string.Join(":", Path.Combine(_root, "home", ".pyenv", "shims"), Path.Combine(_root, "venv", "bin")),
                ["HOME"] = Path.Combine(_root, "home"),
            };
            var found = new PythonEnvironmentScanner(n => vars.TryGetValue(n, out string? v) ? v : null, false).Find()
                .Where(e => e.Prefix.StartsWith(_root, StringComparison.Ordinal)).Select(PythonPackages.Read).ToList();

            var venv = Assert.Single(found, e => e.Kind == "venv");
            Assert.Equal(Path.Combine(_root, "venv"), venv.Prefix);
            Assert.Equal("3.11", venv.PythonVersion);
            Assert.Equal("2.5.1+cu124", venv.Torch);
            Assert.Equal("12.4", venv.TorchCuda);

            var tf = Assert.Single(found, e => (e.Prefix ?? string.Empty).EndsWith(Path.Combine("envs", "tf"), StringComparison.Ordinal));
            Assert.Equal("conda", tf.Kind);
            Assert.Equal("2.16.1", tf.TensorFlow);
            Assert.Equal("12.3", tf.TensorFlowCuda);
            Assert.Contains(found, e => e.Kind == "conda" && e.Prefix == Path.Combine(_root, "home", "miniconda3") && !e.HasFramework);

            var jax = Assert.Single(found, e => e.Kind == "pyenv");
            Assert.Equal("0.4.30", jax.Jax);
            Assert.Equal("CUDA 12", jax.JaxCuda);
            Assert.DoesNotContain(found, e => (e.Prefix ?? string.Empty).Contains("shims"));
        }

        [Fact]
        public void A_cpu_only_torch_says_so()
        {
            File_("__version__ = '2.5.1+cpu'\ncuda: Optional[str] = None\n", "env", "lib", "python3.11", "site-packages", "torch", "version.py");
            var report = PythonPackages.Read(new PythonEnvironmentLocation("venv", Path.Combine(_root, "env"), new[] { Path.Combine(_root, "env", "lib", "python3.11", "site-packages") }));
            Assert.Equal("CPU only", report.TorchCuda);
        }

        [Fact]
        public void Only_cuda_nvidia_cudnn_and_module_variables_and_the_search_path_are_reported_and_secrets_are_hidden()
        {
            var all = new Hashtable
            {
                ["CUDA_HOME"] = "/usr/local/cuda",
                ["NVIDIA_VISIBLE_DEVICES"] = "all",
                ["NVIDIA_API_KEY"] = "nvapi-123",
                ["CUDNN_PATH"] = "/opt/cudnn",
                ["DLGPUTOOLS_NVML_PATH"] = "/x/libnvidia-ml.so.1",
                ["LD_LIBRARY_PATH"] = "/usr/local/cuda/lib64",
                ["PATH"] = "/usr/bin",
                ["HOME"] = "/root",
                ["AWS_SECRET_ACCESS_KEY"] = "abc",
                ["HF_TOKEN"] = "hf_abc",
            };
            var linux = GpuReportBuilder.RelevantVariables(all, windows: false).ToDictionary(v => v.Name ?? string.Empty, v => v.Value);
            Assert.Equal(new[] { "CUDA_HOME", "CUDNN_PATH", "DLGPUTOOLS_NVML_PATH", "LD_LIBRARY_PATH", "NVIDIA_API_KEY", "NVIDIA_VISIBLE_DEVICES" }, linux.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.DoesNotContain("nvapi-123", linux.Values);
            Assert.Equal("all", linux["NVIDIA_VISIBLE_DEVICES"]);

            var windows = GpuReportBuilder.RelevantVariables(all, windows: true).Select(v => v.Name).ToList();
            Assert.Contains("PATH", windows);
            Assert.DoesNotContain("LD_LIBRARY_PATH", windows);
        }

        [Fact]
        public void Containers_and_wsl_are_recognised_by_the_marks_they_leave()
        {
            Func<string, string?> none = _ => null;
            Assert.Null(HostEnvironment.Container(none, _root + "/"));
            File_("", ".dockerenv");
            Assert.Equal("docker", HostEnvironment.Container(none, _root + "/"));
            File.Delete(Path.Combine(_root, ".dockerenv"));
            File_("0::/kubepods/besteffort/pod123/abc\n", "proc", "1", "cgroup");
            Assert.Equal("kubernetes", HostEnvironment.Container(none, _root + "/"));
            Assert.Equal("kubernetes", HostEnvironment.Container(n => n == "KUBERNETES_SERVICE_HOST" ? "10.0.0.1" : null, "/nonexistent/"));

            File_("Linux version 5.15.167.4-microsoft-standard-WSL2 (root@x) #1 SMP", "proc", "version");
            Assert.True(HostEnvironment.IsWsl(none, Path.Combine(_root, "proc", "version")));
            File_("Linux version 6.8.0-45-generic (buildd@lcy02) #45-Ubuntu SMP", "proc", "version");
            Assert.False(HostEnvironment.IsWsl(none, Path.Combine(_root, "proc", "version")));
            Assert.True(HostEnvironment.IsWsl(n => n == "WSL_DISTRO_NAME" ? "Ubuntu" : null, Path.Combine(_root, "proc", "version")));
        }
    }

    /// <summary>The whole report against the fake driver and libraries.</summary>
    public sealed class ReportWithFakesTests : FakeLibraryTest
    {
        [FakeFact]
        public void A_report_over_the_fakes_has_the_gpus_and_libraries_and_renders_as_markdown()
        {
            ProbeEnvironment env = FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml);
            int contexts = FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations");
            GpuReport report = new GpuReportBuilder(new GpuRuntime(env, PlatformNativeLoader.Instance), env, () => new Hashtable { ["CUDA_VISIBLE_DEVICES"] = "0,1" })
                .Build("9.9.9", "7.6.9 (Core)");

            Assert.Equal(2, report.Gpus.Length);
            Assert.Equal("580.159.04", report.DriverVersion);
            Assert.Equal("13.0", report.CudaDriverVersion);
            LibraryReport driver = report.Libraries.Single(l => l.Name == "CUDA driver");
            Assert.Equal(FakeLibraries.CudaDriver, driver.Path);
            Assert.Equal("13.0", driver.Version);
            LibraryReport cublasLt = report.Libraries.Single(l => l.Name == "cuBLASLt");
            Assert.NotNull(cublasLt.Version);
            // cuDNN is not configured in this environment: reported as a problem, not an exception.
            Assert.Contains(report.Problems, p => p.StartsWith("cuDNN: not found; searched", StringComparison.Ordinal));
            Assert.Equal(contexts, FakeLibraries.Hook(FakeLibraries.CudaDriver, "fakecuda_context_creations"));

            string md = GpuReportMarkdown.Render(report);
            Assert.Contains("## GPU report (DlGpuTools 9.9.9)", md);
            Assert.Contains("| 0 | NVIDIA Fake H100 80GB HBM3 | 9.0 |", md);
            Assert.Contains("CUDA_VISIBLE_DEVICES=0,1", md);
            Assert.Contains("### Could not be read", md);
        }
    }
}

namespace DlGpuTools.Engine.Tests
{
    public sealed class TextWrapTests
    {
        [Xunit.Fact]
        public void Lines_break_at_spaces_and_inside_paths_after_a_folder_never_inside_a_number()
        {
            string text = "relative error 4.2E-7 (limit 1E-3), 506 ms including setup at /usr/local/cuda-13.0/targets/x86_64-linux/lib/libcudart.so.13.0.96.";
            string wrapped = DlGpuTools.TextWrap.Wrap(text, 30);
            foreach (string line in wrapped.Split('\n')) Xunit.Assert.True(line.Length <= 30, line);
            Xunit.Assert.Contains("506 ms", wrapped.Replace("\n", " "));
            Xunit.Assert.Contains("libcudart.so.13.0.96.", wrapped);
            // Nothing lost or added but the line breaks (and the spaces they replace).
            Xunit.Assert.Equal(text.Replace(" ", string.Empty), wrapped.Replace("\n", string.Empty).Replace(" ", string.Empty));
        }
    }
}
