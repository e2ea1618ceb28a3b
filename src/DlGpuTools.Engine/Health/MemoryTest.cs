using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
using static DlGpuTools.Interop.Ownership;

namespace DlGpuTools.Health
{
    /// <summary>What one GPU's memory test found.</summary>
    internal sealed class MemoryTestOutcome
    {
        public MemoryTestOutcome(CudaDevice device)
        {
            Device = device;
        }

        public CudaDevice Device { get; }

        public int Index => Device.Index;

        public ulong FreeBytes { get; set; }

        public ulong TestedBytes { get; set; }

        /// <summary>Complete passes over every pattern.</summary>
        public int Passes { get; set; }

        public int PatternsChecked { get; set; }

        /// <summary>32-bit words that did not read back as written, over all patterns.</summary>
        public long BadWords { get; set; }

        /// <summary>The byte offset, into the tested memory, of the first word that read back wrong.</summary>
        public ulong? FirstBadOffset { get; set; }

        /// <summary>The bits that differed in any bad word (one bit always wrong points at one data line).</summary>
        public uint BadBits { get; set; }

        public string? FirstBadPattern { get; set; }

        public double Seconds { get; set; }

        /// <summary>Bytes written plus bytes read back, per second.</summary>
        public double? GBps { get; set; }

        public Exception? Failure { get; set; }

        public bool Hung { get; set; }
    }

    /// <summary>
    /// The Long level's device memory test, in the manner of memtest86 and cuda_memtest: every GPU at once
    /// allocates most of its free memory in 1 GiB blocks, then for each pattern writes all of it and only then reads
    /// all of it back, so a word has to hold its value while the rest of memory is written. Patterns: all zeros, all
    /// ones, the two checkerboards, each word's own address and its inverse, and a pseudo-random sequence with a new
    /// seed every pass; passes repeat until the time is up (at least one). ECC corrects single-bit errors before a
    /// read returns, so on an ECC board a bad word here is an error ECC could not correct, and the corrected count
    /// NVML keeps (sampled during the test) is the early sign.
    /// </summary>
    internal static class MemoryTest
    {
        private const ulong BlockBytes = 1UL << 30;

        /// <summary>Left free for the driver and other programs' small allocations: 3% of the free memory, at least 256 MiB.</summary>
        private const ulong MinimumReserve = 256UL << 20;

        private static readonly (PatternMode Mode, uint Value, string Name)[] Patterns =
        {
            (PatternMode.Solid, 0x00000000u, "zeros"),
            (PatternMode.Solid, 0xFFFFFFFFu, "ones"),
            (PatternMode.Solid, 0x55555555u, "checkerboard 0x55555555"),
            (PatternMode.Solid, 0xAAAAAAAAu, "checkerboard 0xAAAAAAAA"),
            (PatternMode.Address, 0x00000000u, "own address"),
            (PatternMode.Address, 0xFFFFFFFFu, "inverted address"),
            (PatternMode.Random, 0u, "random"),
        };

        public static List<MemoryTestOutcome> Run(IGpuPort port, IReadOnlyList<CudaDevice> devices, TimeSpan duration,
            TimeSpan callTimeout, CancellationToken cancel, Action<string, double>? progress)
        {
            var outcomes = devices.Select(d => new MemoryTestOutcome(d)).ToList();
            // One pass may outlast the time (it always completes); allow it a minute on top, plus the call timeout.
            TimeSpan limit = duration + TimeSpan.FromSeconds(60) + callTimeout;
            string phase = string.Format(CultureInfo.InvariantCulture, "Memory test on {0} GPU(s) for {1:0} s",
                outcomes.Count, duration.TotalSeconds);
            bool[] hung = GpuWorkers.Run(outcomes, o => o.Index, "memory test", o => Worker(port, o, duration, cancel), limit, duration,
                phase, progress);
            for (int i = 0; i < hung.Length; i++) outcomes[i].Hung = hung[i];
            cancel.ThrowIfCancellationRequested();
            return outcomes;
        }

        private static void Worker(IGpuPort port, MemoryTestOutcome o, TimeSpan duration, CancellationToken cancel)
        {
            try
            {
                using (IPortLease lease = port.Lease(o.Device.Index))
                using (lease.Enter())
                {
                    var owned = new List<IDisposable>();
                    try
                    {
                        Test(port, o, duration, owned, cancel);
                    }
                    finally
                    {
                        DisposeAll(owned);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Run rethrows the cancellation once every worker is back.
            }
            catch (Exception e) // reported as this GPU's failed memory check, never thrown on a worker thread
            {
                o.Failure = e;
            }
        }

        private static void Test(IGpuPort port, MemoryTestOutcome o, TimeSpan duration, List<IDisposable> owned, CancellationToken cancel)
        {
            PortStream stream = Own(owned, new OwnedStream(port)).Stream;
            HealthKernels kernels = Own(owned, HealthKernels.Load(port, o.Device));
            ulong free = port.MemoryInfo().Free;
            o.FreeBytes = free;
            ulong reserve = Math.Max(MinimumReserve, free / 100 * 3);
            ulong target = free > reserve ? free - reserve : 0;
            // The results first, so filling memory cannot leave them no room.
            DeviceMemory results = Own(owned, DeviceMemory.Allocate(port, 24UL * (target / BlockBytes + 1)));
            var blocks = new List<DeviceMemory>();
            for (ulong taken = 0; taken + 4096 <= target;)
            {
                ulong bytes = Math.Min(BlockBytes, target - taken) / 4096 * 4096;
                // Another program may take memory meanwhile: the test covers what it could allocate.
                DeviceMemory? block = DeviceMemory.TryAllocate(port, bytes);
                if (block == null) break;
                blocks.Add(Own(owned, block));
                taken += bytes;
            }

            if (blocks.Count == 0) throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "No memory could be allocated for the memory test ({0:0} MiB free).", free / 1048576.0));
            o.TestedBytes = (ulong)blocks.Sum(b => (double)b.Bytes);
            var host = new ulong[3 * blocks.Count];

            var clock = Stopwatch.StartNew();
            double bytesMoved = 0;
            do
            {
                foreach (var (mode, value, name) in Patterns)
                {
                    cancel.ThrowIfCancellationRequested();
                    uint v = mode == PatternMode.Random ? unchecked((uint)(0x2545F491 * (o.Passes + 1))) : value;
                    Reset(port, results, blocks.Count, stream);
                    foreach (DeviceMemory block in blocks) kernels.Fill(block.Pointer, block.Bytes / 4, mode, v, stream);
                    for (int i = 0; i < blocks.Count; i++) kernels.Check(blocks[i].Pointer, blocks[i].Bytes / 4, mode, v,
                        results.Pointer + 24UL * (ulong)i, stream);
                    Read(port, results, host, stream);
                    o.PatternsChecked++;
                    bytesMoved += 2.0 * o.TestedBytes;
                    Tally(o, blocks, host, name);
                }

                o.Passes++;
            }
            while (clock.Elapsed < duration);

            o.Seconds = clock.Elapsed.TotalSeconds;
            o.GBps = o.Seconds > 0 ? bytesMoved / o.Seconds / 1e9 : (double?)null;
        }

        private static void Tally(MemoryTestOutcome o, List<DeviceMemory> blocks, ulong[] host, string pattern)
        {
            ulong offset = 0;
            for (int i = 0; i < blocks.Count; i++)
            {
                ulong bad = host[3 * i];
                if (bad > 0)
                {
                    o.BadWords += (long)bad;
                    o.BadBits |= (uint)host[3 * i + 2];
                    if (o.FirstBadOffset == null)
                    {
                        o.FirstBadOffset = offset + host[3 * i + 1] * 4;
                        o.FirstBadPattern = pattern;
                    }
                }

                offset += blocks[i].Bytes;
            }
        }

        // Count 0, first bad index all ones (the kernel takes the minimum), bits 0: for every block.
        private static unsafe void Reset(IGpuPort port, DeviceMemory results, int blocks, PortStream stream)
        {
            var initial = new ulong[3 * blocks];
            for (int i = 0; i < blocks; i++) initial[3 * i + 1] = ulong.MaxValue;
            fixed (ulong* p = initial)
            {
                port.CopyToDevice(results.Pointer, (IntPtr)p, 24UL * (ulong)blocks, stream);
                port.Synchronize(stream); // the host array must outlive the asynchronous copy
            }
        }

        private static unsafe void Read(IGpuPort port, DeviceMemory results, ulong[] host, PortStream stream)
        {
            fixed (ulong* p = host)
            {
                port.CopyToHost((IntPtr)p, results.Pointer, 8UL * (ulong)host.Length, stream);
                port.Synchronize(stream);
            }
        }
    }
}
