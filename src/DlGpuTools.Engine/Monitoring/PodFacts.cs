using System;
using System.IO;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The namespace and name of the Kubernetes pod a process runs in, where this host lets them be read: the cgroup
    /// gives only the pod UID. The namespace comes from the service-account file the kubelet mounts into the pod
    /// (/var/run/secrets/kubernetes.io/serviceaccount/namespace, read through /proc/&lt;pid&gt;/root; absent when the
    /// pod sets automountServiceAccountToken: false). The name comes from the process's HOSTNAME variable, which the
    /// runtime sets to the pod's hostname (the pod name unless spec.hostname is set), and only when the process has a
    /// UTS namespace of its own (a hostNetwork pod's HOSTNAME is the node's). Both need root or the pod's own user,
    /// and both are the pod's own say: a process can change its environment and its files. The UID is the fact.
    /// </summary>
    public static class PodFacts
    {
        private const int MaxEnvironmentBytes = 256 * 1024;

        public static string? Namespace(string processFolder)
        {
            string? text = ReadBounded(Path.Combine(processFolder, "root/var/run/secrets/kubernetes.io/serviceaccount/namespace"), 256);
            string? name = text?.Trim();
            return name != null && IsDnsLabel(name) ? name : null;
        }

        public static string? Name(string processFolder, string ownProcessFolder)
        {
            string? theirs = LinuxNamespaces.Read(processFolder, "uts");
            if (theirs == null || theirs == LinuxNamespaces.Read(ownProcessFolder, "uts")) return null;
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

        /// <summary>An RFC 1123 label as Kubernetes names namespaces and pods: 1-63 of a-z, 0-9 and '-', alphanumeric at both ends.</summary>
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
