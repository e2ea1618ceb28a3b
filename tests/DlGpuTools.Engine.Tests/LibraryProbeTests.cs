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

            public ScriptedLoader(IEnumerable<string> loadable, IEnumerable<string>? missing = null)
            {
                _loadable = new HashSet<string>(loadable);
                _missing = new HashSet<string>(missing ?? Array.Empty<string>());
            }

            public bool IsMissingFile(string path) => _missing.Contains(path);

            public NativeLibraryHandle? TryLoad(string path, out string? error)
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

        private static List<LibraryCandidate> Candidates(params string[] paths) =>
            paths.Select(p => new LibraryCandidate(p, "test")).ToList();

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
                LibraryProbe.Load(NativeLibraryKind.CudaDriver,
                    Candidates("libcuda.so.1", "/missing/libcuda.so.1", "libcuda.so.1"), loader, _ => null));
            Assert.Equal(NativeLibraryKind.CudaDriver, e.Kind);
            Assert.Equal(2, e.Attempts.Count); // the duplicate is tried once
            Assert.Equal("no such file", e.Attempts[1].Error);
            Assert.Equal(new[] { "libcuda.so.1" }, loader.Requested); // a missing absolute path never reaches the loader
            Assert.Contains("libcuda.so.1", e.Message);
            Assert.Contains("/missing/libcuda.so.1", e.Message);
            Assert.Contains("CUDA driver", e.Message);
        }

        /// <summary>A loader that fails each path with a scripted error text.</summary>
        private sealed class FailingLoader : INativeLoader
        {
            private readonly Dictionary<string, string> _errors;

            public FailingLoader(Dictionary<string, string> errors) => _errors = errors;

            public bool IsMissingFile(string path) => path.StartsWith('/') && !_errors.ContainsKey(path);

            public NativeLibraryHandle? TryLoad(string path, out string? error)
            {
                error = _errors.TryGetValue(path, out string? e) ? e : path + ": cannot open shared object file: No such file or directory";
                return null;
            }
        }

        [Fact]
        public void A_file_the_loader_refuses_is_found_but_not_loadable_and_not_found_is_kept_apart()
        {
            var loader = new FailingLoader(new Dictionary<string, string>
            {
                ["libcudnn.so.9"] = "/opt/broken/libcudnn.so.9: file too short",
                ["/etc/override/libcudnn.so.9"] = "/etc/override/libcudnn.so.9: invalid ELF header",
            });
            var e = Assert.Throws<NativeLibraryNotFoundException>(() => LibraryProbe.Load(NativeLibraryKind.CuDnn,
                new List<LibraryCandidate> { new LibraryCandidate("libcudnn.so.8", "loader"),
                    new LibraryCandidate("libcudnn.so.9", "loader"),
                    new LibraryCandidate("/etc/override/libcudnn.so.9", "$env:DLGPUTOOLS_CUDNN_PATH"),
                    new LibraryCandidate("/missing/libcudnn.so.9", "folder") },
                loader, _ => null));
            Assert.Equal(new[] { ProbeOutcome.NotFound, ProbeOutcome.LoadFailed, ProbeOutcome.LoadFailed, ProbeOutcome.NotFound },
                e.Attempts.Select(a => a.Outcome));
            Assert.Equal("/opt/broken/libcudnn.so.9", e.Attempts[1].RefusedFile); // named by the loader's message
            Assert.True(e.Attempts[1].FoundByLoaderSearch);
            Assert.True(e.Attempts[2].FromOverride);
            Assert.False(e.Attempts[2].FoundByLoaderSearch);
            Assert.Same(e.Attempts[1], e.Unloadable);
            Assert.StartsWith("cuDNN was found but could not be loaded: /opt/broken/libcudnn.so.9 (loader): "
                + "/opt/broken/libcudnn.so.9: file too short.",
                e.Message);
            Assert.Contains("found but not loadable", e.Attempts[1].ToString());
        }

        [Fact]
        public void A_copy_rejected_after_loading_is_neither_missing_nor_unloadable()
        {
            var loader = new ScriptedLoader(new[] { "stub" });
            var e = Assert.Throws<NativeLibraryNotFoundException>(() =>
                LibraryProbe.Load(NativeLibraryKind.CudaDriver, Candidates("stub"), loader, _ => "a stub"));
            Assert.Equal(ProbeOutcome.Rejected, e.Attempts[0].Outcome);
            Assert.Null(e.Unloadable);
            Assert.StartsWith("The NVIDIA CUDA driver library could not be loaded.", e.Message);
        }

        [Theory]
        [InlineData("libcudnn.so.9", "libcudnn.so.9: cannot open shared object file: No such file or directory",
            nameof(ProbeOutcome.NotFound))]
        [InlineData("libcudnn.so.9", "/x/libcudnn.so.9: wrong ELF class: ELFCLASS32", nameof(ProbeOutcome.LoadFailed))]
        [InlineData("libcudnn.so.9", "libcudnn.so.9: cannot open shared object file: Permission denied", nameof(ProbeOutcome.LoadFailed))]
        [InlineData("cudnn64_9.dll", "Windows error 126: The specified module could not be found.", nameof(ProbeOutcome.NotFound))]
        [InlineData("/x/libcudnn.so.9", "/x/libcudnn.so.9: cannot read file data: Is a directory", nameof(ProbeOutcome.LoadFailed))]
        [InlineData("/x/libcudnn.so.9", "no such file", nameof(ProbeOutcome.NotFound))]
        public void Loader_errors_are_classified_by_whether_something_was_there(string candidate, string error, string expectedName)
        {
            var expected = Enum.Parse<ProbeOutcome>(expectedName);
            Assert.Equal(expected, ProbeAttempt.ClassifyLoaderError(candidate, error));
        }
    }
}
