using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// A CUDA driver call returned an error. Carries the driver's own name and text for the code, and knows what the
    /// code means for the user (<see cref="NativeStatusMeanings"/>): its error id, category and next step.
    /// </summary>
    internal sealed class CudaException : DlGpuToolsException
    {
        public CudaException(CudaResult result, string errorName, string errorText, string call)
            : this(result, errorName, errorText, call, NativeStatusMeanings.Of(result, call, ErrorHost.Current))
        {
        }

        private CudaException(CudaResult result, string errorName, string errorText, string call, ErrorMeaning meaning)
            : base(meaning.Entry, meaning.Category, $"{call} failed with {errorName} ({(int)result}): {errorText}", meaning.Remedy, null)
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

        /// <summary>No device reads as that, not as a failed call: the driver works, and the question is where the GPU went.</summary>
        public override Failure Describe(ErrorHost host)
        {
            ErrorMeaning meaning = NativeStatusMeanings.Of(Result, Call, host);
            string message = Result == CudaResult.CUDA_ERROR_NO_DEVICE
                ? "The CUDA driver is installed but reports no CUDA-capable device (" + ErrorName + ": " + ErrorText + ")."
                : Message;
            return new Failure(meaning.Entry, meaning.Category, message, meaning.Remedy);
        }
    }
}
