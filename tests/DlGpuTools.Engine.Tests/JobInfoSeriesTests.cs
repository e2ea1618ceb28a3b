using System;
using System.Linq;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public sealed class JobInfoSeriesTests
    {
        private const string Gpu0 = "GPU-fa4e0030-4050-6070-8090-a0b0c0d0e0f0";
        private const string Gpu1 = "GPU-fa4e0031-4050-6070-8090-a0b0c0d0e0f0";

        [Fact]
        public void AGpuInMigModeHasOneSeriesNotOnePerMigDevice()
        {
            GpuSample[] latest =
            {
                new GpuSample { Index = 0, Uuid = Gpu0, ComputerName = "node1", MigUuid = "MIG-a", MigProfile = "3g.40gb" },
                new GpuSample { Index = 0, Uuid = Gpu0, ComputerName = "node1", MigUuid = "MIG-b", MigProfile = "1g.10gb" },
                new GpuSample { Index = 1, Uuid = Gpu1, ComputerName = "node1" },
            };

            string text = JobInfoSeries.Format(latest, "4711", "Hostname");

            string[] series = text.Split('\n').Where(l => l.StartsWith(JobInfoSeries.MetricName + "{", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, series.Length);
            Assert.Equal(series.Length, series.Distinct(StringComparer.Ordinal).Count());
            Assert.Contains("dlgputools_job_info{hpc_job=\"4711\",gpu=\"0\",UUID=\"" + Gpu0 + "\",Hostname=\"node1\"} 1", series);
            Assert.Contains("dlgputools_job_info{hpc_job=\"4711\",gpu=\"1\",UUID=\"" + Gpu1 + "\",Hostname=\"node1\"} 1", series);
        }

        [Fact]
        public void NoJobIdNoSeries() =>
            Assert.Equal(string.Empty, JobInfoSeries.Format(new[] { new GpuSample { Index = 0, Uuid = Gpu0 } }, null, "Hostname"));
    }
}
