using DlGpuTools.Bandwidth;

namespace DlGpuTools.Commands
{
    /// <summary>Completes Measure-GpuBandwidth -Test from the registered bandwidth tests.</summary>
    public sealed class BandwidthTestCompleter : RegisteredIdCompleter
    {
        public BandwidthTestCompleter() : base(typeof(BandwidthTests))
        {
        }
    }
}
