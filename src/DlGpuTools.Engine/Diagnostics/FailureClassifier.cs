using System;
using DlGpuTools.Errors;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// Where an exception becomes a user-facing failure: an engine exception describes itself (its
    /// <see cref="ErrorCatalogue"/> entry and next step); any other exception is a bug and gets no description, so it
    /// surfaces as it is.
    /// </summary>
    public static class FailureClassifier
    {
        /// <summary>The cmdlets' own failures for a device that failed its queries, and for a driver that shows none.</summary>
        public const string CudaDeviceQueryFailed = nameof(ErrorCatalogue.CudaDeviceQueryFailed);

        public const string CudaDeviceNotFound = nameof(ErrorCatalogue.CudaDeviceNotFound);

        /// <summary>The failure as a user on this kind of host reads it, or null for an exception the engine does not describe.</summary>
        public static Failure? Classify(Exception exception, bool isWindows, Func<string, string?> getVariable) =>
            exception is DlGpuToolsException described ? described.Describe(new ErrorHost(isWindows, getVariable)) : null;
    }
}
