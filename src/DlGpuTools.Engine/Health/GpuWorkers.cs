using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Runs one piece of GPU work per device, each on its own background thread (a worker stuck in a hung GPU must not
    /// keep the process alive), while the caller's thread waits, waking twice a second to report progress: PowerShell's
    /// progress and errors must come from the pipeline thread. Used by the GEMM stress and the memory test.
    /// </summary>
    internal static class GpuWorkers
    {
        /// <summary>
        /// Starts <paramref name="work"/> for every item and waits up to <paramref name="limit"/>; progress is the time
        /// elapsed against <paramref name="expected"/>. Returns, per item, whether its worker is still running (hung).
        /// </summary>
        public static bool[] Run<T>(IReadOnlyList<T> items, Func<T, int> gpu, string name, Action<T> work, TimeSpan limit,
            TimeSpan expected, string phase, Action<string, double>? progress)
        {
            var threads = items.Select(item => new Thread(() => work(item))
            {
                IsBackground = true,
                Name = string.Format(CultureInfo.InvariantCulture, "DlGpuTools {0} GPU {1}", name, gpu(item)),
            }).ToList();
            threads.ForEach(t => t.Start());

            var clock = Stopwatch.StartNew();
            while (threads.Any(t => t.IsAlive) && clock.Elapsed < limit)
            {
                threads.First(t => t.IsAlive).Join(TimeSpan.FromMilliseconds(500));
                progress?.Invoke(phase, Math.Min(1.0, clock.Elapsed.TotalSeconds / Math.Max(1e-3, expected.TotalSeconds)));
            }

            return threads.Select(t => t.IsAlive).ToArray();
        }
    }
}
