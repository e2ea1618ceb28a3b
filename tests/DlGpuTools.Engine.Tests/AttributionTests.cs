using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public sealed class AttributionTests
    {
        private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        private const string PodUid = "2f0c41ab-7d3e-4c1b-9a55-0e1f2a3b4c5d";

        [Theory]
        // kubernetes, containerd, cgroup v2, systemd driver: the UID's dashes become underscores in the slice name
        [InlineData(
            "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2f0c41ab_7d3e_4c1b_9a55_0e1f2a3b4c5d.slice/cri-containerd-"
            + Id
            + ".scope\n", "containerd", PodUid)]
        // guaranteed QoS has no class slice
        [InlineData("0::/kubepods.slice/kubepods-pod2f0c41ab_7d3e_4c1b_9a55_0e1f2a3b4c5d.slice/crio-" + Id + ".scope\n", "cri-o", PodUid)]
        // cgroup v1, cgroupfs driver: one line per controller, the runtime not named
        [InlineData("12:memory:/kubepods/burstable/pod2f0c41ab-7d3e-4c1b-9a55-0e1f2a3b4c5d/" + Id
            + "\n11:cpu:/kubepods/burstable/pod2f0c41ab-7d3e-4c1b-9a55-0e1f2a3b4c5d/" + Id + "\n", "kubepods", PodUid)]
        // a kind node: a docker container holding the pod; the innermost container wins
        [InlineData("0::/system.slice/docker-" + Id
            + ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
            + "kubelet-kubepods-besteffort-pod2f0c41ab_7d3e_4c1b_9a55_0e1f2a3b4c5d.slice/cri-containerd-" + Id + ".scope\n", "containerd",
                PodUid)]
        [InlineData("0::/system.slice/docker-" + Id + ".scope\n", "docker", null)]
        [InlineData("9:devices:/docker/" + Id + "\n", "docker", null)]
        [InlineData("0::/machine.slice/libpod-" + Id + ".scope/container\n", "podman", null)]
        [InlineData("0::/machine.slice/libpod-conmon-" + Id + ".scope\n", "podman", null)]
        [InlineData("5:pids:/libpod_parent/libpod-" + Id + "\n", "podman", null)]
        public void ContainerAndPodAreReadFromEachLayout(string cgroup, string runtime, string? podUid)
        {
            ContainerIdentity? container = ContainerIdentity.FromCgroup(cgroup);
            Assert.NotNull(container);
            Assert.Equal(runtime, container.Runtime);
            Assert.Equal(Id, container.Id);
            Assert.Equal(podUid, KubernetesPod.UidFromCgroup(cgroup));
            Assert.Null(SlurmJob.FromCgroup(cgroup));
        }

        [Theory]
        [InlineData("0::/system.slice/slurmstepd.scope/job_1392969/step_0/user/task_0\n", "1392969", "0")]
        [InlineData("0::/system.slice/gpu01_slurmstepd.scope/job_42/step_batch/user/task_special\n", "42", "batch")]
        [InlineData("0::/system.slice/slurmstepd.scope/job_42/step_extern/user\n", "42", "extern")]
        [InlineData(
            "10:devices:/slurm/uid_2101171/job_280678/step_interactive/task_0\n"
                + "4:memory:/slurm/uid_2101171/job_280678/step_interactive/task_0\n",
            "280678", "interactive")]
        [InlineData("7:freezer:/slurm_gpu07/uid_1000/job_7/step_3\n", "7", "3")]
        [InlineData("0::/system.slice/slurmstepd.scope/job_9\n", "9", null)]
        public void SlurmJobIsReadFromCgroupV1AndV2(string cgroup, string job, string? step)
        {
            SlurmJob? found = SlurmJob.FromCgroup(cgroup);
            Assert.NotNull(found);
            Assert.Equal(job, found.JobId);
            Assert.Equal(step, found.Step);
            Assert.Null(ContainerIdentity.FromCgroup(cgroup));
        }

        [Theory]
        [InlineData("0::/system.slice/slurmstepd.scope/system\n")] // slurmstepd itself
        [InlineData("0::/user.slice/user-1000.slice/job_12/step_0\n")] // job_ outside Slurm's tree
        [InlineData("0::/system.slice/slurmstepd.scope/job_12x/step_0\n")]
        [InlineData("0::/init.scope\n")]
        [InlineData("0::/\n")] // inside a cgroup namespace every path is /
        [InlineData("")]
        public void NoJobWhereTheTreeIsNotSlurms(string cgroup) => Assert.Null(SlurmJob.FromCgroup(cgroup));

        [Theory]
        [InlineData("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podnot_a_uid.slice/x\n")]
        [InlineData("0::/user.slice/pod2f0c41ab-7d3e-4c1b-9a55-0e1f2a3b4c5d/x\n")] // pod<uid> outside kubepods
        [InlineData("0::/kubepods/besteffort/pod2F0C41AB-7D3E-4C1B-9A55-0E1F2A3B4C5D/x\n")] // the API server writes lowercase
        public void NoPodFromLookalikes(string cgroup) => Assert.Null(KubernetesPod.UidFromCgroup(cgroup));

        [Fact]
        public void StaticPodsHaveAHashForUid() =>
            Assert.Equal("0123456789abcdef0123456789abcdef",
                KubernetesPod.UidFromCgroup(
                    "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0123456789abcdef0123456789abcdef.slice/x\n"));

        [Fact]
        public void HostileCgroupTextIsReadInLinearTimeAndFindsNothingFalse()
        {
            // Long lines of near-misses that a backtracking pattern such as kubepods[^\n]*/([0-9a-f]{64}) retries at every start.
            string nearMiss = string.Concat(Enumerable.Repeat("kubepods/" + new string('a', 63) + "g/", 400));
            string hostile = "0::/" + nearMiss + "\n"
                + string.Concat(Enumerable.Repeat("1:x:/" + string.Concat(Enumerable.Repeat("slurm/job_", 300)) + "\n", 60))
                + new string(':', 100_000) + "\n" + new string('/', 100_000);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++)
            {
                Assert.Null(ContainerIdentity.FromCgroup(hostile));
                Assert.Null(KubernetesPod.UidFromCgroup(hostile));
                Assert.Null(SlurmJob.FromCgroup(hostile));
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        }

        [Fact]
        public void ControlCharactersAndOddNamesDoNotMakeIds()
        {
            Assert.Null(ContainerIdentity.FromCgroup("0::/docker-" + Id[1..] + "\u001b.scope\n"));
            Assert.Null(SlurmJob.FromCgroup("0::/slurmstepd.scope/job_\n"));
            Assert.Null(SlurmJob.FromCgroup("0::/slurmstepd.scope/job_5/step_\u001b[2J\n")?.Step);
        }

        [Fact]
        public void PodFactsTakeOnlyKubernetesNames()
        {
            Assert.Equal("trainer-0", PodFacts.EnvironmentVariable("PATH=/bin\0HOSTNAME=trainer-0\0HOME=/root\0", "HOSTNAME"));
            Assert.Null(PodFacts.EnvironmentVariable("XHOSTNAME=a\0", "HOSTNAME"));
            Assert.True(PodFacts.IsDnsLabel("kube-system"));
            Assert.False(PodFacts.IsDnsLabel("Kube"));
            Assert.False(PodFacts.IsDnsLabel("a\u001b[2J"));
            Assert.False(PodFacts.IsDnsLabel(new string('a', 64)));
            Assert.False(PodFacts.IsDnsLabel("-a"));
        }

        [Fact]
        public void AProcessInTheHostPidNamespaceIsLookedUpAndOneInAnotherIsNot()
        {
            var here = new GpuProcessUsage { ProcessId = Environment.ProcessId };
            ProcessFacts.Fill(here, hostPids: true);
            Assert.Equal(nameof(ProcessLookup.Read), here.Lookup);
            Assert.NotNull(here.CommandLine);

            var elsewhere = new GpuProcessUsage { ProcessId = Environment.ProcessId };
            ProcessFacts.Fill(elsewhere, hostPids: false);
            Assert.Equal(nameof(ProcessLookup.OtherPidNamespace), elsewhere.Lookup);
            Assert.Null(elsewhere.ProcessName);
            Assert.Null(elsewhere.CommandLine);
            Assert.Null(elsewhere.UserName);

            var gone = new GpuProcessUsage { ProcessId = int.MaxValue };
            ProcessFacts.Fill(gone, hostPids: true);
            Assert.Equal(nameof(ProcessLookup.Gone), gone.Lookup);
        }

        [Fact]
        public void TheHostPidNamespaceIsToldByItsKernelInode()
        {
            if (!OperatingSystem.IsLinux()) return;
            string? link = Interop.LinuxNamespaces.Read("/proc/self", "pid");
            Assert.NotNull(link);
            Assert.StartsWith("pid:[", link, StringComparison.Ordinal);

            // A made /proc whose self/ns/pid links name the host's namespace, then a container's (the links need no target).
            string root = Path.Combine(Path.GetTempPath(), "dlgpu-proc-" + Guid.NewGuid().ToString("N")[..16]);
            string ns = Path.Combine(root, "self", "ns");
            Directory.CreateDirectory(ns);
            try
            {
                Assert.False(Interop.LinuxNamespaces.InHostPidNamespace(root), "no pid link: cannot be told, so false");
                File.CreateSymbolicLink(Path.Combine(ns, "pid"), "pid:[4026531836]");
                Assert.True(Interop.LinuxNamespaces.InHostPidNamespace(root));
                File.Delete(Path.Combine(ns, "pid"));
                File.CreateSymbolicLink(Path.Combine(ns, "pid"), "pid:[4026532551]");
                Assert.False(Interop.LinuxNamespaces.InHostPidNamespace(root));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
