namespace DlGpuTools.Health
{
    /// <summary>Builds one row of a health report: a check's words, its status and its action.</summary>
    internal static class HealthRow
    {
        public static GpuHealthCheck Make(int? gpu, string check, CheckStatus status, string detail, string? remedy = null,
            HealthAction action = HealthAction.None) =>
            new GpuHealthCheck { Gpu = gpu, Check = check, CheckStatus = status, Detail = detail, Remedy = remedy,
                HealthAction = action };
    }
}
