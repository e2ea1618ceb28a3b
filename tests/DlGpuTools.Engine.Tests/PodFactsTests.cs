using System;
using System.IO;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The pod's namespace from the kubelet's folder on the host, and its name only from a pod's own UTS namespace.</summary>
    public sealed class PodFactsTests : IDisposable
    {
        private const string Uid = "2f0c41ab-7d3e-4c1b-9a55-0e1f2a3b4c5d";
        private readonly string _root = Path.Combine(Path.GetTempPath(), "dlgpu-podfacts-" + Guid.NewGuid().ToString("N"));

        public PodFactsTests() => Directory.CreateDirectory(_root);

        public void Dispose() => Directory.Delete(_root, recursive: true);

        private void Volume(string kind, string folder, string text)
        {
            string dir = Path.Combine(_root, "kubelet", "pods", Uid, "volumes", kind, folder);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "namespace"), text);
        }

        [Fact]
        public void The_namespace_is_read_from_the_kubelets_projected_or_secret_volume()
        {
            string kubelet = Path.Combine(_root, "kubelet");
            Assert.Null(PodFacts.Namespace(Uid, kubelet));
            Volume("kubernetes.io~secret", "default-token-abcde", "legacy-ns\n");
            Assert.Equal("legacy-ns", PodFacts.Namespace(Uid, kubelet));
            Volume("kubernetes.io~projected", "kube-api-access-x1y2z", "team-a\n");
            Assert.Equal("team-a", PodFacts.Namespace(Uid, kubelet));
        }

        [Theory]
        [InlineData("../../etc")]
        [InlineData("2f0c41ab/../x")]
        [InlineData("")]
        [InlineData("ABCDEF")]
        public void A_uid_that_is_not_a_uuid_never_becomes_a_path(string uid)
        {
            Volume("kubernetes.io~projected", "kube-api-access-x1y2z", "team-a");
            Assert.Null(PodFacts.Namespace(uid, Path.Combine(_root, "kubelet")));
        }

        [Fact]
        public void A_namespace_that_is_not_a_dns_label_is_not_taken()
        {
            Volume("kubernetes.io~projected", "kube-api-access-x1y2z", "Team A\u001b[2J");
            Assert.Null(PodFacts.Namespace(Uid, Path.Combine(_root, "kubelet")));
        }

        [Theory]
        [InlineData("uts:[4026531838]", null)] // the host's own: a hostNetwork pod, whose HOSTNAME is the node's
        [InlineData("uts:[4026532301]", "trainer-0")]
        public void The_name_comes_from_HOSTNAME_only_in_a_UTS_namespace_of_the_pods_own(string uts, string? expected)
        {
            if (!OperatingSystem.IsLinux()) return; // namespace links are Linux's
            string process = Path.Combine(_root, "proc", "4242");
            Directory.CreateDirectory(Path.Combine(process, "ns"));
            File.CreateSymbolicLink(Path.Combine(process, "ns", "uts"), uts);
            File.WriteAllText(Path.Combine(process, "environ"), "PATH=/bin\0HOSTNAME=trainer-0\0");
            Assert.Equal(expected, PodFacts.Name(process));
        }
    }
}
