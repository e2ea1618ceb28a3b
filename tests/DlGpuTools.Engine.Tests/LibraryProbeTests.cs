using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class LibraryProbeTests
    {
        /// <summary>A loader that "loads" only the names it is told to, with a recognisable error otherwise.</summary>
        private sealed class ScriptedLoader : INativeLoader
        {
            private readonly HashSet<string> _loadable;
            private readonly HashSet<string> _missing;
            public readonly List<string> Requested = new List<string>();
            public readonly List<FakeHandle> Handles = new List<FakeHandle>();

            public ScriptedLoader(IEnumerable<string> loadable, IEnumerable<string> missing = null)
            {
                _loadable = new HashSet<string>(loadable);
                _missing = new HashSet<string>(missing ?? Array.Empty<string>());
            }

            public bool IsMissingFile(string path) => _missing.Contains(path);

            public NativeLibraryHandle TryLoad(string path, out string error)
            {
                Requested.Add(path);
                if (!_loadable.Contains(path))
                {
                    error = path + ": cannot open shared object file";
                    return null;
                }

                error = null;
                var h = new FakeHandle(path);
                Handles.Add(h);
                return h;
            }
        }

        private sealed class FakeHandle : NativeLibraryHandle
        {
            public FakeHandle(string path) : base(new IntPtr(1), path) { }
            public bool Released { get; private set; }
            protected override bool ReleaseHandle() { Released = true; return true; }
        }

        private static List<LibraryCandidate> Candidates(params string[] paths) => paths.Select(p => new LibraryCandidate(p, "test")).ToList();

        [Fact]
        public void Stops_at_the_first_candidate_that_loads_and_proves_itself()
        {
            var loader = new ScriptedLoader(new[] { "b", "c" });
            ProbeResult result = LibraryProbe.Load(NativeLibraryKind.CudaDriver, Candidates("a", "b", "c"), loader, _ => null);
            Assert.Equal("b", result.Candidate.Path);
            Assert.Equal(new[] { "a", "b" }, loader.Requested);
            Assert.Equal(2, result.Attempts.Count);
            Assert.False(result.Attempts[0].Loaded);
            Assert.Contains("cannot open shared object file", result.Attempts[0].Error);
            Assert.True(result.Attempts[1].Loaded);
        }

        [Fact]
        public void A_rejected_copy_is_closed_recorded_and_the_search_goes_on()
        {
            var loader = new ScriptedLoader(new[] { "stub", "real" });
            ProbeResult result = LibraryProbe.Load(NativeLibraryKind.CudaDriver, Candidates("stub", "real"), loader,
                h => h.RequestedPath == "stub" ? "it is the CUDA toolkit's link stub" : null);
            Assert.Equal("real", result.Candidate.Path);
            Assert.True(loader.Handles[0].Released);
            Assert.False(loader.Handles[1].Released);
            Assert.Contains("link stub", result.Attempts[0].Error);
        }

        [Fact]
        public void A_validator_that_throws_rejects_instead_of_escaping()
        {
            var loader = new ScriptedLoader(new[] { "x" });
            var e = Assert.Throws<NativeLibraryNotFoundException>(() =>
                LibraryProbe.Load(NativeLibraryKind.Nvml, Candidates("x"), loader, _ => throw new InvalidOperationException("boom")));
            Assert.Contains("boom", e.Attempts[0].Error);
        }

        [Fact]
        public void Nothing_loads_gives_every_attempt_in_order_in_the_exception()
        {
            var loader = new ScriptedLoader(Array.Empty<string>(), missing: new[] { "/missing/libcuda.so.1" });
            var e = Assert.Throws<NativeLibraryNotFoundException>(() =>
                LibraryProbe.Load(NativeLibraryKind.CudaDriver, Candidates("libcuda.so.1", "/missing/libcuda.so.1", "libcuda.so.1"), loader, _ => null));
            Assert.Equal(NativeLibraryKind.CudaDriver, e.Kind);
            Assert.Equal(2, e.Attempts.Count); // the duplicate is tried once
            Assert.Equal("no such file", e.Attempts[1].Error);
            Assert.Equal(new[] { "libcuda.so.1" }, loader.Requested); // a missing absolute path never reaches the loader
            Assert.Contains("libcuda.so.1", e.Message);
            Assert.Contains("/missing/libcuda.so.1", e.Message);
            Assert.Contains("CUDA driver", e.Message);
        }
    }
}
