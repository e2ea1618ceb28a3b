using System;
using System.Collections.Generic;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class FailureClassifierTests
    {
        private static Failure? Classify(Exception e, bool windows = false, Dictionary<string, string>? vars = null) =>
            FailureClassifier.Classify(e, windows, n => vars != null && vars.TryGetValue(n, out string? v) ? v : null);

        private static Failure Known(Exception e, bool windows = false, Dictionary<string, string>? vars = null) =>
            Must.Exist(Classify(e, windows, vars));

        [Fact]
        public void Missing_driver_is_NotInstalled_with_searched_paths_and_an_os_specific_remedy()
        {
            var attempts = new[] { new ProbeAttempt("libcuda.so.1", "loader", false, "libcuda.so.1: cannot open shared object file") };
            Failure linux = Known(new NativeLibraryNotFoundException(NativeLibraryKind.CudaDriver, attempts));
            Assert.Equal("CudaDriverNotFound", linux.ErrorId);
            Assert.Equal(FailureCategory.NotInstalled, linux.Category);
            Assert.Contains("cannot open shared object file", linux.Message);
            Assert.Contains("nvidia-smi", linux.RecommendedAction);
            Assert.Contains(LibraryCandidates.CudaDriverOverrideVariable, linux.RecommendedAction);
            Failure windows = Known(new NativeLibraryNotFoundException(NativeLibraryKind.CudaDriver, attempts), windows: true);
            Assert.Contains("nvcuda.dll", windows.RecommendedAction);
        }

        [Fact]
        public void Missing_nvml_has_its_own_id()
        {
            Failure f = Known(new NativeLibraryNotFoundException(NativeLibraryKind.Nvml, Array.Empty<ProbeAttempt>()));
            Assert.Equal("NvmlNotFound", f.ErrorId);
        }

        [Fact]
        public void Missing_export_means_the_driver_is_too_old()
        {
            Failure f = Known(
                new NativeEntryPointMissingException(NativeLibraryKind.CudaDriver, "/x/libcuda.so.1", "cuDeviceTotalMem_v2", "CUDA 3.2"));
            Assert.Equal("CudaDriverTooOld", f.ErrorId);
            Assert.Contains("cuDeviceTotalMem_v2", f.Message);
            Assert.Contains("CUDA 3.2", f.Message);
        }

        [Fact]
        public void No_device_mentions_CUDA_VISIBLE_DEVICES_when_it_is_set()
        {
            var e = new CudaException(CudaResult.CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE",
                "no CUDA-capable device is detected", "cuInit");
            Failure plain = Known(e);
            Assert.Equal("CudaDeviceNotFound", plain.ErrorId);
            Assert.Equal(FailureCategory.ResourceUnavailable, plain.Category);
            Assert.DoesNotContain("CUDA_VISIBLE_DEVICES", plain.RecommendedAction);
            Failure hidden = Known(e, vars: new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = "-1" });
            Assert.Contains("CUDA_VISIBLE_DEVICES is '-1'", hidden.RecommendedAction);
        }

        [Theory]
        [InlineData(nameof(CudaResult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH), "Reboot")]
        [InlineData(nameof(CudaResult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE), "cuda-compat")]
        [InlineData(nameof(CudaResult.CUDA_ERROR_SYSTEM_NOT_READY), "fabricmanager")]
        [InlineData(nameof(CudaResult.CUDA_ERROR_UNKNOWN), "nvidia_uvm")]
        public void Init_failures_get_the_remedy_for_their_cause(string codeName, string remedyMentions)
        {
            var code = Enum.Parse<CudaResult>(codeName);
            Failure f = Known(new CudaException(code, code.ToString(), "text", "cuInit"));
            Assert.Equal("CudaDriverInitFailed", f.ErrorId);
            Assert.Contains(remedyMentions, f.RecommendedAction);
        }

        [Fact]
        public void Unknown_exceptions_are_not_classified()
        {
            Assert.Null(Classify(new InvalidOperationException("a bug in the module, not a broken install")));
        }

        [Fact]
        public void A_toolkit_library_the_loader_refused_has_its_own_id_and_a_remedy_for_where_it_came_from()
        {
            var fromOverride = new[] { new ProbeAttempt("/tmp/notes.txt", "$env:" + LibraryCandidates.CuDnnOverrideVariable,
                ProbeOutcome.LoadFailed, "/tmp/notes.txt: invalid ELF header") };
            Failure f = Known(new NativeLibraryNotFoundException(NativeLibraryKind.CuDnn, fromOverride));
            Assert.Equal(ErrorCatalogue.NativeLibraryLoadFailed.Id, f.ErrorId);
            Assert.Equal(FailureCategory.NotInstalled, f.Category);
            Assert.Contains("found but could not be loaded", f.Message);
            Assert.Contains("invalid ELF header", f.Message);
            Assert.StartsWith("$env:" + LibraryCandidates.CuDnnOverrideVariable + " points at /tmp/notes.txt", f.RecommendedAction);

            var fromSearch = new[] { new ProbeAttempt("libcudnn.so.9", "loader", ProbeOutcome.LoadFailed,
                "/opt/x/libcudnn.so.9: file too short") };
            Failure g = Known(new NativeLibraryNotFoundException(NativeLibraryKind.CuDnn, fromSearch));
            Assert.StartsWith("Replace /opt/x/libcudnn.so.9", g.RecommendedAction);
            Assert.Contains("(/opt/x) off LD_LIBRARY_PATH", g.RecommendedAction);
            Assert.Contains("off PATH",
                Known(new NativeLibraryNotFoundException(NativeLibraryKind.CuDnn, fromSearch), windows: true).RecommendedAction);
        }

        [Fact]
        public void Missing_toolkit_libraries_have_their_own_ids_and_driver_ids_stay_stable()
        {
            var missing = new[] { new ProbeAttempt("libcudnn.so.9", "loader", ProbeOutcome.NotFound,
                "libcudnn.so.9: cannot open shared object file: No such file or directory") };
            Assert.Equal(ErrorCatalogue.CuDnnNotFound.Id,
                Known(new NativeLibraryNotFoundException(NativeLibraryKind.CuDnn, missing)).ErrorId);
            Assert.Equal(ErrorCatalogue.CudaRuntimeNotFound.Id,
                Known(new NativeLibraryNotFoundException(NativeLibraryKind.CudaRuntime, missing)).ErrorId);
            var refusedDriver = new[] { new ProbeAttempt("/x/libcuda.so.1", "$env:DLGPUTOOLS_CUDA_DRIVER_PATH", ProbeOutcome.LoadFailed,
                "invalid ELF header") };
            Assert.Equal("CudaDriverNotFound",
                Known(new NativeLibraryNotFoundException(NativeLibraryKind.CudaDriver, refusedDriver)).ErrorId);
        }
    }
}
