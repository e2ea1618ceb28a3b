using System;
using System.Threading;

namespace DlGpuTools.Health
{
    /// <summary>
    /// Runs native work that may block (an NVML query on a hung GPU or driver) with a time limit, so a health check
    /// reports a hung GPU as a failed check instead of hanging itself. A native call cannot be interrupted: on a
    /// timeout the worker thread is left blocked where it is. It is a background thread, so it does not keep the
    /// process alive, and one is left per hung GPU at most (the rest of that GPU's checks are not attempted).
    /// </summary>
    internal static class Watchdog
    {
        /// <summary>
        /// True when <paramref name="work"/> ended within <paramref name="timeout"/>; its exception, if any, is rethrown here.
        /// </summary>
        public static bool TryRun<T>(Func<T> work, TimeSpan timeout, out T result)
        {
            T value = default!; // set by the worker before Join returns true; unread otherwise
            Exception? failure = null;
            var worker = new Thread(() =>
            {
                try
                {
                    value = work();
                }
                catch (Exception e) // carried to the caller's thread and rethrown there, where it is classified
                {
                    failure = e;
                }
            })
            {
                IsBackground = true,
                Name = "DlGpuTools health watchdog",
            };
            worker.Start();
            if (!worker.Join(timeout))
            {
                result = default!; // the caller ignores it on false
                return false;
            }

            if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            result = value;
            return true;
        }
    }
}
