using DlGpuTools.Benchmarks;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class MatMulShapesTests
    {
        private static readonly int[] Defaults = { 4096 };

        [Fact]
        public void M_N_and_K_name_one_problem_and_size_names_square_ones()
        {
            Assert.Equal(new[] { (4096L, 16384L, 1024L) }, MatMulShapes.Resolve(4096, 16384, 1024, null, false, Defaults));
            Assert.Equal(new[] { (32L, 32L, 32L), (64L, 64L, 64L) }, MatMulShapes.Resolve(null, null, null, new[] { 32, 64 }, false,
                Defaults));
            Assert.Equal(new[] { (4096L, 4096L, 4096L) }, MatMulShapes.Resolve(null, null, null, null, false, Defaults));
            Assert.Equal(MatMulShapes.SweepSizes.Count, MatMulShapes.Resolve(null, null, null, null, true, Defaults).Count);
        }

        [Fact]
        public void The_size_named_twice_or_in_part_is_refused_with_its_own_id()
        {
            Assert.Equal("MatMulShapeConflict", Assert.Throws<MatMulArgumentException>(() => MatMulShapes.Resolve(64, 64, 64, new[] { 32 },
                false, Defaults)).ErrorId);
            Assert.Equal("MatMulShapeConflict", Assert.Throws<MatMulArgumentException>(() => MatMulShapes.Resolve(64, 64, 64, null, true,
                Defaults)).ErrorId);
            Assert.Equal("MatMulShapeIncomplete", Assert.Throws<MatMulArgumentException>(() => MatMulShapes.Resolve(64, null, 64, null,
                false, Defaults)).ErrorId);
        }
    }
}
