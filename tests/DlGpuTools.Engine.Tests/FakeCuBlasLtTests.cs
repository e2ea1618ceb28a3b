using System;
using DlGpuTools.GpuWork;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The fake cuBLASLt is as strict as the real one where a wrong binding would show: these tests call it
    /// through our binding, on host memory (the fake's "device" memory), and check that it honours alpha,
    /// beta, transposes and leading dimensions, and refuses what the real library refuses. If it did not, a
    /// dropped TRANSA or a wrong ld in MatMulPlan could pass CI.
    /// </summary>
    public sealed unsafe class FakeCuBlasLtTests : FakeLibraryTest
    {
        private const int OpN = 0, OpT = 1;

        private static CuBlasLt Load() =>
            CuBlasLt.Load(FakeLibraries.Environment(FakeLibraries.CudaDriver, FakeLibraries.Nvml), PlatformNativeLoader.Instance);

        /// <summary>
        /// Column-major m x n with leading dimension ld, element (i, j) = f(i, j); padding holds NaN so reading it shows.
        /// </summary>
        private static float[] Matrix(int rows, int cols, int ld, Func<int, int, float> f)
        {
            var x = new float[ld * cols];
            for (int i = 0; i < x.Length; i++) x[i] = float.NaN;
            for (int j = 0; j < cols; j++)
                for (int i = 0; i < rows; i++) x[i + j * ld] = f(i, j);
            return x;
        }

        private sealed class Problem : IDisposable
        {
            private readonly CuBlasLt _lt;
            public IntPtr Handle, Desc, A, B, C, D;

            public Problem(CuBlasLt lt, CudaDataType type, CuBlasComputeType compute, int transA, int transB,
                (ulong Rows, ulong Cols, long Ld) a, (ulong Rows, ulong Cols, long Ld) b, (ulong Rows, ulong Cols, long Ld) c,
                    (ulong Rows, ulong Cols, long Ld) d, CudaDataType outType)
            {
                _lt = lt;
                lt.ThrowIfFailed(lt.cublasLtCreate(out Handle));
                lt.ThrowIfFailed(lt.cublasLtMatmulDescCreate(out Desc, compute, CudaDataType.CUDA_R_32F));
                lt.ThrowIfFailed(
                    lt.cublasLtMatmulDescSetAttribute(Desc, CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_TRANSA, &transA, sizeof(int)));
                lt.ThrowIfFailed(
                    lt.cublasLtMatmulDescSetAttribute(Desc, CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_TRANSB, &transB, sizeof(int)));
                lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out A, type, a.Rows, a.Cols, a.Ld));
                lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out B, type, b.Rows, b.Cols, b.Ld));
                lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out C, outType, c.Rows, c.Cols, c.Ld));
                lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out D, outType, d.Rows, d.Cols, d.Ld));
            }

            public CuBlasStatus Run(float alpha, float[] a, float[] b, float beta, float[] c, float[] d)
            {
                byte* algo = stackalloc byte[CuBlasLt.HeuristicResultBytes];
                fixed (float* pa = a, pb = b, pc = c, pd = d)
                    return _lt.cublasLtMatmul(Handle, Desc, &alpha, (ulong)pa, A, (ulong)pb, B, &beta, (ulong)pc, C, (ulong)pd, D,
                        algo, 0, 0, IntPtr.Zero);
            }

            public void Dispose()
            {
                _lt.cublasLtMatrixLayoutDestroy(D);
                _lt.cublasLtMatrixLayoutDestroy(C);
                _lt.cublasLtMatrixLayoutDestroy(B);
                _lt.cublasLtMatrixLayoutDestroy(A);
                _lt.cublasLtMatmulDescDestroy(Desc);
                _lt.cublasLtDestroy(Handle);
            }
        }

        [FakeFact]
        public void It_computes_alpha_opA_opB_plus_beta_C_through_the_layouts_it_was_given()
        {
            const int m = 3, n = 2, k = 4;
            // A stored transposed (k x m, ld 5), B stored transposed (n x k, ld 3), C and D m x n with different lds.
            float[] aStored = Matrix(k, m, 5, (p, i) => 1 + i + 10 * p);
            float[] bStored = Matrix(n, k, 3, (j, p) => 0.5f * (p + 1) - j);
            float[] c = Matrix(m, n, 5, (i, j) => 100 * i + j);
            float[] d = Matrix(m, n, 4, (i, j) => float.NaN);
            CuBlasLt lt = Load();
            using (var problem = new Problem(lt, CudaDataType.CUDA_R_32F, CuBlasComputeType.CUBLAS_COMPUTE_32F, OpT, OpT, (k, m, 5),
                (n, k, 3), (m, n, 5), (m, n, 4), CudaDataType.CUDA_R_32F))
            {
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_SUCCESS, problem.Run(2f, aStored, bStored, -0.5f, c, d));
            }

            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += aStored[p + i * 5] * bStored[j + p * 3];
                    Assert.Equal(2 * sum - 0.5 * c[i + j * 5], d[i + j * 4], 4);
                }

            Assert.True(float.IsNaN(d[3]) && float.IsNaN(d[7]), "the padding of D beyond its rows is not written");
        }

        [FakeFact]
        public void A_dropped_transpose_or_a_wrong_layout_is_refused()
        {
            const int m = 3, n = 2, k = 4;
            float[] a = new float[k * m], b = new float[k * n], d = new float[m * n];
            CuBlasLt lt = Load();
            // A stored k x m for TN, but TRANSA left at N: op(A) is 4 x 3, which cannot make a 3 x 2 D.
            using (var noTranspose = new Problem(lt, CudaDataType.CUDA_R_32F, CuBlasComputeType.CUBLAS_COMPUTE_32F, OpN, OpN, (k, m, k),
                (k, n, k), (m, n, m), (m, n, m), CudaDataType.CUDA_R_32F))
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_INVALID_VALUE, noTranspose.Run(1f, a, b, 0f, d, d));

            // ld smaller than the rows of a column-major matrix.
            Assert.Equal(CuBlasStatus.CUBLAS_STATUS_INVALID_VALUE,
                lt.cublasLtMatrixLayoutCreate(out _, CudaDataType.CUDA_R_32F, m, k, m - 1));

            // FP8 runs only as TN, on the real library as on the fake.
            using (var fp8NN = new Problem(lt, CudaDataType.CUDA_R_8F_E4M3, CuBlasComputeType.CUBLAS_COMPUTE_32F, OpN, OpN, (m, k, m),
                (k, n, k), (m, n, m), (m, n, m), CudaDataType.CUDA_R_16BF))
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_NOT_SUPPORTED, fp8NN.Run(1f, a, b, 0f, d, d));
        }

        [FakeFact]
        public void An_attribute_of_the_wrong_size_is_refused()
        {
            CuBlasLt lt = Load();
            lt.ThrowIfFailed(lt.cublasLtMatmulDescCreate(out IntPtr desc, CuBlasComputeType.CUBLAS_COMPUTE_32F, CudaDataType.CUDA_R_32F));
            try
            {
                long wide = 1;
                int fast = 1;
                sbyte fastByte = 1;
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_INVALID_VALUE,
                    lt.cublasLtMatmulDescSetAttribute(desc, CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_TRANSA, &wide, sizeof(long)));
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_INVALID_VALUE,
                    lt.cublasLtMatmulDescSetAttribute(desc,
                        CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof(int)));
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_SUCCESS,
                    lt.cublasLtMatmulDescSetAttribute(desc, CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_FAST_ACCUM,
                        &fastByte, sizeof(sbyte)));
            }
            finally
            {
                lt.cublasLtMatmulDescDestroy(desc);
            }
        }

        [FakeFact]
        public void Beta_zero_does_not_read_C_and_a_nonzero_beta_does()
        {
            const int m = 2, n = 2, k = 2;
            float[] a = Matrix(m, k, m, (i, p) => 1), b = Matrix(k, n, k, (p, j) => 1);
            float[] poisoned = Matrix(m, n, m, (i, j) => float.NaN);
            CuBlasLt lt = Load();
            using (var problem = new Problem(lt, CudaDataType.CUDA_R_32F, CuBlasComputeType.CUBLAS_COMPUTE_32F, OpN, OpN, (m, k, m),
                (k, n, k), (m, n, m), (m, n, m), CudaDataType.CUDA_R_32F))
            {
                float[] d = new float[m * n];
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_SUCCESS, problem.Run(1f, a, b, 0f, poisoned, d));
                Assert.All(d, v => Assert.Equal(2f, v));
                Assert.Equal(CuBlasStatus.CUBLAS_STATUS_SUCCESS, problem.Run(1f, a, b, 1f, poisoned, d));
                Assert.All(d, v => Assert.True(float.IsNaN(v)));
            }
        }
    }
}
