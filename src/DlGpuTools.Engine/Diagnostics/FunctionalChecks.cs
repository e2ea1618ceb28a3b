using System;
using System.Diagnostics;
using DlGpuTools.Benchmarks;
using DlGpuTools.Interop;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// Real work on the GPU, checked against the CPU: one SGEMM through cuBLAS and one forward convolution
    /// through cuDNN (the operation that makes cuDNN 9 load its sub-libraries). Strict FP32 on both sides
    /// (cuBLAS pedantic math, cuDNN FMA math), random inputs, sampled outputs against a double reference.
    /// </summary>
    internal static unsafe class FunctionalChecks
    {
        public const double Tolerance = 1e-3;
        private const int Samples = 64;

        public sealed class Outcome
        {
            public double RelativeError;
            public double Milliseconds;
            public string Detail;
        }

        public static Outcome Sgemm(CudaDriver driver, DeviceContext context, CuBlasLibrary cublas, int size)
        {
            var watch = Stopwatch.StartNew();
            long elements = (long)size * size;
            using (context.Enter())
            using (DeviceBuffer a = DeviceBuffer.Allocate(driver, context, (ulong)elements * 4))
            using (DeviceBuffer b = DeviceBuffer.Allocate(driver, context, (ulong)elements * 4))
            using (DeviceBuffer c = DeviceBuffer.Allocate(driver, context, (ulong)elements * 4))
            {
                Upload(driver, a, elements, 11);
                Upload(driver, b, elements, 12);
                driver.ThrowIfFailed(driver.cuMemsetD8(c.DevicePointer, 0xFF, c.Bytes));
                cublas.ThrowIfFailed(cublas.cublasCreate(out IntPtr handle));
                try
                {
                    cublas.ThrowIfFailed(cublas.cublasSetMathMode(handle, 2));
                    cublas.ThrowIfFailed(cublas.cublasSgemm(handle, size, size, size, a.DevicePointer, size, b.DevicePointer, size, c.DevicePointer, size));
                    driver.ThrowIfFailed(driver.cuCtxSynchronize());
                }
                finally
                {
                    cublas.cublasDestroy(handle);
                }

                var random = new Random(5);
                double error = SampledError(() =>
                {
                    int i = random.Next(size), j = random.Next(size);
                    double reference = 0;
                    for (int p = 0; p < size; p++) reference += (double)MatMulBenchmark.InputValue(11, i + (long)p * size) * MatMulBenchmark.InputValue(12, p + (long)j * size);
                    return (reference, ReadFloat(driver, c.DevicePointer + (ulong)((i + (long)j * size) * 4)));
                });
                return new Outcome { RelativeError = error, Milliseconds = watch.Elapsed.TotalMilliseconds, Detail = $"SGEMM {size}x{size}x{size}, strict FP32 (pedantic math), {Samples} sampled elements" };
            }
        }

        public static Outcome Convolution(CudaDriver driver, DeviceContext context, CuDnnLibrary cudnn)
        {
            // A ResNet-style layer: batch 8, 64 channels, 56x56, 3x3 filters, padding 1, stride 1.
            const int n = 8, c = 64, h = 56, w = 56, k = 64, r = 3;
            var watch = Stopwatch.StartNew();
            long xCount = (long)n * c * h * w, wCount = (long)k * c * r * r, yCount = (long)n * k * h * w;
            IntPtr handle = IntPtr.Zero, xDesc = IntPtr.Zero, yDesc = IntPtr.Zero, wDesc = IntPtr.Zero, convDesc = IntPtr.Zero;
            using (context.Enter())
            using (DeviceBuffer x = DeviceBuffer.Allocate(driver, context, (ulong)xCount * 4))
            using (DeviceBuffer wt = DeviceBuffer.Allocate(driver, context, (ulong)wCount * 4))
            using (DeviceBuffer y = DeviceBuffer.Allocate(driver, context, (ulong)yCount * 4))
            {
                Upload(driver, x, xCount, 21);
                Upload(driver, wt, wCount, 22);
                driver.ThrowIfFailed(driver.cuMemsetD8(y.DevicePointer, 0xFF, y.Bytes));
                try
                {
                    cudnn.ThrowIfFailed(cudnn.cudnnCreate(out handle));
                    cudnn.ThrowIfFailed(cudnn.cudnnCreateDescriptor("cudnnCreateTensorDescriptor", out xDesc));
                    cudnn.ThrowIfFailed(cudnn.cudnnCreateDescriptor("cudnnCreateTensorDescriptor", out yDesc));
                    cudnn.ThrowIfFailed(cudnn.cudnnCreateDescriptor("cudnnCreateFilterDescriptor", out wDesc));
                    cudnn.ThrowIfFailed(cudnn.cudnnCreateDescriptor("cudnnCreateConvolutionDescriptor", out convDesc));
                    cudnn.ThrowIfFailed(cudnn.cudnnSetTensor4dDescriptor(xDesc, n, c, h, w));
                    cudnn.ThrowIfFailed(cudnn.cudnnSetTensor4dDescriptor(yDesc, n, k, h, w));
                    cudnn.ThrowIfFailed(cudnn.cudnnSetFilter4dDescriptor(wDesc, k, c, r, r));
                    cudnn.ThrowIfFailed(cudnn.cudnnSetConvolution2dDescriptor(convDesc, 1, 1));
                    cudnn.ThrowIfFailed(cudnn.cudnnSetConvolutionMathType(convDesc, 3));
                    byte* perf = stackalloc byte[CuDnnLibrary.AlgoPerfBytes * 8];
                    cudnn.ThrowIfFailed(cudnn.cudnnGetConvolutionForwardAlgorithm(handle, xDesc, wDesc, convDesc, yDesc, 8, out int returned, perf));
                    if (returned == 0) throw new CuDnnException(9, "cuDNN returned no forward algorithm", "cudnnGetConvolutionForwardAlgorithm_v7");
                    int algo = *(int*)perf;
                    cudnn.ThrowIfFailed(cudnn.cudnnGetConvolutionForwardWorkspaceSize(handle, xDesc, wDesc, convDesc, yDesc, algo, out ulong workspaceBytes));
                    using (DeviceBuffer workspace = DeviceBuffer.Allocate(driver, context, Math.Max(workspaceBytes, 256)))
                    {
                        cudnn.ThrowIfFailed(cudnn.cudnnConvolutionForward(handle, xDesc, x.DevicePointer, wDesc, wt.DevicePointer, convDesc, algo, workspace.DevicePointer, workspaceBytes, yDesc, y.DevicePointer));
                        driver.ThrowIfFailed(driver.cuCtxSynchronize());
                    }

                    var random = new Random(6);
                    double error = SampledError(() =>
                    {
                        int ni = random.Next(n), ki = random.Next(k), oh = random.Next(h), ow = random.Next(w);
                        double reference = 0;
                        for (int ci = 0; ci < c; ci++)
                            for (int fh = 0; fh < r; fh++)
                                for (int fw = 0; fw < r; fw++)
                                {
                                    int ih = oh + fh - 1, iw = ow + fw - 1;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    reference += (double)MatMulBenchmark.InputValue(21, ((long)(ni * c + ci) * h + ih) * w + iw)
                                        * MatMulBenchmark.InputValue(22, ((long)(ki * c + ci) * r + fh) * r + fw);
                                }

                        return (reference, ReadFloat(driver, y.DevicePointer + (ulong)((((long)(ni * k + ki) * h + oh) * w + ow) * 4)));
                    });
                    return new Outcome { RelativeError = error, Milliseconds = watch.Elapsed.TotalMilliseconds, Detail = $"forward convolution NCHW {n}x{c}x{h}x{w}, {k} filters 3x3, pad 1, FP32 (FMA math), algorithm {algo}, {Samples} sampled outputs" };
                }
                finally
                {
                    if (convDesc != IntPtr.Zero) cudnn.cudnnDestroyDescriptor("cudnnDestroyConvolutionDescriptor", convDesc);
                    if (wDesc != IntPtr.Zero) cudnn.cudnnDestroyDescriptor("cudnnDestroyFilterDescriptor", wDesc);
                    if (yDesc != IntPtr.Zero) cudnn.cudnnDestroyDescriptor("cudnnDestroyTensorDescriptor", yDesc);
                    if (xDesc != IntPtr.Zero) cudnn.cudnnDestroyDescriptor("cudnnDestroyTensorDescriptor", xDesc);
                    if (handle != IntPtr.Zero) cudnn.cudnnDestroy(handle);
                }
            }
        }

        /// <summary>||value - reference|| / ||reference|| over the samples; NaN when any sample was not written (still the poison).</summary>
        private static double SampledError(Func<(double Reference, float Value)> sample)
        {
            double diff = 0, norm = 0;
            int unwritten = 0;
            for (int s = 0; s < Samples; s++)
            {
                var (reference, value) = sample();
                if (float.IsNaN(value)) unwritten++;
                diff += (value - reference) * (value - reference);
                norm += reference * reference;
            }

            return unwritten > 0 ? double.NaN : Math.Sqrt(diff / norm);
        }

        private static float ReadFloat(CudaDriver driver, ulong devicePointer)
        {
            float value;
            driver.ThrowIfFailed(driver.cuMemcpyDtoH((IntPtr)(&value), devicePointer, 4));
            return value;
        }

        private static void Upload(CudaDriver driver, DeviceBuffer buffer, long elements, ulong seed)
        {
            var host = new float[elements];
            for (long i = 0; i < elements; i++) host[i] = MatMulBenchmark.InputValue(seed, i);
            fixed (float* p = host) driver.ThrowIfFailed(driver.cuMemcpyHtoD(buffer.DevicePointer, (IntPtr)p, (ulong)elements * 4));
        }
    }
}
