using DlGpuTools.Benchmarks;
using DlGpuTools.Errors;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The GEMM benchmark's own rule for -FastAccumulation, which the command only calls.</summary>
    public sealed class MatMulArgumentRulesTests
    {
        [Fact]
        public void Fast_accumulation_is_refused_without_FP8_and_taken_with_it_or_when_not_asked()
        {
            MatMulArgumentException.RefuseFastAccumulationWithoutFp8(true, new[] { MatMulDataType.FP16, MatMulDataType.FP8 });
            MatMulArgumentException.RefuseFastAccumulationWithoutFp8(false, new[] { MatMulDataType.FP16 });

            var e = Assert.Throws<MatMulArgumentException>(() =>
                MatMulArgumentException.RefuseFastAccumulationWithoutFp8(true, new[] { MatMulDataType.FP16, MatMulDataType.BF16 }));

            Assert.Same(ErrorCatalogue.FastAccumulationNeedsFP8, e.Entry);
            Assert.Equal(FailureCategory.InvalidArgument, e.Category);
        }
    }
}
