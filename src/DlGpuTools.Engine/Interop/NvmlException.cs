using System;
using DlGpuTools.Errors;

namespace DlGpuTools.Interop
{
    /// <summary>An NVML call returned an error; carries nvmlErrorString's text and the next step for the code.</summary>
    internal sealed class NvmlException : DlGpuToolsException
    {
        public NvmlException(NvmlReturn result, string errorText, string call)
            : this(result, errorText, call, NativeStatusMeanings.Of(result))
        {
        }

        private NvmlException(NvmlReturn result, string errorText, string call, ErrorMeaning meaning)
            : base(meaning.Entry, meaning.Category, $"{call} failed with {NameOf(result)} ({(int)result}): {errorText}",
                meaning.Remedy, null)
        {
            Result = result;
            ErrorName = NameOf(result);
            ErrorText = errorText;
            Call = call;
        }

        public NvmlReturn Result { get; }

        public string ErrorName { get; }

        public string ErrorText { get; }

        public string Call { get; }

        internal static string NameOf(NvmlReturn result) =>
            Enum.IsDefined(typeof(NvmlReturn), result) ? result.ToString() : "NVML_ERROR_" + (int)result;
    }
}
