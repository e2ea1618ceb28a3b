using System;

namespace DlGpuTools.Interop
{
    /// <summary>A CUDA driver call returned an error. Carries the driver's own name and text for the code.</summary>
    internal sealed class CudaException : Exception
    {
        public CudaException(CudaResult result, string errorName, string errorText, string call)
            : base($"{call} failed with {errorName} ({(int)result}): {errorText}")
        {
            Result = result;
            ErrorName = errorName;
            ErrorText = errorText;
            Call = call;
        }

        public CudaResult Result { get; }

        /// <summary>From cuGetErrorName, e.g. CUDA_ERROR_NO_DEVICE.</summary>
        public string ErrorName { get; }

        /// <summary>From cuGetErrorString, e.g. "no CUDA-capable device is detected".</summary>
        public string ErrorText { get; }

        /// <summary>The call that failed, as written in the source.</summary>
        public string Call { get; }
    }
}
