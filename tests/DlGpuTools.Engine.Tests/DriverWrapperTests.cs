using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// GPU work holds its memory, streams and events through the port (GpuWork's DeviceMemory, OwnedStream and
    /// BatchTimer over IGpuPort), so the managed fake can run it; the driver's own wrappers stay inside Interop and
    /// GpuWork. Read from the compiled engine by the IL scan of <see cref="FolderDependencyTests"/>.
    /// </summary>
    public class DriverWrapperTests
    {
        /// <summary>By full name, so a wrapper that is deleted once its last user is gone needs no edit here.</summary>
        private static readonly string[] DriverWrappers =
        {
            "DlGpuTools.Interop.CudaStream",
            "DlGpuTools.Interop.DeviceBuffer",
            "DlGpuTools.Interop.EventTimer",
        };

        /// <summary>The folders that may name a driver wrapper themselves.</summary>
        private static readonly string[] Owners = { "Interop", "GpuWork" };

        [Fact]
        public void No_folder_but_Interop_and_GpuWork_names_a_driver_wrapper()
        {
            Assembly engine = typeof(Registry<>).Assembly;
            var graph = FolderGraph.Of(engine, "DlGpuTools");
            var folders = engine.GetTypes().Select(t => t.Namespace)
                .Where(ns => ns != null && ns.StartsWith("DlGpuTools.", StringComparison.Ordinal))
                .Select(ns => ns!.Split('.')[1]).Distinct().Where(f => !Owners.Contains(f));

            var wrong = Violations(graph, folders, Owners, DriverWrappers);

            Assert.True(wrong.Count == 0, "Driver wrappers named outside Interop and GpuWork (use the port):\n" + string.Join("\n", wrong));
        }

        [Fact]
        public void The_check_names_a_feature_that_holds_a_wrapper_itself()
        {
            var graph = FolderGraph.Of(typeof(DriverWrapperTests).Assembly, "DlGpuTools.Engine.Tests.WrapperSample");

            string[] wrappers = { typeof(WrapperSample.Native.RawStream).FullName! };

            var wrong = Violations(graph, new[] { "Feature" }, new[] { "Native" }, wrappers);

            string line = Assert.Single(wrong);
            Assert.Contains("Feature: Timing uses RawStream", line, StringComparison.Ordinal);
        }

        private static List<string> Violations(FolderGraph graph, IEnumerable<string> folders, IEnumerable<string> owners,
            string[] wrappers)
        {
            var wrong = new List<string>();
            foreach (string folder in folders)
            {
                foreach (string owner in owners)
                {
                    wrong.AddRange(graph.Uses(folder, owner).Where(u => wrappers.Contains(WrapperOf(u.Used).FullName))
                        .Select(u => $"{folder}: {u.User.Name} uses {WrapperOf(u.Used).Name}").Distinct()
                        .OrderBy(l => l, StringComparer.Ordinal));
                }
            }

            return wrong;
        }

        private static Type WrapperOf(MemberInfo used) => used as Type ?? used.DeclaringType!;
    }
}

#pragma warning disable SA1402, SA1403, CA1812 // Sample folders for the wrapper check's own test.
namespace DlGpuTools.Engine.Tests.WrapperSample.Native
{
    internal sealed class RawStream
    {
        public int Handle { get; } = 1;
    }

    internal sealed class Harmless
    {
        public int Value { get; } = 2;
    }
}

namespace DlGpuTools.Engine.Tests.WrapperSample.Feature
{
    internal static class Timing
    {
        public static int Both() => new Native.RawStream().Handle + new Native.Harmless().Value;
    }
}
#pragma warning restore SA1402, SA1403, CA1812
