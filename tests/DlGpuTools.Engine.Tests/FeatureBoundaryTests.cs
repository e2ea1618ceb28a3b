using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The GPU features share their GPU work through GpuWork and reach each other only through what a cmdlet could
    /// call too: no feature uses another feature's internal types or members. The allowed edges are the table below,
    /// read from the compiled engine by the same IL scan as <see cref="FolderDependencyTests"/>.
    /// </summary>
    public class FeatureBoundaryTests
    {
        private static readonly string[] Features = { "Bandwidth", "Benchmarks", "Collectives", "GpuWork", "Health" };

        /// <summary>From each feature, the features it may use, and whether internals too or only the public surface.</summary>
        private static readonly Dictionary<string, Dictionary<string, Reach>> Allowed = new Dictionary<string, Dictionary<string, Reach>>
        {
            ["GpuWork"] = new Dictionary<string, Reach>(),
            ["Bandwidth"] = new Dictionary<string, Reach> { ["GpuWork"] = Reach.Internals },
            ["Benchmarks"] = new Dictionary<string, Reach> { ["GpuWork"] = Reach.Internals },
            ["Collectives"] = new Dictionary<string, Reach> { ["GpuWork"] = Reach.Internals },
            ["Health"] = new Dictionary<string, Reach>
            {
                ["GpuWork"] = Reach.Internals,
                ["Bandwidth"] = Reach.PublicSurface,   // the link screening runs registered bandwidth tests, as Measure-GpuBandwidth does
                ["Benchmarks"] = Reach.PublicSurface,  // the card table's peak figure and the GEMM request defaults
                ["Collectives"] = Reach.PublicSurface, // the all-reduce check runs a collective measurement
            },
        };

        public enum Reach
        {
            PublicSurface,
            Internals,
        }

        [Fact]
        public void Features_use_each_other_only_as_the_table_allows()
        {
            var graph = FolderGraph.Of(typeof(Registry<>).Assembly, "DlGpuTools");

            var wrong = Violations(graph, Allowed);

            Assert.True(wrong.Count == 0, "Feature edges the table does not allow:\n" + string.Join("\n", wrong));
        }

        [Fact]
        public void The_check_names_an_internal_member_of_a_public_type_that_a_feature_calls()
        {
            var graph = FolderGraph.Of(typeof(FeatureBoundaryTests).Assembly, "DlGpuTools.Engine.Tests.BoundarySample");
            var onlyPublic = new Dictionary<string, Dictionary<string, Reach>>
            {
                ["Caller"] = new Dictionary<string, Reach> { ["Offered"] = Reach.PublicSurface },
                ["Offered"] = new Dictionary<string, Reach>(),
            };

            var wrong = Violations(graph, onlyPublic, "Caller", "Offered");

            string line = Assert.Single(wrong);
            Assert.Contains("Hidden", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Open", line, StringComparison.Ordinal);
        }

        [Fact]
        public void Health_reaches_no_internals_of_Bandwidth_or_Benchmarks()
        {
            Assert.Equal(Reach.PublicSurface, Allowed["Health"]["Bandwidth"]);
            Assert.Equal(Reach.PublicSurface, Allowed["Health"]["Benchmarks"]);
        }

        [Fact]
        public void Bandwidth_does_its_gpu_work_through_the_port_and_names_no_driver_type()
        {
            var graph = FolderGraph.Of(typeof(Registry<>).Assembly, "DlGpuTools");
            string[] driverTypes = { "CudaDriver", "DeviceContext", "ContextScope", "DeviceBuffer", "CudaStream" };

            var wrong = graph.Uses("Bandwidth", "Interop")
                .Where(u => driverTypes.Contains(u.Used is Type t ? t.Name : u.Used.DeclaringType!.Name))
                .Select(Describe).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToList();

            Assert.True(wrong.Count == 0, "Bandwidth reaches the driver past IGpuPort:\n" + string.Join("\n", wrong));
        }

        private static List<string> Violations(FolderGraph graph, Dictionary<string, Dictionary<string, Reach>> allowed,
            params string[] features)
        {
            if (features.Length == 0) features = Features;
            var wrong = new List<string>();
            foreach (string from in features)
            {
                foreach (string to in features.Where(f => f != from))
                {
                    var uses = graph.Uses(from, to);
                    if (uses.Count == 0) continue;
                    if (!allowed[from].TryGetValue(to, out Reach reach))
                    {
                        wrong.Add($"{from}->{to}: not allowed at all ({Describe(uses.First())})");
                        continue;
                    }

                    if (reach == Reach.Internals) continue;
                    wrong.AddRange(uses.Where(u => !IsPublic(u.Used)).Select(u => $"{from}->{to}: internal {Describe(u)}").OrderBy(l =>
                        l, StringComparer.Ordinal));
                }
            }

            return wrong;
        }

        private static string Describe((Type User, MemberInfo Used) use) =>
            use.Used is Type t ? $"{use.User.Name} uses {t.Name}" : $"{use.User.Name} uses {use.Used.DeclaringType!.Name}.{use.Used.Name}";

        private static bool IsPublic(MemberInfo member) => member switch
        {
            Type t => t.IsVisible,
            MethodBase m => m.IsPublic && m.DeclaringType!.IsVisible,
            FieldInfo f => f.IsPublic && f.DeclaringType!.IsVisible,
            _ => member.DeclaringType!.IsVisible,
        };
    }
}

#pragma warning disable SA1402, SA1403, CA1812 // Sample folders for the boundary check's own test.
namespace DlGpuTools.Engine.Tests.BoundarySample.Offered
{
    public static class Service
    {
        public static int Open() => 1;

        internal static int Hidden() => 2;
    }
}

namespace DlGpuTools.Engine.Tests.BoundarySample.Caller
{
    internal static class User
    {
        public static int Both() => Offered.Service.Open() + Offered.Service.Hidden();
    }
}
#pragma warning restore SA1402, SA1403, CA1812
