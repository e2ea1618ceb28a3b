using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DlGpuTools.Devices;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The energy arithmetic: what a counter's two ends, its updates and its steps back give, and a sum over GPUs.</summary>
    public sealed class EnergyMeasurementTests
    {
        [Fact]
        public void ACounterWindowGivesJoulesPowerAndOneUpdatesUncertainty()
        {
            EnergyMeasurement e = EnergyMeasurement.FromCounter(5_000_000, 5_030_000, 0.3, 15, 20, false, null, null, 10);
            Assert.Equal(EnergyMethod.EnergyCounter, e.Method);
            Assert.Equal(30.0, e.Joules);
            Assert.Equal(100.0, e.AveragePowerW);
            Assert.Equal(20.0, e.UpdatePeriodMs);
            // One 20 ms update at 100 W: 2 J.
            Assert.Equal(2.0, e.UncertaintyJoules);
            Assert.Contains("updated every 20 ms", e.Note, StringComparison.Ordinal);
            Assert.Contains("±2 J (6.7%)", e.Note, StringComparison.Ordinal);
        }

        [Fact]
        public void ACounterThatChangedAtEveryReadGivesItsPeriodAsAnUpperBound()
        {
            EnergyMeasurement e = EnergyMeasurement.FromCounter(5_000_000, 5_030_000, 0.3, 6, 50, true, null, null, 10);
            Assert.Equal(5.0, e.UncertaintyJoules);
            Assert.Contains("changed at each of the 6 reads in 300 ms (one every 50 ms; the host read it less often than the 10 ms asked)",
                e.Note, StringComparison.Ordinal);
            Assert.Contains("updates at least that often and the figure is within about ±5 J (17%)", e.Note, StringComparison.Ordinal);
        }

        [Fact]
        public void ACounterThatWentBackGivesNoFigureAndSaysWhy()
        {
            // The end is below the start: a driver reload between the reads.
            EnergyMeasurement back = EnergyMeasurement.FromCounter(5_000_000, 1_200, 0.3, 3, 20, false, null, null, 10);
            Assert.Null(back.Joules);
            Assert.Null(back.AveragePowerW);
            Assert.Contains("went back from 5000000 mJ to 1200 mJ", back.Note, StringComparison.Ordinal);

            // A reload early in the window, with the counter past the start again by the end: still no figure.
            EnergyMeasurement hidden = EnergyMeasurement.FromCounter(5_000, 9_000_000, 120, 3000, 40, false, 5_100, 20, 10);
            Assert.Null(hidden.Joules);
            Assert.Contains("went back from 5100 mJ to 20 mJ", hidden.Note, StringComparison.Ordinal);
        }

        [Fact]
        public void ACounterThatDidNotMoveGivesNoFigureRatherThanZero()
        {
            EnergyMeasurement e = EnergyMeasurement.FromCounter(7_000, 7_000, 0.004, 0, null, false, null, null, 10);
            Assert.Equal(EnergyMethod.EnergyCounter, e.Method);
            Assert.Null(e.Joules);
            Assert.Contains("did not move during the 4 ms window", e.Note, StringComparison.Ordinal);
        }

        [Fact]
        public void OneUpdateGivesAFigureWhoseUncertaintyIsTheFigure()
        {
            EnergyMeasurement e = EnergyMeasurement.FromCounter(7_000, 9_000, 0.03, 1, null, false, null, null, 10);
            Assert.Equal(2.0, e.Joules);
            Assert.Equal(2.0, e.UncertaintyJoules);
            Assert.Null(e.UpdatePeriodMs);
            Assert.Contains("updated only 1 time(s)", e.Note, StringComparison.Ordinal);
        }

        [Fact]
        public void GpusAreAddedOnlyWhenEachHasAFigure()
        {
            EnergyMeasurement a = EnergyMeasurement.FromCounter(0, 30_000, 0.3, 15, 20, false, null, null, 10);
            EnergyMeasurement b = EnergyMeasurement.FromCounter(0, 15_000, 0.31, 15, 20, false, null, null, 10);
            EnergyMeasurement sum = EnergyMeasurement.Total(new[] { a, b }, new[] { 0, 1 });
            Assert.Equal(45.0, sum.Joules);
            Assert.Equal(0.31, sum.Seconds);
            // Each GPU's one update at its own average power: 2 J + 0.968 J.
            Assert.Equal(2.968, sum.UncertaintyJoules);
            Assert.Equal(EnergyMethod.EnergyCounter, sum.Method);
            Assert.StartsWith("Sum over GPUs 0 and 1.", sum.Note, StringComparison.Ordinal);

            EnergyMeasurement sampled = EnergyMeasurement.FromPower(20, 0.3, 30, "not supported", 10);
            Assert.Equal(EnergyMethod.SampledPower, EnergyMeasurement.Total(new[] { a, sampled }, new[] { 0, 1 }).Method);

            EnergyMeasurement none = EnergyMeasurement.FromCounter(0, 0, 0.3, 0, null, false, null, null, 10);
            EnergyMeasurement partial = EnergyMeasurement.Total(new[] { a, none }, new[] { 0, 1 });
            Assert.Null(partial.Joules);
            Assert.Contains("GPU 1: No energy figure", partial.Note, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(1.23456, 1.235)]
        [InlineData(0.000123456, 0.0001235)]
        [InlineData(123456.0, 123500.0)]
        [InlineData(0.0, 0.0)]
        public void WorkPerEnergyKeepsFourSignificantDigits(double value, double expected) =>
            Assert.Equal(expected, EnergyMeasurement.Significant(value, 4), 12);

        [Fact]
        public void TheMethodGoesIntoAResultAsItsName()
        {
            var result = new MatMulResult();
            EnergyMeasurement.FromPower(20, 0.25, 26, "not supported", 10).CopyTo(result);
            Assert.Equal("SampledPower", result.EnergyMethod);
            Assert.Equal(20.0, result.EnergyJoules);
            Assert.Equal(80.0, result.AveragePowerW);
            Assert.Null(result.EnergyUncertaintyJoules);
        }
    }

    /// <summary>The counter in the Prometheus text: dcgm-exporter's name, type and unit.</summary>
    public sealed class PrometheusEnergyTests
    {
        [Fact]
        public void TheEnergyCounterIsACounterInMillijoules()
        {
            var sample = new GpuSample { Index = 0, Uuid = "GPU-0", ComputerName = "node1", TotalEnergyMillijoules = 72_500_123_456 };
            var without = new GpuSample { Index = 1, Uuid = "GPU-1", ComputerName = "node1" };
            string[] lines = PrometheusExposition.Format(new[] { sample, without }).Split('\n');
            Assert.Contains("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter", lines);
            Assert.Single(lines, l => l.StartsWith("# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION ", StringComparison.Ordinal)
                && l.Contains("(in mJ)", StringComparison.Ordinal));
            // The exact integer, not an exponent; and no line for the GPU without the counter.
            Assert.Single(lines, l => l.StartsWith("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\"", StringComparison.Ordinal)
                && l.EndsWith("} 72500123456", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.StartsWith("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"1\"", StringComparison.Ordinal));
        }
    }

    /// <summary>The bracket's reading thread over scripted sensors: in-process, no native library.</summary>
    public sealed class EnergyBracketTests
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

        private sealed class ScriptedSensor : IEnergySensor
        {
            public int Index { get; set; }

            public Func<ulong?> Counter { get; set; } = () => null;

            public Func<uint?> Power { get; set; } = () => null;

            public ManualResetEventSlim? Hang { get; set; }

            public bool TryReadCounter(out ulong millijoules, out string? unavailable)
            {
                Hang?.Wait();
                ulong? v = Counter();
                millijoules = v ?? 0;
                unavailable = v.HasValue ? null : "scripted: no counter";
                return v.HasValue;
            }

            public bool TryReadPower(out uint milliwatts, out string? unavailable)
            {
                uint? v = Power();
                milliwatts = v ?? 0;
                unavailable = v.HasValue ? null : "scripted: no power";
                return v.HasValue;
            }
        }

        [Fact]
        public void ACounterResetBetweenTheEndsIsReportedNotSubtracted()
        {
            long value = 9_000_000;
            var sensor = new ScriptedSensor { Counter = () => (ulong)Interlocked.Read(ref value) };
            using (EnergyBracket bracket = EnergyBracket.Start(new[] { sensor }, Poll, Wait))
            {
                Thread.Sleep(30);
                Interlocked.Exchange(ref value, 500);
                EnergyMeasurement e = bracket.Stop(Wait).Single();
                Assert.Null(e.Joules);
                Assert.Contains("went back from 9000000 mJ to 500 mJ", e.Note, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void WithoutTheCounterSteadyPowerIsIntegratedOverTheWindow()
        {
            var sensor = new ScriptedSensor { Index = 3, Power = () => 250_000 };
            using (EnergyBracket bracket = EnergyBracket.Start(new[] { sensor }, Poll, Wait))
            {
                Thread.Sleep(60);
                EnergyMeasurement e = bracket.Stop(Wait).Single();
                Assert.Equal(EnergyMethod.SampledPower, e.Method);
                Assert.True(e.Seconds >= 0.05, e.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                // Constant power: the trapezoids add up to power x time exactly (up to rounding to mJ).
                Assert.InRange(Must.HaveValue(e.Joules), 250 * e.Seconds - 0.03, 250 * e.Seconds + 0.03);
                Assert.Equal(250.0, e.AveragePowerW);
                Assert.Contains("scripted: no counter", e.Note, StringComparison.Ordinal);
                Assert.Equal(new[] { 3 }, bracket.Gpus);
            }
        }

        [Fact]
        public void NeitherCounterNorPowerSaysBoth()
        {
            var sensor = new ScriptedSensor { Index = 1 };
            using (EnergyBracket bracket = EnergyBracket.Start(new[] { sensor }, Poll, Wait))
            {
                EnergyMeasurement e = bracket.Stop(Wait).Single();
                Assert.Null(e.Method);
                Assert.Null(e.Joules);
                Assert.Contains("scripted: no counter", e.Note, StringComparison.Ordinal);
                Assert.Contains("scripted: no power", e.Note, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void AHungSensorDelaysNeitherStartNorStopPastTheirTimeouts()
        {
            using (var hang = new ManualResetEventSlim())
            {
                var sensor = new ScriptedSensor { Counter = () => 1, Hang = hang };
                var shortWait = TimeSpan.FromMilliseconds(200);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using (EnergyBracket bracket = EnergyBracket.Start(new[] { sensor }, Poll, shortWait))
                {
                    EnergyMeasurement e = bracket.Stop(shortWait).Single();
                    Assert.Null(e.Joules);
                    Assert.Contains("did not answer", e.Note, StringComparison.Ordinal);
                    // The same answer again, without waiting a second time.
                    Assert.Same(e, bracket.Stop(shortWait).Single());
                    hang.Set();
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
            }
        }

        [Fact]
        public void AnUnavailableBracketAnswersForEveryGpu()
        {
            using (EnergyBracket bracket = EnergyBracket.Unavailable(new[] { 0, 2 }, "NVML could not be loaded (test)"))
            {
                IReadOnlyList<EnergyMeasurement> all = bracket.Stop(Wait);
                Assert.Equal(new[] { 0, 2 }, bracket.Gpus);
                Assert.Equal(2, all.Count);
                Assert.All(all, e => Assert.Equal("No energy figure: NVML could not be loaded (test).", e.Note));
            }
        }
    }

    /// <summary>The meter over the fake NVML: its stepping energy counter, the counter missing, a driver reload, no NVML.</summary>
    public sealed class EnergyMeterFakeTests : FakeLibraryTest
    {
        private static GpuRuntime NewRuntime(string? nvml = null) =>
            new GpuRuntime(FakeLibraries.Environment(FakeLibraries.CudaDriver, nvml ?? FakeLibraries.Nvml), PlatformNativeLoader.Instance);

        private static IReadOnlyList<CudaDevice> Devices(GpuRuntime runtime) => DeviceEnumerator.Enumerate(runtime).Devices;

        [FakeFact]
        public void TheCounterGivesTheFakesPowerTimesTheWindowWithinOneUpdate()
        {
            FakeLibraries.Configure("FAKENVML_ENERGY_UPDATE_MS=20");
            GpuRuntime runtime = NewRuntime();
            using (EnergyBracket bracket = EnergyMeter.Start(runtime, Devices(runtime).Where(d => d.Index == 0).ToArray()))
            {
                Thread.Sleep(400);
                EnergyMeasurement e = bracket.StopTotal(EnergyMeter.ReadTimeout);
                Assert.Equal(EnergyMethod.EnergyCounter, e.Method);
                // The fake's counter grows at 72.5 W in 20 ms steps: the two ends' steps differ from the window by less than one.
                Assert.InRange(Must.HaveValue(e.Joules), 72.5 * e.Seconds - 1.5, 72.5 * e.Seconds + 1.5);
                // At least the fake's 20 ms (less one read's lateness); more where a busy host read the counter less often.
                Assert.True(e.UpdatePeriodMs >= 15, e.Note);
                Assert.NotNull(e.UncertaintyJoules);
                Assert.Contains("nvmlDeviceGetTotalEnergyConsumption", e.Note, StringComparison.Ordinal);
            }
        }

        [FakeFact]
        public void WithoutTheCounterSampledPowerIsIntegratedAndSaysWhy()
        {
            FakeLibraries.Configure("FAKENVML_ENERGY=0");
            GpuRuntime runtime = NewRuntime();
            using (EnergyBracket bracket = EnergyMeter.Start(runtime, Devices(runtime)))
            {
                Thread.Sleep(100);
                IReadOnlyList<EnergyMeasurement> all = bracket.Stop(EnergyMeter.ReadTimeout);
                Assert.Equal(Devices(runtime).Select(d => d.Index), bracket.Gpus);
                Assert.All(all, e =>
                {
                    Assert.Equal(EnergyMethod.SampledPower, e.Method);
                    // Seconds are rounded to 0.1 ms, so power x Seconds is good to about 0.004 J.
                    Assert.InRange(Must.HaveValue(e.Joules), 72.5 * e.Seconds - 0.01, 72.5 * e.Seconds + 0.01);
                    Assert.Contains("NVML_ERROR_NOT_SUPPORTED", e.Note, StringComparison.Ordinal);
                });
            }
        }

        [FakeFact]
        public void ADriverReloadDuringTheWindowGivesNoFigure()
        {
            GpuRuntime runtime = NewRuntime();
            using (EnergyBracket bracket = EnergyMeter.Start(runtime, Devices(runtime).Where(d => d.Index == 0).ToArray()))
            {
                Thread.Sleep(50);
                FakeLibraries.Configure("FAKENVML_ENERGY_RELOADED=1");
                Thread.Sleep(50);
                EnergyMeasurement e = bracket.StopTotal(EnergyMeter.ReadTimeout);
                Assert.Null(e.Joules);
                Assert.Contains("went back", e.Note, StringComparison.Ordinal);
            }
        }

        [FakeFact]
        public void WithoutNvmlTheMeasurementSaysSoAndNothingThrows()
        {
            GpuRuntime runtime = NewRuntime();
            IReadOnlyList<CudaDevice> devices = Devices(runtime);
            GpuRuntime noNvml = NewRuntime("/nonexistent/libnvidia-ml.so.1");
            using (EnergyBracket bracket = EnergyMeter.Start(noNvml, devices))
            {
                IReadOnlyList<EnergyMeasurement> all = bracket.Stop(EnergyMeter.ReadTimeout);
                Assert.Equal(devices.Count, all.Count);
                Assert.All(all, e => Assert.StartsWith("No energy figure: NVML could not be loaded", e.Note, StringComparison.Ordinal));
            }
        }

        [FakeFact]
        public void SamplesCarryTheCounterWhereTheGpuHasIt()
        {
            FakeLibraries.Configure("FAKENVML_ENERGY=1,0");
            GpuRuntime runtime = NewRuntime();
            var warnings = new List<string>();
            using (GpuSampler sampler = GpuSampler.Create(runtime, Devices(runtime), warnings))
            {
                IReadOnlyList<GpuSample> samples = sampler.Sample();
                Assert.True(samples.Single(s => s.Index == 0).TotalEnergyMillijoules > 0);
                Assert.Null(samples.Single(s => s.Index == 1).TotalEnergyMillijoules);
            }
        }
    }
}
