using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The Linux namespaces of a process, as the links /proc/&lt;pid&gt;/ns/&lt;kind&gt; name them ("pid:[4026531836]"):
    /// two processes share a namespace when the links read the same (namespaces(7)).
    /// </summary>
    internal static class LinuxNamespaces
    {
        /// <summary>
        /// The link of the first PID namespace, the host's: its inode is the kernel constant PROC_PID_INIT_INO,
        /// 0xEFFFFFFC (include/linux/proc_ns.h, https://github.com/torvalds/linux/blob/master/include/linux/proc_ns.h).
        /// </summary>
        public const string InitialPidNamespace = "pid:[4026531836]";

        /// <summary>The namespace link of <paramref name="kind"/> (pid, uts, ...) under <paramref name="processFolder"/>, or null where it
        /// cannot be read.</summary>
        public static string? Read(string processFolder, string kind)
        {
            if (!PlatformInfo.IsLinux) return null;
            try
            {
                string? link = LinuxLink.ReadLink(processFolder + "/ns/" + kind);
                return link != null && link.Length < 256 ? link : null;
            }
            catch (ArgumentException)
            {
                return null; // a path libc cannot take (an unmappable character)
            }
        }

        /// <summary>
        /// Whether this process sees the host's PIDs: NVML always reports host PIDs (the driver ignores PID namespaces,
        /// https://github.com/NVIDIA/nvidia-docker/issues/1483), so inside a container without --pid=host a PID from NVML
        /// names some other process here, or none. False where it cannot be told.
        /// </summary>
        public static bool InHostPidNamespace(string procRoot = "/proc") => Read(procRoot + "/self", "pid") == InitialPidNamespace;
    }
}
