using System;
using System.IO;
using System.Linq;
using DlGpuTools.Errors;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public sealed class JobSummaryTests
    {
        [Fact]
        public void ReadingsGiveMeanPeakAndEnergyByTrapezoids()
        {
            var readings = new[]
            {
                new JobReading(0, 0, 1UL << 30, 100),
                new JobReading(1, 50, 3UL << 30, 300),
                new JobReading(2, 100, 2UL << 30, null),
                new JobReading(3, null, null, 100),
            };
            var summary = new GpuJobSummary { DurationSeconds = 3 };
            JobMath.ApplyReadings(summary, readings);
            Assert.Equal(4, summary.SampleCount);
            Assert.Equal(50, summary.MeanUtilizationPercent);
            Assert.Equal(100, summary.PeakUtilizationPercent);
            Assert.Equal(3UL << 30, summary.PeakMemoryUsed);
            // (100+300)/2*1 + (300+100)/2*2, the reading without power skipped
            Assert.Equal(600.0, JobMath.IntegratePower(readings));
            JobMath.ApplyEnergy(summary, JobMath.IntegratePower(readings));
            Assert.Equal(200.0, summary.MeanPowerW);
            Assert.Null(JobMath.IntegratePower(new[] { new JobReading(0, 1, 1, 50) }));
        }

        [Fact]
        public void TheEnergyCounterIsMillijoulesAndAResetGivesNothing()
        {
            Assert.Equal(1234.5, JobMath.EnergyFromCounter(1_000_000, 2_234_500));
            Assert.Null(JobMath.EnergyFromCounter(5000, 4000));
            Assert.Null(JobMath.EnergyFromCounter(null, 4000));
        }

        [Fact]
        public void AccountingCountsOnlyProcessesStartedInTheWindowWeightedByRunTime()
        {
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var end = start.AddSeconds(100);
            var processes = new[]
            {
                new AccountedProcess { ProcessId = 1, UtilizationPercent = 90, MaxMemoryUsed = 10UL << 30, StartTime = start.AddSeconds(-5),
                    ActiveTime = TimeSpan.FromSeconds(50) },
                new AccountedProcess { ProcessId = 2, UtilizationPercent = 80, MaxMemoryUsed = 4UL << 30, StartTime = start.AddSeconds(10),
                    ActiveTime = TimeSpan.FromSeconds(30) },
                new AccountedProcess { ProcessId = 3, UtilizationPercent = 20, MaxMemoryUsed = 6UL << 30,
                    StartTime = start.AddSeconds(90), Running = true },
                new AccountedProcess { ProcessId = 4, UtilizationPercent = 99, StartTime = end.AddSeconds(1),
                    ActiveTime = TimeSpan.FromSeconds(1) },
            };
            var summary = new GpuJobSummary();
            Assert.Equal(2, JobMath.ApplyAccounting(summary, processes, start, end));
            Assert.Equal(2, summary.ProcessCount);
            // 80 over 30 s and 20 over the 10 s the running one has had: (2400 + 200) / 40
            Assert.Equal(65.0, summary.MeanUtilizationPercent);
            Assert.Equal(6UL << 30, summary.PeakMemoryUsed);
            Assert.Null(summary.PeakUtilizationPercent);
        }

        [Fact]
        public void JobStateRoundTripsAndRejectsAnythingElse()
        {
            var state = new JobState { Name = "1234", ComputerName = "gpu01",
                StartTime = DateTimeOffset.FromUnixTimeMilliseconds(1_770_000_000_123) };
            state.Gpus.Add(new JobStateGpu { Index = 0, Uuid = "GPU-abc-123", Name = "NVIDIA H100; 80GB\n", EnergyMillijoules = 987654321,
                AccountingEnabled = true });
            state.Gpus.Add(new JobStateGpu { Index = 1, Uuid = "GPU-def" });
            string text = state.Format();
            JobState? back = JobState.Parse(text);
            Assert.NotNull(back);
            Assert.Equal("1234", back.Name);
            Assert.Equal(state.StartTime, back.StartTime);
            Assert.Equal(987654321UL, back.Gpus[0].EnergyMillijoules);
            Assert.True(back.Gpus[0].AccountingEnabled);
            Assert.Equal("NVIDIA H100, 80GB ", back.Gpus[0].Name);
            Assert.Null(back.Gpus[1].EnergyMillijoules);
            Assert.Null(back.Gpus[1].AccountingEnabled);

            Assert.Null(JobState.Parse(text.Replace("name=1234", "name=../etc/passwd")));
            Assert.Null(JobState.Parse(text + "extra=1\n"));
            Assert.Null(JobState.Parse(text.Replace(";987654321;", ";-5;")));
            Assert.Null(JobState.Parse(text.Replace("GPU-def", "GPU def")));
            Assert.Null(JobState.Parse(text.TrimEnd('\n')));
            Assert.Null(JobState.Parse(string.Empty));
        }

        [Theory]
        [InlineData("1234", true)]
        [InlineData("run-42.a_b", true)]
        [InlineData("../x", false)]
        [InlineData(".hidden", false)]
        [InlineData("-x", false)]
        [InlineData("a/b", false)]
        [InlineData("", false)]
        public void JobNamesAreFileNamesNeverPaths(string name, bool valid) => Assert.Equal(valid, JobStateStore.IsValidName(name));

        [Fact]
        public void StateIsKeptOnlyInAPrivateFolderAndOnlyItsOwnFileIsRead()
        {
            string root = Path.Combine(Path.GetTempPath(), "dlgpu-jobs-" + Guid.NewGuid().ToString("N"));
            try
            {
                string folder = Path.Combine(root, "a", "jobs");
                var state = new JobState { Name = "77", StartTime = DateTimeOffset.UtcNow };
                state.Gpus.Add(new JobStateGpu { Index = 0, Uuid = "GPU-1" });
                JobStateStore.Write(folder, state);
                Assert.Equal(0x1C0u, Interop.FileStatus.Of(folder).Mode);
                Assert.Equal(0x180u, Interop.FileStatus.Of(Path.Combine(folder, "77.job")).Mode);
                Assert.Equal("77", JobStateStore.Read(folder, "77").Name);
                Assert.Equal(ErrorCatalogue.GpuJobNotStarted.Id,
                    Assert.Throws<GpuJobStateException>(() => JobStateStore.Read(folder, "78")).ErrorId);

                // A file others can read or write, or a link in its place, is not read.
                Interop.FileOperations.SetMode(Path.Combine(folder, "77.job"), 0x1B6);
                Assert.Equal(ErrorCatalogue.GpuJobStateInvalid.Id,
                    Assert.Throws<GpuJobStateException>(() => JobStateStore.Read(folder, "77")).ErrorId);
                File.Delete(Path.Combine(folder, "77.job"));
                File.WriteAllText(Path.Combine(root, "planted"), state.Format());
                File.CreateSymbolicLink(Path.Combine(folder, "77.job"), Path.Combine(root, "planted"));
                Assert.Equal(ErrorCatalogue.GpuJobStateInvalid.Id,
                    Assert.Throws<GpuJobStateException>(() => JobStateStore.Read(folder, "77")).ErrorId);

                // A folder open to others is refused for writing and reading.
                Interop.FileOperations.SetMode(folder, 0x1FF);
                Assert.Equal(ErrorCatalogue.GpuJobStateFolderUnsafe.Id,
                    Assert.Throws<GpuJobStateException>(() => JobStateStore.Write(folder, state)).ErrorId);
                Assert.Equal(ErrorCatalogue.GpuJobStateFolderUnsafe.Id,
                    Assert.Throws<GpuJobStateException>(() => JobStateStore.Read(folder, "77")).ErrorId);

                // A link where the folder should be is refused.
                string linked = Path.Combine(root, "linked");
                Directory.CreateSymbolicLink(linked, Path.Combine(root, "a"));
                Assert.Equal(ErrorCatalogue.GpuJobStateFolderUnsafe.Id,
                    Assert.Throws<GpuJobStateException>(() => JobStateStore.Write(linked, state)).ErrorId);
                Assert.Throws<ArgumentException>(() => JobStateStore.Read(Path.Combine(root, "a"), "../x"));
            }
            finally
            {
                Directory.Delete(root, true);
            }
        }

        [Fact]
        public void A_write_or_removal_the_file_system_refuses_is_a_state_error_with_the_folder_and_a_remedy()
        {
            if (OperatingSystem.IsWindows()) return;
            string root = Path.Combine(Path.GetTempPath(), "dlgpu-jobs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(root);
            try
            {
                var state = new JobState { Name = "77", StartTime = DateTimeOffset.UtcNow };
                state.Gpus.Add(new JobStateGpu { Index = 0, Uuid = "GPU-1" });

                // A folder name longer than any file system takes: mkdir refuses it, also for root.
                string tooLong = Path.Combine(root, new string('a', 300));
                var notMade = Assert.Throws<GpuJobStateException>(() => JobStateStore.Write(tooLong, state));
                Assert.Equal(ErrorCatalogue.GpuJobStateFolderUnsafe.Id, notMade.ErrorId);
                Assert.IsAssignableFrom<IOException>(notMade.InnerException);
                Assert.Equal($"The job state could not be written to {tooLong}: {notMade.InnerException!.Message}", notMade.Message);
                Assert.Equal(JobStateStore.FolderRemedy, notMade.Remedy);

                // A folder where the state file belongs: the rename over it and its removal both fail.
                string folder = Path.Combine(root, "jobs");
                JobStateStore.Write(folder, state);
                File.Delete(Path.Combine(folder, "77.job"));
                Directory.CreateDirectory(Path.Combine(folder, "77.job"));
                var notWritten = Assert.Throws<GpuJobStateException>(() => JobStateStore.Write(folder, state));
                Assert.Equal(ErrorCatalogue.GpuJobStateFolderUnsafe.Id, notWritten.ErrorId);
                Assert.StartsWith($"The job state could not be written to {folder}: ", notWritten.Message, StringComparison.Ordinal);
                var notRemoved = Assert.Throws<GpuJobStateException>(() => JobStateStore.Delete(folder, "77"));
                Assert.Equal(ErrorCatalogue.GpuJobStateInvalid.Id, notRemoved.ErrorId);
                Assert.Equal($"The job state in {folder} could not be removed: {notRemoved.InnerException!.Message}", notRemoved.Message);
                Assert.Equal(JobStateStore.FolderRemedy, notRemoved.Remedy);
                Assert.Empty(Directory.GetFiles(folder, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));
            }
            finally
            {
                Directory.Delete(root, true);
            }
        }
    }
}
