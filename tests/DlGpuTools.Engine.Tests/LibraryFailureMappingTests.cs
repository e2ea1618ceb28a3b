using System;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>Each library that is missing, or lacks a function, is reported under its own catalogue entry and remedy.</summary>
    public class LibraryFailureMappingTests
    {
        private static readonly ProbeAttempt[] NothingFound =
        {
            new ProbeAttempt("libx.so", "loader", false, "cannot open shared object file"),
        };

        [Theory]
        [InlineData(nameof(NativeLibraryKind.CudaDriver), "CudaDriverTooOld")]
        [InlineData(nameof(NativeLibraryKind.Nvml), "CudaDriverTooOld")]
        [InlineData(nameof(NativeLibraryKind.CuBlasLt), "ToolkitLibraryTooOld")]
        [InlineData(nameof(NativeLibraryKind.CuBlas), "ToolkitLibraryTooOld")]
        [InlineData(nameof(NativeLibraryKind.CudaRuntime), "ToolkitLibraryTooOld")]
        [InlineData(nameof(NativeLibraryKind.CuDnn), "ToolkitLibraryTooOld")]
        [InlineData(nameof(NativeLibraryKind.Nccl), "NcclTooOld")]
        [InlineData(nameof(NativeLibraryKind.CpuBlas), "CpuBlasRoutineMissing")]
        public void A_missing_export_names_the_library_that_is_too_old_or_incomplete(string kind, string id)
        {
            var library = Enum.Parse<NativeLibraryKind>(kind);
            Failure f = Known(new NativeEntryPointMissingException(library, "/x/lib.so", "some_function", null));

            Assert.Equal(id, f.ErrorId);
            Assert.Contains("/x/lib.so does not export some_function", f.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_cpu_blas_without_a_bf16_routine_is_not_a_driver_problem()
        {
            Failure f = Known(new NativeEntryPointMissingException(NativeLibraryKind.CpuBlas, "/usr/lib/libblas.so.3",
                "cblas_sbgemm or cblas_gemm_bf16bf16f32", null));

            Assert.Equal(ErrorCatalogue.CpuBlasRoutineMissing.Id, f.ErrorId);
            Assert.Contains("-Library", f.RecommendedAction, StringComparison.Ordinal);
            Assert.DoesNotContain("driver", f.RecommendedAction, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void A_cpu_blas_not_found_is_CpuBlasNotFound_with_its_variable()
        {
            Failure f = Known(new NativeLibraryNotFoundException(NativeLibraryKind.CpuBlas, NothingFound));

            Assert.Equal(ErrorCatalogue.CpuBlasNotFound.Id, f.ErrorId);
            Assert.Equal(FailureCategory.NotInstalled, f.Category);
            Assert.Contains(LibraryCandidates.CpuBlasOverrideVariable, f.RecommendedAction, StringComparison.Ordinal);
            Assert.Contains("libx.so", f.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Nccl_not_found_is_NcclNotFound_with_its_variable_on_linux_and_the_windows_answer_there()
        {
            Failure linux = Known(new NativeLibraryNotFoundException(NativeLibraryKind.Nccl, NothingFound));
            Failure windows = Known(new NativeLibraryNotFoundException(NativeLibraryKind.Nccl, NothingFound), windows: true);

            Assert.Equal(ErrorCatalogue.NcclNotFound.Id, linux.ErrorId);
            Assert.Contains(NcclCandidates.OverrideVariable, linux.RecommendedAction, StringComparison.Ordinal);
            Assert.Equal(ErrorCatalogue.NcclNotFound.Id, windows.ErrorId);
            Assert.Equal(NcclCandidates.WindowsHasNone, windows.RecommendedAction);
        }

        [Fact]
        public void Nvml_not_found_keeps_its_own_entry()
        {
            Failure f = Known(new NativeLibraryNotFoundException(NativeLibraryKind.Nvml, NothingFound));

            Assert.Equal(ErrorCatalogue.NvmlNotFound.Id, f.ErrorId);
        }

        private static Failure Known(Exception e, bool windows = false) =>
            Must.Exist(FailureClassifier.Classify(e, windows, _ => null));
    }
}
