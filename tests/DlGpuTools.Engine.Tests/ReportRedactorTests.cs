using System;
using System.Linq;
using System.Text;
using DlGpuTools.Reports;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The rules that keep a pasted report free of secrets and, on request, of who and where.</summary>
    public sealed class ReportRedactorTests
    {
        private static readonly string Ngc = "nvapi-" + new string('Q', 20) + "7fA9" + new string('z', 40);

        [Theory]
        // Allow-listed: where CUDA finds GPUs and libraries, and this module's overrides.
        [InlineData("CUDA_VISIBLE_DEVICES", false, true)]
        [InlineData("NVIDIA_VISIBLE_DEVICES", false, true)]
        [InlineData("NVIDIA_DRIVER_CAPABILITIES", false, true)]
        [InlineData("CUDA_HOME", false, true)]
        [InlineData("cuda_path", true, true)]
        [InlineData("CUDA_PATH_V12_4", true, true)]
        [InlineData("DLGPUTOOLS_CUDNN_PATH", false, true)]
        [InlineData("LD_LIBRARY_PATH", false, true)]
        [InlineData("PATH", true, true)]
        // Read but named only: nothing in a name proves it holds no secret.
        [InlineData("NVIDIA_PASS", false, false)]
        [InlineData("CUDA_PWD", false, false)]
        [InlineData("CUDNN_BEARER", false, false)]
        [InlineData("NVIDIA_COOKIE", false, false)]
        [InlineData("NVIDIA_NGC_PAT", false, false)]
        [InlineData("DLGPUTOOLS_TEST_FAKES", false, false)]
        [InlineData("DLGPUTOOLS_PATH", false, false)]
        [InlineData("CUDA_PATH_V", false, false)]
        public void Only_allow_listed_variables_show_a_value(string name, bool windows, bool shown)
        {
            EnvironmentVariableReport v = Must.Exist(ReportRedactor.Variable(name, "value-1", windows));
            Assert.Equal(name, v.Name);
            Assert.Equal(!shown, v.ValueHidden);
            Assert.Equal(shown ? "value-1" : null, v.Value);
        }

        [Theory]
        [InlineData("HF_TOKEN", false)]
        [InlineData("HOME", false)]
        [InlineData("PATH", false)]
        [InlineData("LD_LIBRARY_PATH", true)]
        [InlineData("AWS_SECRET_ACCESS_KEY", false)]
        public void Other_variables_are_not_read_at_all(string name, bool windows)
        {
            Assert.Null(ReportRedactor.Variable(name, "x", windows));
        }

        [Theory]
        [InlineData("https://alice:correct-horse@mirror.example/cuda", "https://***@mirror.example/cuda")]
        [InlineData("git+https://ghp_abc@github.com/o/r.git", "git+https://***@github.com/o/r.git")]
        [InlineData("https://h.example/p?token=abc&sig=def&flag#access_token=x",
            "https://h.example/p?token=***&sig=***&***#access_token=***")]
        [InlineData("a https://u:p@h/x b", "a https://***@h/x b")]
        [InlineData("http://proxy.example:3128/path", "http://proxy.example:3128/path")]
        [InlineData("AKIAIOSFODNN7EXAMPLE", "AKIA***")]
        [InlineData("key=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "key=eyJ***")]
        [InlineData("0123456789abcdef0123456789abcdef01234567", "***")]
        [InlineData("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "***")]
        [InlineData("/srv/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo/lib", "/srv/***/lib")]
        [InlineData("a -----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY----- b", "a -----PEM block ***----- b")]
        [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk", "-----PEM block ***-----")]
        public void Secrets_are_cut_from_shown_text(string text, string expected)
        {
            Assert.Equal(expected, ReportRedactor.Scrub(text));
        }

        [Fact]
        public void Prefixed_tokens_keep_their_prefix_and_lose_the_rest()
        {
            Assert.Equal("/opt/nvapi-***/lib", ReportRedactor.Scrub("/opt/" + Ngc + "/lib"));
            Assert.Equal("x ghp_*** y", ReportRedactor.Scrub("x ghp_" + new string('a', 36) + " y"));
            Assert.Equal("hf_***", ReportRedactor.Scrub("hf_" + new string('b', 34)));
        }

        [Theory]
        [InlineData("/usr/local/cuda-12.4/targets/x86_64-linux/lib:/usr/lib/x86_64-linux-gnu")]
        [InlineData("/home/alice/Projects/DeepLearningModels2024/venv/lib/python3.11/site-packages")]
        [InlineData("GPU-5a3b9c1d-0e2f-4a6b-8c7d-9e0f1a2b3c4d,MIG-5a3b9c1d-0e2f-4a6b-8c7d-9e0f1a2b3c4d")]
        [InlineData("libcudnn_engines_precompiled.so.9.1.0 libnvidia-ml.so.580.159.04")]
        [InlineData("0,1 compute,utility 12.4.1 cuda>=12.4 brand=tesla,driver>=470")]
        [InlineData("disk-usage-report task-manager sk-short hf_short ghp_short")]
        [InlineData("opt/NVIDIA/Cuda12/TensorRT10/lib64/Release")]
        [InlineData("NVIDIA_TF32_OVERRIDE_FOR_ALL_THE_KERNELS_1234567")]
        [InlineData("/home/alice/envs/My_Project_2024_Experiment_Final_Version2/bin")]
        public void Ordinary_values_are_left_alone(string text)
        {
            Assert.Equal(text, ReportRedactor.Scrub(text));
        }

        [Theory]
        [InlineData("/home/al", "~")]
        [InlineData("/home/al/x:/home/al", "~/x:~")]
        [InlineData("LD=/home/al/lib", "LD=~/lib")]
        [InlineData("/home/alice/x", "/home/alice/x")]
        [InlineData("/srv/home/al/x", "/srv/home/al/x")]
        public void The_home_folder_is_shown_as_a_tilde_only_where_it_is_a_whole_path(string text, string expected)
        {
            var redactor = new ReportRedactor("/home/al/", hideIdentity: false, new[] { "al" }, new[] { "gpu01" });
            Assert.Equal(expected, redactor.Text(text));
        }

        [Theory]
        [InlineData("GPU-5a3b9c1d-0e2f-4a6b-8c7d-9e0f1a2b3c4d", "GPU-<uuid>")]
        [InlineData("/mnt/gpu01/cuda:gpu01.example.com", "/mnt/<host>/cuda:<host>.example.com")]
        [InlineData("/srv/alice/lib alice@gpu01", "/srv/<user>/lib <user>@<host>")]
        [InlineData("/home/bob/venv C:\\Users\\carol\\env", "/home/<user>/venv C:\\Users\\<user>\\env")]
        [InlineData("/home/alice/venv", "~/venv")]
        [InlineData("malice gpu012", "malice gpu012")]
        public void With_redact_uuids_hosts_and_users_are_hidden_too(string text, string expected)
        {
            var redactor = new ReportRedactor("/home/alice", hideIdentity: true, new[] { "alice", "a" }, new[] { "gpu01" });
            Assert.Equal(expected, redactor.Text(text));
            // Without -Redact only the home changes.
            var plain = new ReportRedactor("/home/alice", hideIdentity: false, new[] { "alice" }, new[] { "gpu01" });
            Assert.Equal(text.Replace("/home/alice/", "~/"), plain.Text(text));
        }

        [Fact]
        public void A_home_of_slash_changes_nothing()
        {
            Assert.Equal("/usr/lib", new ReportRedactor("/", false).Text("/usr/lib"));
            Assert.Equal("C:\\Windows", new ReportRedactor("C:\\", false, windows: true).Text("C:\\Windows"));
        }

        [Theory]
        [InlineData("a")]
        [InlineData("://")]
        [InlineData("://a@")]
        [InlineData("-----BEGIN ")]
        [InlineData("nvapi-")]
        [InlineData("0123456789abcde")]
        [InlineData("Ab1/")]
        [InlineData("GPU-5a3b9c1d-0e2f-")]
        [InlineData("/home/")]
        [InlineData("alice")]
        public void Redaction_stays_linear_on_a_megabyte_made_to_make_it_backtrack(string unit)
        {
            string text = new StringBuilder().Insert(0, unit, 1024 * 1024 / unit.Length).ToString();
            var redactor = new ReportRedactor("/home/alice", hideIdentity: true, new[] { "alice" }, new[] { "gpu01" });
            string result = Deadline.Run("Text() over 1 MB of " + unit, () => redactor.Text(text));
            Assert.NotEqual(ReportRedactor.Unchecked, result);
        }

        [Fact]
        public void Apply_hides_identity_in_every_text_of_the_object()
        {
            var report = new GpuReport
            {
                Gpus = new[] { new CudaDevice { Name = "H100", Uuid = "GPU-5a3b9c1d-0e2f-4a6b-8c7d-9e0f1a2b3c4d",
                    DriverLibraryPath = "/home/alice/drv/libcuda.so.1" } },
                Libraries = new[] { new LibraryReport { Name = "cuDNN", Path = "/home/alice/lib/libcudnn.so.9",
                    OtherCopies = new[] { "/home/bob/libcudnn.so.9" } } },
                PythonEnvironments = new[] { new PythonEnvironmentReport { Prefix = "/home/alice/venv",
                    Problem = "/home/alice/venv/x is a FIFO" } },
                EnvironmentVariables = new[] { new EnvironmentVariableReport { Name = "CUDA_VISIBLE_DEVICES",
                    Value = "GPU-5a3b9c1d-0e2f-4a6b-8c7d-9e0f1a2b3c4d" } },
                Problems = new[] { "cuDNN: gpu01 said no" },
            };
            report.Gpus[0].Processes.Add(new GpuProcess { ProcessName = "alice" });

            new ReportRedactor("/home/alice", hideIdentity: true, new[] { "alice" }, new[] { "gpu01" }).Apply(report);

            Assert.Equal("GPU-<uuid>", report.Gpus[0].Uuid);
            Assert.Equal("~/drv/libcuda.so.1", report.Gpus[0].DriverLibraryPath);
            Assert.Equal("<user>", report.Gpus[0].Processes[0].ProcessName);
            Assert.Equal("~/lib/libcudnn.so.9", report.Libraries[0].Path);
            Assert.Equal("/home/<user>/libcudnn.so.9", Assert.Single(report.Libraries[0].OtherCopies));
            Assert.Equal("~/venv", report.PythonEnvironments[0].Prefix);
            Assert.Equal("~/venv/x is a FIFO", report.PythonEnvironments[0].Problem);
            Assert.Equal("GPU-<uuid>", report.EnvironmentVariables[0].Value);
            Assert.Equal("cuDNN: <host> said no", Assert.Single(report.Problems));
        }

        [Theory]
        [InlineData(new[] { "a", "b" }, "```")]
        [InlineData(new[] { "a```b" }, "````")]
        [InlineData(new[] { "``", "x`````" }, "``````")]
        public void The_fence_is_longer_than_any_run_of_backticks_inside(string[] lines, string fence)
        {
            Assert.Equal(fence, GpuReportMarkdown.Fence(lines));
        }

        [Fact]
        public void A_cell_escapes_what_markdown_would_render_and_keeps_to_one_line()
        {
            Assert.Equal("\\!\\[x\\](y) \\<img\\> a\\|b \\# \\@team \\~x\\~ \\$x\\$ \\`c\\` \\*\\_e\\_\\* \\\\",
                GpuReportMarkdown.Escape("![x](y)\r<img>\na|b # @team ~x~ $x$ `c` *_e_* \\"));
            Assert.Equal("/usr/lib/x86\\_64-linux-gnu/libcuda.so.1", GpuReportMarkdown.Escape("/usr/lib/x86_64-linux-gnu/libcuda.so.1"));
        }
    }
}
