using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>A cuDNN call returned an error: its cudnnStatus_t (numbered differently by each major), cuDNN's text, the call.</summary>
    internal sealed class CuDnnException : DlGpuTools.Errors.DlGpuToolsException
    {
        public CuDnnException(int status, string text, string call)
            : base(DlGpuTools.Errors.ErrorCatalogue.CuDnnCallFailed, $"{call} failed with cuDNN status {status}: {text}")
        {
            Status = status;
            ErrorText = text;
            Call = call;
        }

        public int Status { get; }

        public string ErrorText { get; }

        public string Call { get; }
    }

    /// <summary>
    /// cudnnStatus_t values that differ between majors. cuDNN 8 numbers them 0-14 (cudnn_ops_infer.h); cuDNN 9
    /// groups them by thousands (cudnn_graph.h: 1xxx not initialised/version/loading, 2xxx bad parameter,
    /// 3xxx not supported, 4xxx internal, 5xxx execution failed).
    /// </summary>
    internal static class CuDnnStatusCodes
    {
        public static int NotSupported(int major) => major >= 9 ? 3000 : 9;

        /// <summary>CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED (cuDNN 9.2 and later); cuDNN 8 has no such status.</summary>
        public static int? SubLibraryLoadingFailed(int major) => major >= 9 ? 1008 : (int?)null;

        /// <summary>
        /// True when a status says a sub-library could not be loaded (by number, or by the library's own text on older releases).
        /// </summary>
        public static bool IsSubLibraryLoadingFailure(int status, int major, string text) =>
            status == SubLibraryLoadingFailed(major)
                || (text != null && text.IndexOf("SUBLIBRARY", StringComparison.OrdinalIgnoreCase) >= 0);
    }

    /// <summary>
    /// cuDNN's legacy C API, enough for its version facts and one forward convolution. cuDNN 9's main library
    /// is a thin dispatcher that loads its sub-libraries (graph, engines, heuristic, ops, cnn, adv) when first
    /// needed, so only a real operation proves the install.
    /// </summary>
    internal sealed unsafe partial class CuDnnLibrary : ToolkitLibrary
    {
        private readonly NativeMethods _native;

        private CuDnnLibrary(ProbeResult probe)
            : base(probe.Handle, probe.Handle.ResolveLoadedPath("cudnnGetVersion"), probe.Attempts, NativeLibraryKind.CuDnn)
        {
            _native = new NativeMethods(Bind(NativeDeclarations));
        }

        public static CuDnnLibrary Load(ProbeEnvironment environment, INativeLoader loader) =>
            new CuDnnLibrary(Probe(NativeLibraryKind.CuDnn, environment, loader, "cudnnGetVersion", NativeDeclarations));

        /// <summary>cudnnGetVersion: CUDNN_VERSION of the loaded library (see <see cref="DecodeVersion"/>).</summary>
        public long Version => (long)_native.cudnnGetVersion();

        /// <summary>cudnnGetCudartVersion: the CUDA runtime this cuDNN was built for, 1000*major + 10*minor.</summary>
        public long CudartVersion => (long)_native.cudnnGetCudartVersion();

        /// <summary>
        /// cudnnGetMaxDeviceVersion (cuDNN 9): the newest compute capability it knows, major*100 + minor*10; null on cuDNN 8.
        /// </summary>
        public long? MaxDeviceVersion => _native.HasCudnnGetMaxDeviceVersion ? (long)_native.cudnnGetMaxDeviceVersion() : (long?)null;

        /// <summary>
        /// cuDNN 8 encodes MAJOR*1000 + MINOR*100 + PATCH (8904 is 8.9.4); cuDNN 9 MAJOR*10000 + MINOR*100 + PATCH
        /// (91400 is 9.14.0). Values below 10000 are the old encoding.
        /// </summary>
        public static Version? DecodeVersion(long value)
        {
            if (value <= 0) return null;
            return value < 10000
                ? new Version((int)(value / 1000), (int)(value % 1000 / 100), (int)(value % 100))
                : new Version((int)(value / 10000), (int)(value % 10000 / 100), (int)(value % 100));
        }

        public string ErrorString(int status)
        {
            IntPtr text = _native.HasCudnnGetErrorString ? _native.cudnnGetErrorString(status) : IntPtr.Zero;
            return text == IntPtr.Zero ? "no description from cuDNN" : Marshal.PtrToStringAnsi(text);
        }

        public void ThrowIfFailed(int status, [System.Runtime.CompilerServices.CallerArgumentExpression("status")] string? call = null)
        {
            if (status != 0) throw new CuDnnException(status, ErrorString(status), NativeCall.Name(call));
        }

        public int cudnnCreate(out IntPtr handle)
        {
            IntPtr h;
            int r = _native.cudnnCreate(&h);
            handle = h;
            return r;
        }

        public int cudnnDestroy(IntPtr handle) => _native.cudnnDestroy(handle);

        public int cudnnCreateDescriptor(string function, out IntPtr descriptor)
        {
            IntPtr d;
            int r = _native.CreateDescriptor(function, &d);
            descriptor = d;
            return r;
        }

        public int cudnnDestroyDescriptor(string function, IntPtr descriptor) => _native.DestroyDescriptor(function, descriptor);

        /// <summary>NCHW float tensor (CUDNN_TENSOR_NCHW = 0, CUDNN_DATA_FLOAT = 0).</summary>
        public int cudnnSetTensor4dDescriptor(IntPtr desc, int n, int c, int h, int w) =>
            _native.cudnnSetTensor4dDescriptor(desc, 0, 0, n, c, h, w);

        public int cudnnSetFilter4dDescriptor(IntPtr desc, int k, int c, int h, int w) =>
            _native.cudnnSetFilter4dDescriptor(desc, 0, 0, k, c, h, w);

        /// <summary>Cross-correlation (CUDNN_CROSS_CORRELATION = 1), as frameworks' conv2d is, in float.</summary>
        public int cudnnSetConvolution2dDescriptor(IntPtr desc, int pad, int stride) =>
            _native.cudnnSetConvolution2dDescriptor(desc, pad, pad, stride, stride, 1, 1, 1, 0);

        /// <summary>CUDNN_FMA_MATH (3): plain FP32, no TF32, so the result is checked strictly.</summary>
        public int cudnnSetConvolutionMathType(IntPtr desc, int mathType) =>
            _native.cudnnSetConvolutionMathType(desc, mathType);

        /// <summary>
        /// cudnnConvolutionFwdAlgoPerf_t is 48 bytes: algo, status, time, (pad), memory, determinism, mathType, reserved[3].
        /// </summary>
        public const int AlgoPerfBytes = 48;

        public int cudnnGetConvolutionForwardAlgorithm(IntPtr handle, IntPtr x, IntPtr w, IntPtr conv, IntPtr y, int requested,
            out int returned, byte* perf)
        {
            int n;
            int r = _native.cudnnGetConvolutionForwardAlgorithm_v7(handle, x, w, conv, y, requested, &n, perf);
            returned = n;
            return r;
        }

        public int cudnnGetConvolutionForwardWorkspaceSize(IntPtr handle, IntPtr x, IntPtr w, IntPtr conv, IntPtr y,
            int algo, out ulong bytes)
        {
            UIntPtr size;
            int r = _native.cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, algo, &size);
            bytes = (ulong)size;
            return r;
        }

        public int cudnnConvolutionForward(IntPtr handle, IntPtr xDesc, ulong x, IntPtr wDesc, ulong w, IntPtr conv, int algo,
            ulong workspace, ulong workspaceBytes, IntPtr yDesc, ulong y)
        {
            float alpha = 1, beta = 0;
            return _native.cudnnConvolutionForward(
                handle, &alpha, xDesc, x, wDesc, w, conv, algo, workspace, new UIntPtr(workspaceBytes), &beta, yDesc, y);
        }
    }
}
