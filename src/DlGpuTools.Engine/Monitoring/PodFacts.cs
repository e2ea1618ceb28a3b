using System;
using System.IO;
using System.Linq;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The namespace and name of the Kubernetes pod a process runs in, where this host lets them be read: the cgroup
    /// gives only the pod UID. The namespace comes from the kubelet's own copy of the pod's service-account volume on
    /// the host (/var/lib/kubelet/pods/&lt;uid&gt;/volumes/…/namespace; absent when the pod sets
    /// automountServiceAccountToken: false, or when this runs in a container without the kubelet's folder). It is
    /// never read through /proc/&lt;pid&gt;/root: absolute links inside the pod's file system would resolve against the
    /// host's root (Debian images link /var/run to /run), and the pod could point them at any host file. The name
    /// comes from the process's HOSTNAME variable (environ is the kernel's copy, no path the pod controls), which the
    /// runtime sets to the pod's hostname, and only when the process has a UTS namespace other than the host's
    /// initial one (a hostNetwork pod shares the node's, and its HOSTNAME is the node's name). The name is the pod's
    /// own say, since a process can change its environment; the UID is the fact.
    /// </summary>
    internal static class PodFacts
    {
        private const int MaxEnvironmentBytes = 256 * 1024;

        /// <summary>The initial UTS namespace, the host's (PROC_UTS_INIT_INO in the kernel's proc_ns.h).</summary>
        public const string InitialUtsNamespace = "uts:[4026531838]";

        // The kubelet keeps a pod's service-account token in a projected volume (kube-api-access-*; a secret volume
        // named <account>-token-* before Kubernetes 1.24).
        private static readonly string[] VolumeKinds = { "kubernetes.io~projected", "kubernetes.io~secret" };

        public static string? Namespace(string podUid, string kubeletRoot = "/var/lib/kubelet")
        {
            // The UID came from a cgroup path: only a UUID's characters make a folder name under the kubelet's.
            if (podUid.Length == 0 || podUid.Length > 64 || !podUid.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
                return null;
            foreach (string kind in VolumeKinds)
            {
                string volumes = Path.Combine(kubeletRoot, "pods", podUid, "volumes", kind);
                string[] folders;
                try
                {
                    folders = Directory.GetDirectories(volumes);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (string folder in folders.OrderBy(f => f, StringComparer.Ordinal))
                {
                    string? name = ReadBounded(Path.Combine(folder, "namespace"), 256)?.Trim();
                    if (name != null && IsDnsLabel(name)) return name;
                }
            }

            return null;
        }

        public static string? Name(string processFolder)
        {
            string? theirs = LinuxNamespaces.Read(processFolder, "uts");
            if (theirs == null || theirs == InitialUtsNamespace) return null;
            string? name = EnvironmentVariable(ReadBounded(Path.Combine(processFolder, "environ"), MaxEnvironmentBytes), "HOSTNAME");
            return name != null && IsDnsLabel(name) ? name : null;
        }

        /// <summary>The value of <paramref name="name"/> in a /proc/&lt;pid&gt;/environ text (NUL-separated NAME=value), or null.</summary>
        public static string? EnvironmentVariable(string? environ, string name)
        {
            if (Strings.IsNullOrEmpty(environ)) return null;
            string prefix = name + "=";
            foreach (string entry in environ.Split('\0'))
            {
                if (entry.StartsWith(prefix, StringComparison.Ordinal)) return entry.Substring(prefix.Length);
            }

            return null;
        }

        /// <summary>
        /// An RFC 1123 label as Kubernetes names namespaces and pods: 1-63 of a-z, 0-9 and '-', alphanumeric at both ends.
        /// </summary>
        public static bool IsDnsLabel(string text)
        {
            if (text.Length == 0 || text.Length > 63 || text[0] == '-' || text[text.Length - 1] == '-') return false;
            foreach (char c in text)
            {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
            }

            return true;
        }

        private static string? ReadBounded(string path, int maxBytes)
        {
            try
            {
                return Encoding.UTF8.GetString(BoundedFile.ReadAllBytes(path, maxBytes));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
