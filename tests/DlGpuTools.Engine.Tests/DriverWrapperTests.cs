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

        /// <summary>The driver's calls that make, use or release memory, streams, events and contexts.</summary>
        private static readonly string[] ResourceCallPrefixes = { "cuMem", "cuStream", "cuEvent", "cuCtx", "cuDevicePrimaryCtx" };

        /// <summary>Folders outside Interop and GpuWork that still make such calls themselves, each with why.</summary>
        private static readonly Dictionary<string, string> ResourceCallers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Diagnostics"] = "FunctionalChecks runs cuBLAS and cuDNN on the legacy stream and waits for them with cuCtxSynchronize and "
                + "the synchronous copies and fill, which the port's non-blocking streams do not order with",
        };

        [Fact]
        public void No_folder_but_Interop_and_GpuWork_calls_the_drivers_memory_stream_event_or_context_functions()
        {
            Assembly engine = typeof(Registry<>).Assembly;
            var graph = FolderGraph.Of(engine, "DlGpuTools");
            var folders = engine.GetTypes().Select(t => t.Namespace)
                .Where(ns => ns != null && ns.StartsWith("DlGpuTools.", StringComparison.Ordinal))
                .Select(ns => ns!.Split('.')[1]).Distinct().Where(f => !Owners.Contains(f) && !ResourceCallers.ContainsKey(f));

            var wrong = ResourceCalls(graph, folders, Owners, "DlGpuTools.Interop.CudaDriver");

            Assert.True(wrong.Count == 0,
                "The driver's memory, stream, event or context calls made outside Interop and GpuWork (use the port):\n" +
                string.Join("\n", wrong));
        }

        [Fact]
        public void Every_folder_excused_from_the_resource_rule_still_makes_such_a_call()
        {
            Assembly engine = typeof(Registry<>).Assembly;
            var graph = FolderGraph.Of(engine, "DlGpuTools");

            foreach (string folder in ResourceCallers.Keys)
                Assert.NotEmpty(ResourceCalls(graph, new[] { folder }, Owners, "DlGpuTools.Interop.CudaDriver"));
        }

        [Fact]
        public void The_resource_rule_names_a_feature_that_calls_the_driver_itself()
        {
            var graph = FolderGraph.Of(typeof(DriverWrapperTests).Assembly, "DlGpuTools.Engine.Tests.WrapperSample");

            var wrong = ResourceCalls(graph, new[] { "Feature" }, new[] { "Native" }, typeof(WrapperSample.Native.RawDriver).FullName!);

            string line = Assert.Single(wrong);
            Assert.Equal("Feature: Allocation calls RawDriver.cuMemAlloc", line);
        }

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

        private static List<string> ResourceCalls(FolderGraph graph, IEnumerable<string> folders, IEnumerable<string> owners,
            string driver)
        {
            var wrong = new List<string>();
            foreach (string folder in folders)
            {
                foreach (string owner in owners)
                {
                    wrong.AddRange(graph.Uses(folder, owner)
                        .Where(u => u.Used is MethodBase && u.Used.DeclaringType?.FullName == driver
                            && ResourceCallPrefixes.Any(p => u.Used.Name.StartsWith(p, StringComparison.Ordinal)))
                        .Select(u => $"{folder}: {u.User.Name} calls {u.Used.DeclaringType!.Name}.{u.Used.Name}").Distinct()
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

    internal sealed class RawDriver
    {
        private readonly int _base = 3;

        public int cuMemAlloc(int bytes) => _base + bytes;

        public int cuDeviceGetName(int device) => _base + device;
    }
}

namespace DlGpuTools.Engine.Tests.WrapperSample.Feature
{
    internal static class Timing
    {
        public static int Both() => new Native.RawStream().Handle + new Native.Harmless().Value;
    }

    internal static class Allocation
    {
        public static int Both(Native.RawDriver driver) => driver.cuMemAlloc(1) + driver.cuDeviceGetName(0);
    }
}
#pragma warning restore SA1402, SA1403, CA1812
