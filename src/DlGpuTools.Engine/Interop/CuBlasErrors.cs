using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// cuBLAS and cuBLASLt share cublasStatus_t; each library names its codes through its own export
    /// (cublasGetStatusName/String, cublasLtGetStatusName/String), which it passes here as the C strings they
    /// returned (zero where the library lacks them). One place turns a status into the exception.
    /// </summary>
    internal static class CuBlasErrors
    {
        public static CuBlasException Create(string library, CuBlasStatus status, IntPtr statusName, IntPtr statusText, string? call)
        {
            string name = Text(statusName)
                ?? (Enum.IsDefined(typeof(CuBlasStatus), status) ? status.ToString() : "CUBLAS_STATUS_" + (int)status);
            string text = Text(statusText) ?? "no description from " + library;
            return new CuBlasException(status, name, text, NativeCall.Name(call));
        }

        private static string? Text(IntPtr text) => text == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(text);
    }
}
