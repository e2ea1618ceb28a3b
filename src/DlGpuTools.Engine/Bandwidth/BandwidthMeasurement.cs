using System;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Topology;

namespace DlGpuTools.Bandwidth
{
    /// <summary>What one test hands the timing loop: the operation, its check, how its bytes count and how it was done.</summary>
    internal sealed class BandwidthMeasurement
    {
        /// <summary>One operation, queued on the stream it is given.</summary>
        public Action<PortStream> Forward { get; set; } = _ => throw new InvalidOperationException("The test set no operation to time.");

        /// <summary>A second operation queued with each forward one on a second stream (both directions at once); null for one.</summary>
        public Action<PortStream>? Backward { get; set; }

        /// <summary>Checks the data after the timed batches; returns the elements checked.</summary>
        public Func<int> Verify { get; set; } = () => throw new InvalidOperationException("The test set no check of its data.");

        /// <summary>Buffer sizes counted per operation (2 when both directions add): GBps.</summary>
        public int CountedBuffers { get; set; } = 1;

        /// <summary>Buffer sizes of memory traffic per operation (a device copy reads and writes: 2): TrafficGBps.</summary>
        public int TrafficBuffers { get; set; } = 1;

        /// <summary>How the bytes are counted, in words (the result's BytesCounted).</summary>
        public string Counted { get; set; } = string.Empty;

        /// <summary>What moved the data: <see cref="Engines.CopyEngine"/> or <see cref="Engines.SmKernel"/>.</summary>
        public string Engine { get; set; } = string.Empty;

        /// <summary>Read after the copies, so a link that trained down while idle is read at speed.</summary>
        public Func<Theoretical> Theoretical { get; set; } = () => new Theoretical(null, "unknown");

        /// <summary>How the operation was done (API or kernel, memory, placement), the start of the result's Method.</summary>
        public string Method { get; set; } = string.Empty;
    }

    /// <summary>The two ways data is moved, named as the results' Engine column shows them.</summary>
    internal static class Engines
    {
        public const string CopyEngine = "copy engine";
        public const string SmKernel = "SM kernel";
    }
}
