using System;
using System.Diagnostics;
using System.Threading;
using DlGpuTools.Benchmarks;
using DlGpuTools.Devices;
using DlGpuTools.GpuWork;
using DlGpuTools.GpuWork.Port;
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
        /// <summary>
        /// The SGEMM limit separates FP32 from TF32. At 512 with these inputs, FP32 (24-bit significand) lands at a
        /// relative error of about 1e-7 to 1e-6 against the double reference; TF32 (10-bit significand inputs)
        /// at about 1e-4 to 5e-4. 1e-5 sits an order of magnitude from both, so a library or driver that slips
        /// TF32 in where strict FP32 was asked fails the check.
        /// </summary>
        public const double SgemmTolerance = 1e-5;

        /// <summary>
        /// The convolution limit only catches wrong results: cuDNN's FP32 algorithms (FFT, Winograd) legitimately
        /// differ from a direct sum by more than SGEMM does, so strictness comes from requiring an algorithm whose
        /// math type is FMA (no tensor cores, no TF32) rather than from the tolerance.
        /// </summary>
        public const double ConvolutionTolerance = 1e-3;

        private const int Samples = 64;

        /// <summary>cudnnMathType_t: CUDNN_DEFAULT_MATH (0) and CUDNN_FMA_MATH (3); 1 and 2 use tensor cores.</summary>
        private const int DefaultMath = 0, FmaMath = 3;

        /// <summary>
        /// The one place the functional checks make a device's context current: the checker's lease on the
        /// module's context of the first GPU (one for the whole run), pushed on this thread until disposed.
        /// </summary>
        public sealed class DeviceScope : IDisposable
        {
            private ContextScope _entered;

            private DeviceScope(DeviceContext context, IGpuPort port)
            {
                Context = context;
                Port = port;
                _entered = context.Enter();
            }

            public DeviceContext Context { get; }

            /// <summary>Device memory in the entered context, held as all GPU work holds it.</summary>
            public IGpuPort Port { get; }

            /// <summary>Makes the lease's context current on this thread until disposed (the lease stays the caller's).</summary>
            public static DeviceScope Enter(DeviceContext context, IGpuPort port) => new DeviceScope(context, port);

            public void Dispose() => _entered.Dispose();
        }

        public sealed class Outcome
        {
            public double RelativeError;
            public double Milliseconds;
            public string? Detail;
        }

        public static Outcome Sgemm(CudaDriver driver, DeviceScope device, CuBlasLibrary cublas, int size, CancellationToken cancel)
        {
            var watch = Stopwatch.StartNew();
            long elements = (long)size * size;
            using (DeviceMemory a = DeviceMemory.Allocate(device.Port, (ulong)elements * 4))
            using (DeviceMemory b = DeviceMemory.Allocate(device.Port, (ulong)elements * 4))
            using (DeviceMemory c = DeviceMemory.Allocate(device.Port, (ulong)elements * 4))
            {
                Upload(driver, a, elements, 11);
                Upload(driver, b, elements, 12);
                driver.ThrowIfFailed(driver.cuMemsetD8(c.Pointer, 0xFF, c.Bytes));
                cublas.ThrowIfFailed(cublas.cublasCreate(out IntPtr handle));
                try
                {
                    cublas.ThrowIfFailed(cublas.cublasSetMathMode(handle, 2));
                    cublas.ThrowIfFailed(
                        cublas.cublasSgemm(handle, size, size, size, a.Pointer, size, b.Pointer, size, c.Pointer, size));
                    driver.ThrowIfFailed(driver.cuCtxSynchronize());
                }
                finally
                {
                    cublas.cublasDestroy(handle);
                }

                var random = new Random(5);
                double error = SampledError(cancel, () =>
                {
                    int i = random.Next(size), j = random.Next(size);
                    double reference = 0;
                    for (int p = 0; p < size; p++) reference += (double)GemmOperands.InputValue(11,
                        i + (long)p * size) * GemmOperands.InputValue(12, p + (long)j * size);
                    return (reference, ReadFloat(driver, c.Pointer + (ulong)((i + (long)j * size) * 4)));
                });
                return new Outcome { RelativeError = error, Milliseconds = watch.Elapsed.TotalMilliseconds,
                    Detail = $"SGEMM {size}x{size}x{size}, strict FP32 (pedantic math), {Samples} sampled elements" };
            }
        }

        public static Outcome Convolution(CudaDriver driver, DeviceScope device, CuDnnLibrary cudnn, CancellationToken cancel)
        {
            // A ResNet-style layer: batch 8, 64 channels, 56x56, 3x3 filters, padding 1, stride 1.
            const int n = 8, c = 64, h = 56, w = 56, k = 64, r = 3;
            var watch = Stopwatch.StartNew();
            long xCount = (long)n * c * h * w, wCount = (long)k * c * r * r, yCount = (long)n * k * h * w;
            IntPtr handle = IntPtr.Zero, xDesc = IntPtr.Zero, yDesc = IntPtr.Zero, wDesc = IntPtr.Zero, convDesc = IntPtr.Zero;
            int major = CuDnnLibrary.DecodeVersion(cudnn.Version)?.Major ?? 9;
            using (DeviceMemory x = DeviceMemory.Allocate(device.Port, (ulong)xCount * 4))
            using (DeviceMemory wt = DeviceMemory.Allocate(device.Port, (ulong)wCount * 4))
            using (DeviceMemory y = DeviceMemory.Allocate(device.Port, (ulong)yCount * 4))
            {
                Upload(driver, x, xCount, 21);
                Upload(driver, wt, wCount, 22);
                driver.ThrowIfFailed(driver.cuMemsetD8(y.Pointer, 0xFF, y.Bytes));
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
                    cudnn.ThrowIfFailed(cudnn.cudnnSetConvolutionMathType(convDesc, FmaMath));
                    byte* perf = stackalloc byte[CuDnnLibrary.AlgoPerfBytes * 8];
                    cudnn.ThrowIfFailed(
                        cudnn.cudnnGetConvolutionForwardAlgorithm(handle, xDesc, wDesc, convDesc, yDesc, 8, out int returned, perf));
                    var (algo, mathType, rejected) = ChooseAlgorithm(perf, returned);
                    if (algo < 0)
                        throw new CuDnnException(CuDnnStatusCodes.NotSupported(major),
                            $"cuDNN offered no usable FP32 forward algorithm ({(returned == 0 ? "none returned" : rejected)})",
                            "cudnnGetConvolutionForwardAlgorithm_v7");
                    cudnn.ThrowIfFailed(
                        cudnn.cudnnGetConvolutionForwardWorkspaceSize(handle, xDesc, wDesc, convDesc, yDesc, algo,
                        out ulong workspaceBytes));
                    using (DeviceMemory workspace = DeviceMemory.Allocate(device.Port, Math.Max(workspaceBytes, 256)))
                    {
                        cudnn.ThrowIfFailed(cudnn.cudnnConvolutionForward(handle, xDesc, x.Pointer, wDesc, wt.Pointer, convDesc,
                            algo, workspace.Pointer, workspaceBytes, yDesc, y.Pointer));
                        driver.ThrowIfFailed(driver.cuCtxSynchronize());
                    }

                    var random = new Random(6);
                    double error = SampledError(cancel, () =>
                    {
                        int ni = random.Next(n), ki = random.Next(k), oh = random.Next(h), ow = random.Next(w);
                        double reference = 0;
                        for (int ci = 0; ci < c; ci++)
                            for (int fh = 0; fh < r; fh++)
                                for (int fw = 0; fw < r; fw++)
                                {
                                    int ih = oh + fh - 1, iw = ow + fw - 1;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    reference += (double)GemmOperands.InputValue(21, ((long)(ni * c + ci) * h + ih) * w + iw)
                                        * GemmOperands.InputValue(22, ((long)(ki * c + ci) * r + fh) * r + fw);
                                }

                        return (reference, ReadFloat(driver, y.Pointer + (ulong)((((long)(ni * k + ki) * h + oh) * w + ow) * 4)));
                    });
                    return new Outcome { RelativeError = error, Milliseconds = watch.Elapsed.TotalMilliseconds,
                        Detail = $"forward convolution NCHW {n}x{c}x{h}x{w}, {k} filters 3x3, pad 1, FP32 "
                        + $"({(mathType == FmaMath ? "FMA math" : "default math, no FMA-only algorithm offered")}), algorithm {algo}, "
                        + $"{Samples} sampled outputs" };
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

        /// <summary>
        /// The first algorithm cuDNN ranks that can run (status CUDNN_STATUS_SUCCESS) with FMA math, else one with
        /// default math; an entry with tensor-core math is never taken for a strict FP32 check. Returns -1 and
        /// what was passed over when none qualifies. cudnnConvolutionFwdAlgoPerf_t: algo at byte 0, status at 4,
        /// time at 8, memory at 16, determinism at 24, mathType at 28; 48 bytes each.
        /// </summary>
        internal static (int Algo, int MathType, string? Rejected) ChooseAlgorithm(byte* perf, int returned)
        {
            int fallback = -1, fallbackMath = -1;
            var rejected = new System.Collections.Generic.List<string>();
            for (int i = 0; i < returned; i++)
            {
                byte* entry = perf + i * CuDnnLibrary.AlgoPerfBytes;
                int algo = *(int*)entry, status = *(int*)(entry + 4), math = *(int*)(entry + 28);
                if (status != 0) { rejected.Add($"algorithm {algo}: status {status}"); continue; }
                if (math == FmaMath) return (algo, math, null);
                if (math == DefaultMath && fallback < 0) { fallback = algo; fallbackMath = math; continue; }
                rejected.Add($"algorithm {algo}: math type {math} (tensor cores)");
            }

            return (fallback, fallbackMath, string.Join("; ", rejected));
        }

        /// <summary>
        /// ||value - reference|| / ||reference|| over the samples; NaN when any sample was not written (still the poison).
        /// </summary>
        private static double SampledError(CancellationToken cancel, Func<(double Reference, float Value)> sample)
        {
            double diff = 0, norm = 0;
            int unwritten = 0;
            for (int s = 0; s < Samples; s++)
            {
                cancel.ThrowIfCancellationRequested();
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

        private static void Upload(CudaDriver driver, DeviceMemory buffer, long elements, ulong seed)
        {
            var host = new float[elements];
            for (long i = 0; i < elements; i++) host[i] = GemmOperands.InputValue(seed, i);
            fixed (float* p = host) driver.ThrowIfFailed(driver.cuMemcpyHtoD(buffer.Pointer, (IntPtr)p, (ulong)elements * 4));
        }
    }
}
