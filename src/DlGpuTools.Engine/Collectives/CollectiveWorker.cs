using System;
using System.Threading;

namespace DlGpuTools.Collectives
{
    /// <summary>
    /// Runs a collective's work on a thread of its own and watches it. NCCL leaves a CUDA context current on the
    /// thread that calls it (https://github.com/NVIDIA/nccl/issues/2231), so that thread is never PowerShell's. If
    /// the work makes no progress within the timeout (stuck inside an NCCL call, such as a rank that never joins),
    /// or the user stops the command, the watchdog aborts the communicators, which returns the stuck call with an
    /// error; a thread that still does not come back is left behind as a background thread and the run reported
    /// Failed, so the host is never stuck.
    /// </summary>
    internal static class CollectiveWorker
    {
        /// <summary>Grace after an abort for the worker to unwind and free its memory.</summary>
        private const int UnwindMilliseconds = 15000;

        public static T Run<T>(Func<T> work, CollectiveDeadline deadline, CommunicatorSet comms, string what, Action? whileWaiting)
        {
            T result = default!;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            })
            {
                IsBackground = true,
                Name = "DlGpuTools NCCL " + what,
            };
            thread.Start();
            bool stopped = false;
            while (!thread.Join(50))
            {
                whileWaiting?.Invoke();
                // The worker checks the same deadline between calls; this catches it stuck inside one.
                bool cancelled = deadline.Cancellation.IsCancellationRequested;
                if (!stopped && (cancelled || deadline.IdleSeconds > deadline.TimeoutSeconds + 2))
                {
                    stopped = true;
                    comms.Abort();
                    if (!thread.Join(UnwindMilliseconds))
                    {
                        if (cancelled) throw new OperationCanceledException(deadline.Cancellation);
                        throw new CollectiveTimeoutException(what, deadline.TimeoutSeconds);
                    }

                    if (cancelled) throw new OperationCanceledException(deadline.Cancellation);
                    if (failure != null) throw new CollectiveTimeoutException(what + " (" + failure.Message + ")", deadline.TimeoutSeconds);
                    break;
                }
            }

            if (failure != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }

            return result;
        }
    }
}
