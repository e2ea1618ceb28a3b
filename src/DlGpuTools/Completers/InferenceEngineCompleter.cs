using DlGpuTools.Recommendations;

namespace DlGpuTools.Commands
{
    /// <summary>Completes Get-GpuRecommendation -Engine from the engine's table of serving engines.</summary>
    public sealed class InferenceEngineCompleter : RegisteredIdCompleter
    {
        public InferenceEngineCompleter() : base(typeof(InferenceEngines))
        {
        }
    }
}
