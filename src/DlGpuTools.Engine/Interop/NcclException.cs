using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>An NCCL call returned an error: its ncclResult_t, NCCL's own text for it, and the call that failed.</summary>
    internal sealed class NcclException : DlGpuToolsException
    {
        public NcclException(NcclResult result, string text, string call)
            : this(result, text, call, NativeStatusMeanings.Of(result))
        {
        }

        private NcclException(NcclResult result, string text, string call, ErrorMeaning meaning)
            : base(meaning.Entry, meaning.Category, $"{call} failed with {result} ({(int)result}): {text}", meaning.Remedy, null)
        {
            Result = result;
            ErrorText = text;
            Call = call;
        }

        public NcclResult Result { get; }

        public string ErrorText { get; }

        public string Call { get; }
    }
}
