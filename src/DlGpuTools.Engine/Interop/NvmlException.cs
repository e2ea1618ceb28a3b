using System;

namespace DlGpuTools.Interop
{
    /// <summary>An NVML call returned an error; carries nvmlErrorString's text.</summary>
    internal sealed class NvmlException : Exception
    {
        public NvmlException(NvmlReturn result, string errorText, string call)
            : base($"{call} failed with {NameOf(result)} ({(int)result}): {errorText}")
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
