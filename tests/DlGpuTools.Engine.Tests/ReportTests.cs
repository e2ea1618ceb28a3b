using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Diagnostics;
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
            File_("__version__ = '2.5.1+cu124'\ncuda: Optional[str] = '12.4'\n", "venv", "lib", "python3.11",
                "site-packages", "torch", "version.py");
            Dir("venv", "lib", "python3.11", "site-packages", "torch-2.5.1+cu124.dist-info");
            // A conda environment with tensorflow, under the user's miniconda.
            Dir("home", "miniconda3", "conda-meta");
            Dir("home", "miniconda3", "lib", "python3.12", "site-packages");
            Dir("home", "miniconda3", "envs", "tf", "conda-meta");
            File_("build_info = {'cuda_version': '12.3', 'is_cuda_build': True}", "home", "miniconda3", "envs", "tf", "lib", "python3.10",
                "site-packages", "tensorflow", "python", "platform", "build_info.py");
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
            File_("__version__ = '2.5.1+cpu'\ncuda: Optional[str] = None\n", "env", "lib", "python3.11",
                "site-packages", "torch", "version.py");
            var report = PythonPackages.Read(new PythonEnvironmentLocation("venv", Path.Combine(_root, "env"),
                new[] { Path.Combine(_root, "env", "lib", "python3.11", "site-packages") }));
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
            Assert.Equal(new[] { "CUDA_HOME", "CUDNN_PATH", "DLGPUTOOLS_NVML_PATH", "LD_LIBRARY_PATH", "NVIDIA_API_KEY",
                "NVIDIA_VISIBLE_DEVICES" }, linux.Keys.OrderBy(k => k, StringComparer.Ordinal));
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

    /// <summary>
    /// Files planted in a Python environment or where the host facts are read (a FIFO, a link to
    /// /dev/zero, a socket, a 2 MB file) must neither hang nor exhaust the report, and one environment that cannot be
    /// read must not end the others. Every call runs under a <see cref="Deadline"/>, so a regression fails, not hangs.
    /// </summary>
    public sealed class HostileReportFileTests : IDisposable
    {
        private readonly PlantedFiles _files = new PlantedFiles();

        public void Dispose() => _files.Dispose();

        private string SiteOf(string env)
        {
            string site = Path.Combine(_files.Root, env, "lib", "python3.11", "site-packages");
            Directory.CreateDirectory(site);
            return site;
        }

        private string Plant(string kind, string path)
        {
            switch (kind)
            {
                case "fifo": return _files.Fifo(path);
                case "dev-zero": return _files.LinkToDevZero(path);
                case "socket": return _files.Socket(path);
                // The quadratic pattern's worst case: 2 MB of "cuda:" took 20 s before; the size cap refuses it now.
                default: return _files.Big(path, "cuda:", 2 * 1024 * 1024);
            }
        }

        private static PythonEnvironmentReport ReadEnv(string prefix, string site) =>
            Deadline.Run("Reading the environment at " + prefix,
                () => PythonPackages.Read(new PythonEnvironmentLocation("venv", prefix, new[] { site })));

        [Theory]
        [InlineData("torch/version.py", "fifo")]
        [InlineData("torch/version.py", "dev-zero")]
        [InlineData("torch/version.py", "socket")]
        [InlineData("torch/version.py", "big")]
        [InlineData("tensorflow/python/platform/build_info.py", "fifo")]
        [InlineData("tensorflow/python/platform/build_info.py", "dev-zero")]
        [InlineData("tensorflow/python/platform/build_info.py", "socket")]
        [InlineData("tensorflow/python/platform/build_info.py", "big")]
        public void A_hostile_framework_file_is_not_read_and_the_environment_says_why(string file, string kind)
        {
            if (!PlantedFiles.Supported) return;
            string site = SiteOf("env");
            Directory.CreateDirectory(Path.Combine(site, "torch-2.5.1.dist-info"));
            Directory.CreateDirectory(Path.Combine(site, "tensorflow-2.16.1.dist-info"));
            Plant(kind, _files.PathOf(new[] { "env", "lib", "python3.11", "site-packages" }.Concat(file.Split('/')).ToArray()));

            PythonEnvironmentReport report = ReadEnv(Path.Combine(_files.Root, "env"), site);

            // The version still comes from the dist-info folder; only what the planted file would have said is unknown.
            Assert.Equal("2.5.1", report.Torch);
            Assert.Equal("2.16.1", report.TensorFlow);
            Assert.Null(file.StartsWith("torch", StringComparison.Ordinal) ? report.TorchCuda : report.TensorFlowCuda);
            string problem = Must.Exist(report.Problem);
            Assert.Contains(Path.GetFileName(file), problem);
            Assert.Contains(kind == "big" ? "more than" : kind == "socket" ? "socket" : kind == "fifo" ? "FIFO"
                : "character device", problem);
        }

        [Theory]
        [InlineData("__version__ = '2.5.1+cu124'\ncuda: Optional[str] = '12.4'\n", "2.5.1+cu124", "12.4")]
        [InlineData("__all__ = ['__version__', 'cuda']\r\n__version__ = \"2.6.0\"\r\ncuda: Optional[str] = None\r\nhip = '6.2'\r\n",
            "2.6.0", null)]
        [InlineData("  cuda = '11.8'\ncuda_version = 'not this'\n__version__='1.13.1'", "1.13.1", "11.8")]
        [InlineData("cuda == '12.1'\n__version__ = ''\n", null, null)]
        public void Torch_version_py_is_read_line_by_line(string text, string? version, string? cuda)
        {
            Assert.Equal(version, PythonSource.Assignment(text, "__version__"));
            Assert.Equal(cuda, PythonSource.Assignment(text, "cuda"));
        }

        [Theory]
        [InlineData("build_info = {'cuda_version': '12.3', 'is_cuda_build': True}", "12.3", "True")]
        [InlineData("build_info = {\n  'is_cuda_build' :\n False,\n 'cuda_version': ''}", "", "False")]
        [InlineData("'cuda_version' 'x', 'cuda_version': 12", null, null)]
        public void Tensorflow_build_info_is_read_by_key(string text, string? cuda, string? isCudaBuild)
        {
            Assert.Equal(cuda, PythonSource.DictString(text, "cuda_version"));
            Assert.Equal(isCudaBuild, PythonSource.DictWord(text, "is_cuda_build"));
        }

        [Theory]
        [InlineData("cuda:", "1.0")]
        [InlineData("cuda ", "1.0")]
        [InlineData("cuda: x", "1.0")]
        [InlineData("'cuda_version' ", "1.0")]
        [InlineData("__version__ = '", "__version__ = ")]
        public void Parsing_stays_linear_on_text_made_to_make_a_regex_backtrack(string unit, string version)
        {
            // 4 MB, beyond the file cap: the parser alone must not depend on the cap to finish (a backtracking
            // regex takes 20 s on 2 MB of "cuda:" and four times that on 4 MB).
            string text = new System.Text.StringBuilder().Insert(0, unit, 4 * 1024 * 1024 / unit.Length).ToString()
                + "\n__version__ = '1.0'";
            Assert.Equal(version, Deadline.Run("Assignment(__version__)", () => PythonSource.Assignment(text, "__version__")));
            Assert.Null(Deadline.Run("Assignment(cuda)", () => PythonSource.Assignment(text, "cuda")));
            Assert.Null(Deadline.Run("DictString()", () => PythonSource.DictString(text, "cuda_version")));
            Assert.Null(Deadline.Run("DictWord()", () => PythonSource.DictWord(text, "cuda_version")));
        }

        [Fact]
        public void One_environment_that_cannot_be_read_does_not_end_the_report_and_the_others_are_listed()
        {
            if (!PlantedFiles.Supported) return;
            // The active venv holds a socket where torch/version.py belongs; the active conda environment is sound.
            string bad = Path.Combine(_files.Root, "bad");
            _files.Socket(_files.PathOf("bad", "lib", "python3.11", "site-packages", "torch", "version.py"));
            string good = Path.Combine(_files.Root, "good");
            File.WriteAllText(_files.PathOf("good", "lib", "python3.12", "site-packages", "torch", "version.py"),
                "__version__ = '2.9.0+cu128'\ncuda: Optional[str] = '12.8'\n");
            Directory.CreateDirectory(Path.Combine(good, "conda-meta"));
            var vars = new Dictionary<string, string>
            {
                ["VIRTUAL_ENV"] = bad,
                ["CONDA_PREFIX"] = good,
                [LibraryCandidates.CudaDriverOverrideVariable] = "/nonexistent/libcuda.so.1",
                [LibraryCandidates.NvmlOverrideVariable] = "/nonexistent/libnvidia-ml.so.1",
                [LibraryCandidates.CudaRuntimeOverrideVariable] = "/nonexistent/libcudart.so.13",
                [LibraryCandidates.CuBlasOverrideVariable] = "/nonexistent/libcublas.so.13",
                [LibraryCandidates.CuBlasLtOverrideVariable] = "/nonexistent/libcublasLt.so.13",
                [LibraryCandidates.CuDnnOverrideVariable] = "/nonexistent/libcudnn.so.9",
            };
            var env = new ProbeEnvironment(false, n => vars.TryGetValue(n, out string? v) ? v : null, ProbeFileSystem.Real, false, false,
                Array.Empty<string>());

            GpuReport report = Deadline.Run("The report", () =>
                new GpuReportBuilder(new GpuRuntime(env, PlatformNativeLoader.Instance), env, () => new Hashtable()).Build("9.9.9", null));

            PythonEnvironmentReport sound = Assert.Single(report.PythonEnvironments, e => e.Prefix == good);
            Assert.Equal("2.9.0+cu128", sound.Torch);
            Assert.Equal("12.8", sound.TorchCuda);
            PythonEnvironmentReport broken = Assert.Single(report.PythonEnvironments, e => e.Prefix == bad);
            Assert.Contains("socket", Must.Exist(broken.Problem));
            Assert.Contains(report.Problems, p => p.Contains(bad) && p.Contains("socket"));
        }

        [Fact]
        public void Host_files_that_are_not_regular_files_are_neither_opened_nor_fatal()
        {
            if (!PlantedFiles.Supported) return;
            Func<string, string?> none = _ => null;
            // docker, podman and Kubernetes leave marks read as files; PID 1's cgroup is the last resort.
            _files.Fifo(_files.PathOf("proc", "1", "cgroup"));
            Assert.Null(Deadline.Run("Container() over a FIFO cgroup", () => HostEnvironment.Container(none, _files.Root + "/")));
            string version = _files.Fifo(_files.PathOf("proc", "version"));
            Assert.False(Deadline.Run("IsWsl() over a FIFO /proc/version", () => HostEnvironment.IsWsl(none, version)));
            string release = _files.LinkToDevZero(_files.PathOf("proc", "sys", "kernel", "osrelease"));
            Assert.Equal(Environment.OSVersion.Version.ToString(),
                Deadline.Run("Kernel() over /dev/zero", () => HostEnvironment.Kernel(release)));
            string driver = _files.Fifo(_files.PathOf("proc", "driver", "nvidia", "version"));
            Assert.Null(Deadline.Run("The kernel module's version over a FIFO", () => HostFacts.ReadLinuxKernelModuleVersion(driver)));
            string big = _files.Big(_files.PathOf("proc", "driver", "nvidia", "version2"),
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  ", 2 * 1024 * 1024);
            Assert.Null(Deadline.Run("The kernel module's version over 2 MB", () => HostFacts.ReadLinuxKernelModuleVersion(big)));

            // The real /proc files report length 0 but are regular: they are still read in full.
            if (File.Exists("/proc/sys/kernel/osrelease"))
                Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), HostEnvironment.Kernel());
        }
    }

    /// <summary>
    /// A report made for pasting in public shows no secret (in the object or the Markdown), shows
    /// the home folder as ~, and no value can break out of its Markdown block or cell.
    /// </summary>
    public sealed class ReportSecretTests
    {
        // Secrets whose names say nothing a TOKEN/KEY/SECRET/PASSWORD name test would catch: the values must be found.
        private static readonly string NgcKey = "nvapi-" + new string('Q', 20) + "7fA9" + new string('z', 40);
        private static readonly string Pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
        private static readonly string[] Secrets = { NgcKey, "hunter2-pass", "s3cr3t-pwd", "abc.def.ghi",
            "0123456789abcdef0123456789abcdef", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "sv=2024&sig=Zm9vYmFy", "correct-horse", "tok123",
            "ghp_" + new string('a', 36) };

        private static Hashtable HostileVariables() => new Hashtable
        {
            ["NVIDIA_NGC_PAT"] = NgcKey,
            ["NVIDIA_PASS"] = "hunter2-pass",
            ["CUDA_PWD"] = "s3cr3t-pwd",
            ["CUDNN_BEARER"] = "Bearer abc.def.ghi",
            ["NVIDIA_COOKIE"] = "session=0123456789abcdef0123456789abcdef",
            ["NVIDIA_PRIVATE_PEM"] = Pem,
            ["NVIDIA_SIG"] = "sv=2024&sig=Zm9vYmFy",
            // Allow-listed names whose values still carry a credential: the value is shown, the credential is not.
            ["CUDA_HOME"] = "https://alice:correct-horse@mirror.example/cuda?token=tok123",
            ["LD_LIBRARY_PATH"] = "/usr/local/cuda/lib64:/srv/ghp_" + new string('a', 36) + "/lib",
            ["CUDA_VISIBLE_DEVICES"] = "0,1",
            ["NVIDIA_DRIVER_CAPABILITIES"] = "compute,utility",
            ["DLGPUTOOLS_CUDNN_PATH"] = "/opt/cudnn/lib/libcudnn.so.9",
        };

        [Fact]
        public void Only_allow_listed_variables_show_a_value_and_no_value_carries_a_secret()
        {
            var reported = GpuReportBuilder.RelevantVariables(HostileVariables(), windows: false).ToDictionary(v => v.Name ?? string.Empty);

            Assert.Equal(HostileVariables().Count, reported.Count);
            foreach (EnvironmentVariableReport v in reported.Values)
            {
                foreach (string secret in Secrets) Assert.DoesNotContain(secret, v.Value ?? string.Empty);
                foreach (string secret in Secrets) Assert.DoesNotContain(secret, v.ToString());
            }

            foreach (string hidden in new[] { "NVIDIA_NGC_PAT", "NVIDIA_PASS", "CUDA_PWD", "CUDNN_BEARER", "NVIDIA_COOKIE",
                "NVIDIA_PRIVATE_PEM", "NVIDIA_SIG" })
            {
                Assert.True(reported[hidden].ValueHidden, hidden);
                Assert.Null(reported[hidden].Value);
                Assert.Equal(hidden + " (value hidden)", reported[hidden].ToString());
            }

            Assert.Equal("0,1", reported["CUDA_VISIBLE_DEVICES"].Value);
            Assert.Equal("compute,utility", reported["NVIDIA_DRIVER_CAPABILITIES"].Value);
            Assert.Equal("/opt/cudnn/lib/libcudnn.so.9", reported["DLGPUTOOLS_CUDNN_PATH"].Value);
            Assert.Equal("https://***@mirror.example/cuda?token=***", reported["CUDA_HOME"].Value);
            Assert.StartsWith("/usr/local/cuda/lib64:/srv/", reported["LD_LIBRARY_PATH"].Value, StringComparison.Ordinal);
        }

        [Fact]
        public void Markdown_shows_home_as_a_tilde_and_no_value_escapes_its_block_or_cell()
        {
            string? home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home) || home.Length < 2) return;
            var report = new GpuReport
            {
                ModuleVersion = "9.9.9",
                OperatingSystem = "Linux",
                Libraries = new[] { new LibraryReport { Name = "cuDNN", Version = "9.1.0",
                    Path = home + "/miniconda3/lib/libcudnn.so.9" } },
                PythonEnvironments = new[]
                {
                    new PythonEnvironmentReport { Kind = "venv", Prefix = home + "/projects/acme-secret/venv",
                        Torch = "2.5.1", TorchCuda = "12.4" },
                    // A folder name is anything but '/' and NUL: here an image, an HTML tag and a table pipe.
                    new PythonEnvironmentReport { Kind = "venv",
                        Prefix = "/tmp/![pwned](https:/evil.example/p.png)/<img src=x onerror=alert(1)>/a|b/venv" },
                },
                EnvironmentVariables = GpuReportBuilder.RelevantVariables(new Hashtable
                {
                    ["CUDA_PATH"] = "/opt/cuda\n```\n![pwned](https://evil.example/p.png)\n# Owned by a variable",
                    ["LD_LIBRARY_PATH"] = home + "/.local/lib:/usr/lib/````",
                    // A name may hold anything but '=' and NUL: it is named (value hidden), on one line, inside the block.
                    ["CUDA_`````\n# Owned by a name"] = "x",
                }, windows: false).ToArray(),
                Problems = new[] { "cuDNN: broken\r# Owned by a problem", "[click](https://evil.example) <script>x</script>" },
            };

            string md = GpuReportMarkdown.Render(report);

            Assert.DoesNotContain(home + "/", md);
            Assert.Contains("~/projects/acme-secret/venv", md.Replace("\\", string.Empty));
            Assert.Contains("~/.local/lib", md);
            MarkdownShape.AssertNothingEscapes(md, 3, "CUDA_PATH", "LD_LIBRARY_PATH");
        }
    }

    /// <summary>
    /// Enough of CommonMark's block rules to tell whether text broke out of where the renderer put it: fenced blocks
    /// (a line of 3+ backticks opens one, a line of at least as many closes it), line endings (\n, \r\n and a lone \r),
    /// headings, and images, links and HTML outside code.
    /// </summary>
    internal static class MarkdownShape
    {
        private static readonly string[] OurHeadings = { "## GPU report", "### GPUs", "### CUDA libraries", "### Python environments",
            "### Environment variables", "### Could not be read" };

        public static void AssertNothingEscapes(string md, int variableLines, params string[] shownVariables)
        {
            string[] lines = md.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
            int fence = 0;
            int cells = -1;
            var block = new List<string>();
            var blocks = new List<List<string>>();
            foreach (string line in lines)
            {
                int ticks = line.TakeWhile(c => c == '`').Count();
                if (fence == 0 && ticks >= 3)
                {
                    fence = ticks;
                    block = new List<string>();
                    continue;
                }

                if (fence > 0)
                {
                    if (ticks >= fence && line.Trim().Length == ticks)
                    {
                        fence = 0;
                        blocks.Add(block);
                    }
                    else
                    {
                        block.Add(line);
                    }

                    continue;
                }

                if (line.StartsWith('#')) Assert.True(OurHeadings.Any(h => line.StartsWith(h + " ", StringComparison.Ordinal) || line == h),
                    "A heading the report did not write: " + line);
                // Unescaped: a backslash before a punctuation character makes it plain text.
                Assert.DoesNotMatch(@"(?<!\\)!\[", line);
                Assert.DoesNotMatch(@"(?<!\\)\]\(", line);
                Assert.DoesNotMatch(@"(?<!\\)<(?!br>)[A-Za-z/]", line);
                if (line.StartsWith('|'))
                {
                    // A row of a table has as many cells as the table's header row: nothing split or joined a row.
                    Assert.EndsWith("|", line);
                    int count = System.Text.RegularExpressions.Regex.Count(line, @"(?<!\\)\|");
                    if (cells < 0) cells = count;
                    Assert.True(count == cells, "A table row with another number of cells: " + line);
                }
                else
                {
                    cells = -1;
                }
            }

            Assert.Equal(0, fence);
            // Every variable stays inside the one fenced block, one line each.
            List<string> variableBlock = Assert.Single(blocks);
            foreach (string name in shownVariables) Assert.Single(variableBlock, l => l.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.Equal(variableLines, variableBlock.Count);
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
            GpuReport report = new GpuReportBuilder(new GpuRuntime(env, PlatformNativeLoader.Instance), env, () =>
                new Hashtable { ["CUDA_VISIBLE_DEVICES"] = "0,1" })
                .Build("9.9.9", "7.6.9 (Core)");

            Assert.Equal(2, report.Gpus.Count);
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
            string text = "relative error 4.2E-7 (limit 1E-3), 506 ms including setup at "
                + "/usr/local/cuda-13.0/targets/x86_64-linux/lib/libcudart.so.13.0.96.";
            string wrapped = DlGpuTools.TextWrap.Wrap(text, 30);
            foreach (string line in wrapped.Split('\n')) Xunit.Assert.True(line.Length <= 30, line);
            Xunit.Assert.Contains("506 ms", wrapped.Replace("\n", " "));
            Xunit.Assert.Contains("libcudart.so.13.0.96.", wrapped);
            // Nothing lost or added but the line breaks (and the spaces they replace).
            Xunit.Assert.Equal(text.Replace(" ", string.Empty), wrapped.Replace("\n", string.Empty).Replace(" ", string.Empty));
        }
    }
}
