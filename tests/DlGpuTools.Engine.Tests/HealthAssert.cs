using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The rule a report must keep, stated here independently of the engine: a check's action belongs to its
    /// status (Passed and Skipped: None; Warning: Watch or Configure; Failed: Drain or stronger), so the verdict
    /// decides the action class (Healthy: None; Degraded: Watch or Configure, the node takes jobs; Unhealthy: Drain
    /// or stronger, it does not), the action is the most severe of the checks that set the verdict, and the reason
    /// names the check that set the action.
    /// </summary>
    internal static class HealthAssert
    {
        private static readonly HealthAction[] WarningActions = { HealthAction.Watch, HealthAction.Configure };
        private static readonly HealthAction[] FailedActions = { HealthAction.Drain, HealthAction.ResetGpu, HealthAction.RebootNode,
            HealthAction.ReplaceGpu };

        public static GpuHealthReport Agrees(GpuHealthReport report)
        {
            foreach (GpuHealthCheck check in report.Checks) CheckFits(check);
            foreach (GpuHealth gpu in report.Gpus) Folds(gpu.Checks, gpu.Verdict, gpu.Action, gpu.Reason);
            Folds(report.Checks, report.Verdict, report.Action, report.Reason);
            return report;
        }

        private static void CheckFits(GpuHealthCheck check)
        {
            var action = Enum.Parse<HealthAction>(check.Action);
            string where = $"{check.Check} on {(check.Gpu is int g ? "GPU " + g : "the host")}: {check.Status} with {check.Action}";
            switch (Enum.Parse<CheckStatus>(check.Status))
            {
                case CheckStatus.Warning:
                    Assert.True(WarningActions.Contains(action), where + " (a warning keeps the node in service: Watch or Configure)");
                    break;
                case CheckStatus.Failed:
                    Assert.True(FailedActions.Contains(action), where + " (a failure takes the node out of service: Drain or stronger)");
                    break;
                default:
                    Assert.True(action == HealthAction.None, where + " (nothing to do about a passed or skipped check)");
                    break;
            }
        }

        private static void Folds(IReadOnlyCollection<GpuHealthCheck> checks, string verdict, string action, string? reason)
        {
            HealthVerdict expected = checks.Any(c => c.Status == nameof(CheckStatus.Failed)) ? HealthVerdict.Unhealthy
                : checks.Any(c => c.Status == nameof(CheckStatus.Warning)) ? HealthVerdict.Degraded : HealthVerdict.Healthy;
            Assert.Equal(expected.ToString(), verdict);
            string setting = verdict switch
            {
                nameof(HealthVerdict.Unhealthy) => nameof(CheckStatus.Failed),
                nameof(HealthVerdict.Degraded) => nameof(CheckStatus.Warning),
                _ => string.Empty,
            };
            if (setting.Length == 0)
            {
                Assert.Equal(nameof(HealthAction.None), action);
                Assert.Null(reason);
                return;
            }

            GpuHealthCheck[] setters = checks.Where(c => c.Status == setting).ToArray();
            Assert.NotEmpty(setters);
            HealthAction most = setters.Max(c => Enum.Parse<HealthAction>(c.Action));
            Assert.Equal(most.ToString(), action);
            GpuHealthCheck named = setters.First(c => c.Action == action);
            string prefix = (named.Gpu is int g ? $"GPU {g}: " : string.Empty) + named.Check + ": ";
            Assert.StartsWith(prefix, reason, StringComparison.Ordinal);
        }
    }
}
