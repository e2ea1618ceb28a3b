using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using DlGpuTools.Errors;
using DlGpuTools.Scheduling;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class SlurmHealthSyncTests
    {
        private const string Prefix = SlurmHealthSync.DefaultReasonPrefix;

        private static GpuHealthReport Report(string verdict, string? reason = null) =>
            new GpuHealthReport { Verdict = verdict, Reason = reason };

        [Theory]
        // verdict,    state,      reason on the node,                       change
        [InlineData("Unhealthy", "idle", null, "Drained")]
        [InlineData("Unhealthy", "mixed", null, "Drained")]
        [InlineData("Unhealthy", "drained", "dlgpu: GPU 0: ECC errors: 1", "None")]
        [InlineData("Unhealthy", "draining", "dlgpu: GPU 1: Clocks: slow", "ReasonUpdated")]
        [InlineData("Unhealthy", "drained", "maintenance: new PSU", "LeftDrainedByOthers")]
        [InlineData("Unhealthy", "drained", "Prolog error", "LeftDrainedByOthers")]
        [InlineData("Healthy", "drained", "dlgpu: GPU 0: ECC errors: 1", "Resumed")]
        [InlineData("Degraded", "draining", "dlgpu: GPU 0: ECC errors: 1", "Resumed")]
        [InlineData("Healthy", "drained", "maintenance: new PSU", "LeftDrainedByOthers")]
        [InlineData("Healthy", "drained", "DLGPU: not ours, the prefix is case-sensitive", "LeftDrainedByOthers")]
        [InlineData("Healthy", "idle", null, "None")]
        [InlineData("Healthy", "down*", "dlgpu: a down node is Slurm's to bring back", "None")]
        public void Drains_and_resumes_only_what_the_verdict_and_our_prefix_allow(string verdict, string state,
            string? reason, string change)
        {
            SlurmNodeSync plan = SlurmHealthSync.Plan(Report(verdict, "GPU 0: ECC errors: 1"), "n1",
                new SlurmNodeStatus(state, reason), Prefix);
            Assert.Equal(change, plan.Change);
            Assert.Equal(verdict != "Unhealthy", plan.Passed);
            Assert.Equal(state, plan.PreviousState);
        }

        [Fact]
        public void Applying_a_plan_calls_slurm_once_with_the_node_and_reason()
        {
            var slurm = new RecordingSlurm();
            SlurmNodeSync drain = SlurmHealthSync.Plan(Report("Unhealthy", "GPU 1: ECC errors: 2 uncorrectable"), "gpu-07",
                new SlurmNodeStatus("mixed", null), Prefix);
            SlurmHealthSync.Apply(drain, slurm);
            SlurmNodeSync resume = SlurmHealthSync.Plan(Report("Healthy"), "gpu-07", new SlurmNodeStatus("drained", drain.Reason), Prefix);
            SlurmHealthSync.Apply(resume, slurm);
            SlurmHealthSync.Apply(SlurmHealthSync.Plan(Report("Healthy"), "gpu-07", new SlurmNodeStatus("drained", "admin"), Prefix),
                slurm);
            Assert.Equal(new[] { "drain gpu-07 dlgpu: GPU 1: ECC errors: 2 uncorrectable", "resume gpu-07" }, slurm.Calls);
            Assert.Null(resume.Reason);
        }

        [Fact]
        public void The_reason_is_one_printable_line_of_bounded_length()
        {
            string reason = SlurmHealthSync.ReasonFor(Report("Unhealthy", "GPU 0:\tECC\r\nerrors:\u001b[31m " + new string('x', 400)),
                Prefix);
            Assert.StartsWith("dlgpu: GPU 0: ECC errors: [31m x", reason, StringComparison.Ordinal);
            Assert.True(reason.Length <= 200, reason);
            Assert.DoesNotContain(reason, char.IsControl);
            Assert.Equal("dlgpu: the GPU health check failed", SlurmHealthSync.ReasonFor(Report("Unhealthy"), Prefix));
        }

        [Theory]
        [InlineData("drained|dlgpu: GPU 0: a|b\n", "drained", "dlgpu: GPU 0: a|b", true)]
        [InlineData("idle|none\n", "idle", null, false)]
        [InlineData("\ndraining|maintenance\nidle|none\n", "draining", "maintenance", true)]
        [InlineData("mixed", "mixed", null, false)]
        public void Sinfo_lines_parse_with_a_bar_in_the_reason(string output, string state, string? reason, bool drained)
        {
            SlurmNodeStatus? status = SlurmNodeStatus.Parse(output);
            Assert.NotNull(status);
            Assert.Equal(state, status!.State);
            Assert.Equal(reason, status.Reason);
            Assert.Equal(drained, status.IsDrained);
            Assert.Null(SlurmNodeStatus.Parse(" \n"));
        }

        [Theory]
        [InlineData("Reason=dlgpu: GPU 0 \"x\" a\\b")]
        [InlineData("plain")]
        [InlineData("")]
        [InlineData("trailing\\")]
        [InlineData("a\\\"b c")]
        public void Quoted_arguments_reach_the_program_unchanged(string argument)
        {
            if (!File.Exists("/bin/sh")) return; // the round trip needs a POSIX shell; the quoting itself is the same everywhere
            var start = new ProcessStartInfo("/bin/sh",
                "-c " + SlurmCommands.QuoteArgument("printf %s \"$1\"") + " sh " + SlurmCommands.QuoteArgument(argument))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            using (Process p = Process.Start(start)!)
            {
                string echoed = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.Equal(argument, echoed);
            }
        }

        [Fact]
        public void A_missing_client_names_the_folders_searched()
        {
            var slurm = new SlurmCommands(name => name == "PATH" ? "/nonexistent-a:relative/b" : null);
            SlurmException e = Assert.Throws<SlurmException>(() => slurm.Query("n1"));
            Assert.Equal(ErrorCatalogue.SlurmCommandNotFound.Id, e.ErrorId);
            Assert.Contains("/nonexistent-a", e.Message, StringComparison.Ordinal);
            Assert.NotNull(Diagnostics.FailureClassifier.Classify(e, false, _ => null));
        }

        private sealed class RecordingSlurm : ISlurmControl
        {
            public List<string> Calls { get; } = new List<string>();

            public SlurmNodeStatus Query(string nodeName) => throw new NotSupportedException();

            public void Drain(string nodeName, string reason) => Calls.Add($"drain {nodeName} {reason}");

            public void Resume(string nodeName) => Calls.Add($"resume {nodeName}");
        }
    }
}
