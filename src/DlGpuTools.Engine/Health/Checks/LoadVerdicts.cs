using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Bandwidth;
using DlGpuTools.Benchmarks;
using DlGpuTools.Diagnostics;
using DlGpuTools.Monitoring;

namespace DlGpuTools.Health
{
    /// <summary>
    /// The wording the load checks share: a copy whose data came back wrong, a GPU worker that hung or could not run.
    /// Wrong data fails wherever it shows (a GEMM word, a peer's bits, a copy, a memory word); a slow GPU only warns,
    /// since it still computes right.
    /// </summary>
    internal static class LoadVerdicts
    {
        internal static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

        /// <summary>
        /// The failed check of a copy whose data came back wrong (the bandwidth engine verifies every run); null for
        /// any other outcome. One wrong word fails "GEMM results", so wrong memory data fails too.
        /// </summary>
        internal static GpuHealthCheck? WrongData(int gpu, string name, string copy, Exception? failure)
        {
            if (!(failure is BandwidthVerificationException wrong)) return null;
            return HealthRow.Make(gpu, name, CheckStatus.Failed, F("The {0} read back data other than what was written: {1}", copy,
                wrong.Message),
                "Drain the node: jobs on this GPU can get wrong data without an error. Run Test-GpuHealth -Level Long to test the memory "
                    + "word by word; reset the GPU if it fails, and replace the board if it fails again.", HealthAction.Drain);
        }

        /// <summary>The failed check of a GPU worker that hung (RebootNode) or could not run (Drain); null when it ran.</summary>
        internal static GpuHealthCheck? DidNotFinish(int gpu, string name, string work, bool hung, Exception? failure, TimeSpan timeout,
            string failureRemedy)
        {
            if (hung)
            {
                return HealthRow.Make(gpu, name, CheckStatus.Failed,
                    F("The {0} did not come back within {1:0} s of its end: the GPU or its driver is hung.", work, timeout.TotalSeconds),
                    "Drain the node, check dmesg for Xid errors (grep NVRM: Xid) and reboot it.", HealthAction.RebootNode);
            }

            return failure == null ? null : HealthRow.Make(gpu, name, CheckStatus.Failed, F("The {0} could not run: {1}", work,
                failure.Message), failureRemedy, HealthAction.Drain);
        }

        internal static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

        internal static string Text(double? value) => value?.ToString("0", CultureInfo.InvariantCulture) ?? "?";
    }
}
