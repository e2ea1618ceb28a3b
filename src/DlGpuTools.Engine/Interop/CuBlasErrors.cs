using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// cuBLAS and cuBLASLt share cublasStatus_t; each library names its codes through its own export
    /// (cublasGetStatusName/String, cublasLtGetStatusName/String). One place turns a status into the exception.
    /// </summary>
    internal static unsafe class CuBlasErrors
    {
        public static CuBlasException Create(ExportTable exports, string prefix, CuBlasStatus status, string? call)
        {
            string name = Text(exports, prefix + "GetStatusName", status)
                ?? (Enum.IsDefined(typeof(CuBlasStatus), status) ? status.ToString() : "CUBLAS_STATUS_" + (int)status);
            string text = Text(exports, prefix + "GetStatusString", status) ?? "no description from " + prefix;
            return new CuBlasException(status, name, text, NativeCall.Name(call));
        }

        private static string? Text(ExportTable exports, string function, CuBlasStatus status)
        {
            IntPtr f = exports.TryGet(function);
            if (f == IntPtr.Zero) return null;
            IntPtr p = ((delegate* unmanaged[Cdecl]<CuBlasStatus, IntPtr>)f)(status);
            return p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p);
        }
    }
}
