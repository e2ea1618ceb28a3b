namespace DlGpuTools.Monitoring
{
    /// <summary>The container a process runs in, read from its /proc/&lt;pid&gt;/cgroup text.</summary>
    internal sealed class ContainerIdentity
    {
        // The cgroup folders of the common runtimes, cgroup v1 and v2, systemd and cgroupfs drivers:
        //   /docker/<id>, /system.slice/docker-<id>.scope                 docker
        //   .../kubepods-<qos>-pod<uid>.slice/cri-containerd-<id>.scope   containerd (kubernetes, systemd driver)
        //   .../crio-<id>.scope                                           cri-o
        //   /machine.slice/libpod-<id>.scope, /libpod_parent/libpod-<id>  podman (also its conmon-<id> monitor)
        //   /kubepods/<qos>/pod<uid>/<id>                                 kubernetes, cgroupfs driver (runtime not named)
        // The innermost match wins: a kind or k3d node is a docker container holding pods.
        private static readonly (string Prefix, string Suffix, string Runtime)[] Scopes =
        {
            ("docker-", ".scope", "docker"),
            ("cri-containerd-", ".scope", "containerd"),
            ("crio-", ".scope", "cri-o"),
            ("libpod-conmon-", ".scope", "podman"),
            ("libpod-", ".scope", "podman"),
            ("libpod-", string.Empty, "podman"),
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
            foreach (string[] folders in CgroupText.Paths(cgroupText))
            {
                ContainerIdentity? found = null;
                bool underKubepods = false;
                for (int i = 0; i < folders.Length; i++)
                {
                    string folder = folders[i];
                    if (folder == "kubepods" || folder.StartsWith("kubepods.", System.StringComparison.Ordinal)) underKubepods = true;
                    ContainerIdentity? here = Match(folder, i > 0 ? folders[i - 1] : null, underKubepods);
                    if (here != null) found = here;
                }

                if (found != null) return found;
            }

            return null;
        }

        private static ContainerIdentity? Match(string folder, string? parent, bool underKubepods)
        {
            foreach (var (prefix, suffix, runtime) in Scopes)
            {
                string? id = CgroupText.Between(folder, prefix, suffix);
                if (id != null && CgroupText.IsHex(id, 0, 64)) return new ContainerIdentity(runtime, id);
            }

            if (!CgroupText.IsHex(folder, 0, 64)) return null;
            if (parent == "docker") return new ContainerIdentity("docker", folder);
            return underKubepods ? new ContainerIdentity("kubepods", folder) : null;
        }
    }
}
