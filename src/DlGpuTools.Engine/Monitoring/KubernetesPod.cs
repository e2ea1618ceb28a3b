using System;

namespace DlGpuTools.Monitoring
{
    /// <summary>
    /// The Kubernetes pod UID of a process, from the folder the kubelet makes for each pod in its cgroup tree:
    /// kubepods-&lt;qos&gt;-pod&lt;uid&gt;.slice (systemd driver, the UID's dashes written as underscores) or pod&lt;uid&gt;
    /// under kubepods/ (cgroupfs driver). The cgroup holds no namespace or pod name; see <see cref="PodFacts"/>.
    /// </summary>
    internal static class KubernetesPod
    {
        /// <summary>The pod UID (lowercase, with dashes), or null for a process outside a pod.</summary>
        public static string? UidFromCgroup(string? cgroupText)
        {
            foreach (string[] folders in CgroupText.Paths(cgroupText))
            {
                bool underKubepods = false;
                string? uid = null;
                foreach (string folder in folders)
                {
                    if (IsKubepods(folder)) underKubepods = true;
                    if (!underKubepods) continue;
                    string? candidate = SystemdSliceUid(folder) ?? CgroupfsUid(folder);
                    if (candidate != null) uid = candidate;
                }

                if (uid != null) return uid;
            }

            return null;
        }

        private static string? SystemdSliceUid(string folder)
        {
            if (!IsKubepods(folder) || !folder.EndsWith(".slice", StringComparison.Ordinal)) return null;
            int pod = folder.LastIndexOf("-pod", StringComparison.Ordinal);
            if (pod < 0) return null;
            string uid = folder.Substring(pod + 4, folder.Length - pod - 4 - ".slice".Length).Replace('_', '-');
            return IsUid(uid) ? uid : null;
        }

        // kubepods..., or kubelet-kubepods... where a kubelet runs in a container (kind) with a cgroup root of its own.
        private static bool IsKubepods(string folder) =>
            folder.StartsWith("kubepods", StringComparison.Ordinal) || folder.StartsWith("kubelet-kubepods", StringComparison.Ordinal);

        private static string? CgroupfsUid(string folder)
        {
            if (!folder.StartsWith("pod", StringComparison.Ordinal)) return null;
            string uid = folder.Substring(3);
            return IsUid(uid) ? uid : null;
        }

        /// <summary>A UUID as the API server makes them (8-4-4-4-12 hex), or the 32-hex hash the kubelet gives static pods.</summary>
        private static bool IsUid(string text)
        {
            if (CgroupText.IsHex(text, 0, 32)) return true;
            if (text.Length != 36) return false;
            for (int i = 0; i < 36; i++)
            {
                char c = text[i];
                bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }

            return true;
        }
    }
}
