using System;
using System.Linq;
using DlGpuTools.Interop;
using DlGpuTools.Topology;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// Binds the calling thread to the CPUs NVML gives as closest to the GPU for the span of one host test, and gives
    /// the thread its own affinity back at <see cref="Dispose"/>. Page-locked memory lands on the NUMA node of the
    /// thread that allocates it, and the driver stages pageable copies on the thread that queues them, so on a
    /// machine with several CPU sockets this decides whether host memory is local to the GPU. nvbandwidth binds its
    /// whole process the same way before it allocates; here only this thread is bound, and only while the test runs,
    /// so the PowerShell host and its other runspaces are left as they were. Threads the CUDA driver starts during
    /// the test keep the GPU's CPUs, as they would under nvbandwidth (.NET starts its own threads on the process's).
    /// </summary>
    internal sealed class HostThreadBinding : IDisposable
    {
        private ulong[]? _previous;

        private HostThreadBinding(string? boundCpus, string description, ulong[]? previous)
        {
            BoundCpus = boundCpus;
            Description = description;
            _previous = previous;
        }

        /// <summary>The CPUs the thread ran on during the test, as a Linux CPU list; null when it was not bound.</summary>
        public string? BoundCpus { get; }

        /// <summary>Where the thread ran, or why it was not bound, for the result's method.</summary>
        public string Description { get; }

        /// <param name="gpuCpus">nvmlDeviceGetCpuAffinity's mask (null: NVML gave none).</param>
        public static HostThreadBinding Bind(ulong[]? gpuCpus)
        {
            if (gpuCpus == null || gpuCpus.All(w => w == 0))
                return Unbound("NVML gave no CPU affinity for this GPU");
            if (!LinuxThreadAffinity.TryGet(out ulong[] current, out string? why))
                return Unbound(why ?? "sched_getaffinity failed");

            var target = new ulong[LinuxThreadAffinity.Words];
            for (int i = 0; i < target.Length && i < gpuCpus.Length; i++) target[i] = current[i] & gpuCpus[i];
            string gpuList = HostLink.CpuList(gpuCpus) ?? "none";
            if (target.All(w => w == 0))
                return Unbound($"none of the GPU's CPUs ({gpuList}) is open to this process ({HostLink.CpuList(current) ?? "none"})");
            string targetList = HostLink.CpuList(target) ?? "none";
            if (target.SequenceEqual(current))
                return new HostThreadBinding(targetList,
                    $"on CPUs {targetList}, every one of them among the GPU's ({gpuList}), so the thread was left as it was", null);
            if (!LinuxThreadAffinity.TrySet(target, out why))
                return Unbound(why ?? "sched_setaffinity failed");
            return new HostThreadBinding(targetList,
                $"from a thread bound for the test to CPUs {targetList} (NVML's CPU affinity of the GPU, as nvbandwidth binds; the "
                + "thread's own affinity is restored after)", current);
        }

        /// <summary>
        /// Gives the thread its affinity back, on the thread that bound it. Null when done (or nothing was changed);
        /// otherwise what went wrong, for the result's note: the thread then stays on the GPU's CPUs, a subset of its own.
        /// </summary>
        public string? Release()
        {
            ulong[]? previous = System.Threading.Interlocked.Exchange(ref _previous, null);
            if (previous == null || LinuxThreadAffinity.TrySet(previous, out string? why)) return null;
            return $"The measuring thread could not be given its own CPUs ({HostLink.CpuList(previous)}) back ({why}); "
                + $"it stays on CPUs {BoundCpus}.";
        }

        /// <summary>Releases the binding when the test failed before <see cref="Release"/> (a using block, on the same thread).</summary>
        public void Dispose() => Release();

        /// <summary>The thread left where it runs, and why, for the result's method.</summary>
        internal static HostThreadBinding Unbound(string why) =>
            new HostThreadBinding(null, $"from a thread not bound to the GPU's CPUs ({why}), so host memory is where the OS put it", null);
    }
}
