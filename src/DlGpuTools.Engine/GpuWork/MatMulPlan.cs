using System;
using System.Globalization;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>
    /// The cuBLASLt objects of one GEMM shape and type: handle, operation descriptor, matrix layouts and
    /// preference. Column-major, as cuBLAS is: A is M x K (K x M stored, transposed, for FP8), B is K x N,
    /// C = D is M x N; alpha 1, beta 0 (so C is not read and a poisoned D stays poisoned unless written).
    /// </summary>
    internal sealed unsafe class MatMulPlan : IDisposable
    {
        private readonly CuBlasLt _lt;
        private readonly MatMulFormat _format;
        private IntPtr _handle, _desc, _a, _b, _d, _preference;
        private readonly ulong _workspaceBytes;

        private MatMulPlan(CuBlasLt lt, MatMulFormat format, ulong workspaceBytes)
        {
            _lt = lt;
            _format = format;
            _workspaceBytes = workspaceBytes;
        }

        public static MatMulPlan Create(CuBlasLt lt, MatMulFormat format, long m, long n, long k,
            ulong workspaceBytes, bool fastAccumulation)
        {
            var plan = new MatMulPlan(lt, format, workspaceBytes);
            try
            {
                lt.ThrowIfFailed(lt.cublasLtCreate(out plan._handle));
                lt.ThrowIfFailed(lt.cublasLtMatmulDescCreate(out plan._desc, format.Compute, format.ScaleType));
                int transA = format.TransposeA ? 1 : 0;
                int transB = 0;
                lt.ThrowIfFailed(
                    lt.cublasLtMatmulDescSetAttribute(plan._desc,
                    CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_TRANSA, &transA, sizeof(int)));
                lt.ThrowIfFailed(
                    lt.cublasLtMatmulDescSetAttribute(plan._desc,
                    CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_TRANSB, &transB, sizeof(int)));
                if (format.Type == MatMulDataType.FP8)
                {
                    // Set either way, so the mode is the one the result reports, not whatever the library defaults to.
                    sbyte fast = (sbyte)(fastAccumulation ? 1 : 0);
                    lt.ThrowIfFailed(lt.cublasLtMatmulDescSetAttribute(plan._desc,
                        CuBlasLtMatmulDescAttribute.CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof(sbyte)));
                }
                else if (fastAccumulation)
                {
                    throw new ArgumentException("Fast accumulation applies to FP8 only.", nameof(fastAccumulation));
                }

                if (format.TransposeA)
                    lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out plan._a, format.InputType, (ulong)k, (ulong)m, k));
                else lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out plan._a, format.InputType, (ulong)m, (ulong)k, m));
                lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out plan._b, format.InputType, (ulong)k, (ulong)n, k));
                lt.ThrowIfFailed(lt.cublasLtMatrixLayoutCreate(out plan._d, format.OutputType, (ulong)m, (ulong)n, m));
                lt.ThrowIfFailed(lt.cublasLtMatmulPreferenceCreate(out plan._preference));
                lt.ThrowIfFailed(lt.SetMaxWorkspace(plan._preference, workspaceBytes));
                return plan;
            }
            catch
            {
                plan.Dispose();
                throw;
            }
        }

        /// <summary>cuBLASLt's candidate algorithms, best-predicted first, as raw heuristic results.</summary>
        public byte[] Heuristics(int requested, out int found)
        {
            var results = new byte[requested * CuBlasLt.HeuristicResultBytes];
            fixed (byte* r = results)
            {
                CuBlasStatus status = _lt.cublasLtMatmulAlgoGetHeuristic(_handle, _desc, _a, _b, _d, _d, _preference,
                    requested, r, out found);
                if (status == CuBlasStatus.CUBLAS_STATUS_NOT_SUPPORTED) found = 0;
                else _lt.ThrowIfFailed(status);
            }

            return results;
        }

        public void Run(byte[] algorithms, int index, ulong a, ulong b, ulong d, ulong workspace, IntPtr stream)
        {
            fixed (byte* results = algorithms)
            {
                byte* algo = results + index * CuBlasLt.HeuristicResultBytes;
                ulong workspaceNeeded = *(ulong*)(algo + CuBlasLt.AlgoBytes);
                if (_format.ScaleType == CudaDataType.CUDA_R_64F)
                {
                    double alpha = 1, beta = 0;
                    _lt.ThrowIfFailed(_lt.cublasLtMatmul(_handle, _desc, &alpha, a, _a, b, _b, &beta, d, _d, d, _d, algo, workspace,
                        Math.Min(workspaceNeeded == 0 ? _workspaceBytes : workspaceNeeded, _workspaceBytes), stream));
                }
                else
                {
                    float alpha = 1, beta = 0;
                    _lt.ThrowIfFailed(_lt.cublasLtMatmul(_handle, _desc, &alpha, a, _a, b, _b, &beta, d, _d, d, _d, algo, workspace,
                        Math.Min(workspaceNeeded == 0 ? _workspaceBytes : workspaceNeeded, _workspaceBytes), stream));
                }
            }
        }

        public string Describe(byte[] algorithms, int index, int found)
        {
            fixed (byte* results = algorithms)
            {
                byte* algo = results + index * CuBlasLt.HeuristicResultBytes;
                ulong workspace = *(ulong*)(algo + CuBlasLt.AlgoBytes);
                float waves = *(float*)(algo + CuBlasLt.AlgoBytes + 12);
                return string.Format(CultureInfo.InvariantCulture, "cuBLASLt heuristic #{0} of {1} (workspace {2:N0} KiB, {3:0.00} waves)",
                    index + 1, found, workspace / 1024.0, waves);
            }
        }

        public void Dispose()
        {
            if (_preference != IntPtr.Zero) _lt.cublasLtMatmulPreferenceDestroy(_preference);
            if (_d != IntPtr.Zero) _lt.cublasLtMatrixLayoutDestroy(_d);
            if (_b != IntPtr.Zero) _lt.cublasLtMatrixLayoutDestroy(_b);
            if (_a != IntPtr.Zero) _lt.cublasLtMatrixLayoutDestroy(_a);
            if (_desc != IntPtr.Zero) _lt.cublasLtMatmulDescDestroy(_desc);
            if (_handle != IntPtr.Zero) _lt.cublasLtDestroy(_handle);
            _preference = _d = _b = _a = _desc = _handle = IntPtr.Zero;
        }
    }
}
