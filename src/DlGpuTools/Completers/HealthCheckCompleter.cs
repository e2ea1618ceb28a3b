using DlGpuTools.Health;

namespace DlGpuTools.Commands
{
    /// <summary>Completes Test-GpuHealth -Check and -Skip from the registered health checks, with their descriptions.</summary>
    public sealed class HealthCheckCompleter : RegisteredIdCompleter
    {
        public HealthCheckCompleter()
            : base(typeof(HealthChecks))
        {
        }
    }
}
