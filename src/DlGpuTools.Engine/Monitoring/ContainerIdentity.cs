using System.Text.RegularExpressions;

namespace DlGpuTools.Monitoring
{
    /// <summary>The container a process runs in, read from its /proc/&lt;pid&gt;/cgroup text.</summary>
    public sealed class ContainerIdentity
    {
        // The cgroup paths of the common runtimes, cgroup v1 and v2 (systemd and cgroupfs drivers):
        //   /docker/<id>, /system.slice/docker-<id>.scope           docker
        //   /system.slice/cri-containerd-<id>.scope, .../<id>       containerd (kubernetes)
        //   /kubepods.slice/.../crio-<id>.scope                     cri-o
        //   /machine.slice/libpod-<id>.scope, /libpod_parent/...    podman
        //   /kubepods/besteffort/pod<uid>/<id>                      kubernetes, runtime not named
        private static readonly (Regex Pattern, string Runtime)[] Patterns =
        {
            (new Regex(@"docker[-/]([0-9a-f]{64})", RegexOptions.CultureInvariant), "docker"),
            (new Regex(@"cri-containerd[-:]([0-9a-f]{64})", RegexOptions.CultureInvariant), "containerd"),
            (new Regex(@"crio[-:]([0-9a-f]{64})", RegexOptions.CultureInvariant), "cri-o"),
            (new Regex(@"libpod[-_/](?:conmon-)?([0-9a-f]{64})", RegexOptions.CultureInvariant), "podman"),
            (new Regex(@"kubepods[^\n]*/([0-9a-f]{64})", RegexOptions.CultureInvariant), "kubepods"),
        };

        private ContainerIdentity(string runtime, string id)
        {
            Runtime = runtime;
            Id = id;
        }

        public string Runtime { get; }

        /// <summary>The full 64-hex-digit container id.</summary>
        public string Id { get; }

        /// <summary>The container of a /proc/&lt;pid&gt;/cgroup text, or null for a process outside any container.</summary>
        public static ContainerIdentity? FromCgroup(string? cgroupText)
        {
            if (Strings.IsNullOrEmpty(cgroupText)) return null;
            foreach (var (pattern, runtime) in Patterns)
            {
                Match m = pattern.Match(cgroupText);
                if (m.Success) return new ContainerIdentity(runtime, m.Groups[1].Value);
            }

            return null;
        }
    }
}
