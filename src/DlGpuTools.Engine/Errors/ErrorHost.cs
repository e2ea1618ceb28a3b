using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Errors
{
    /// <summary>
    /// The facts of the machine a remedy is written for: some next steps differ between Windows and Linux, and
    /// some read a variable (CUDA_VISIBLE_DEVICES can hide every GPU). Exceptions describe themselves for
    /// <see cref="Current"/> when they are thrown; tests and install checks describe them for a machine they describe.
    /// </summary>
    public sealed class ErrorHost
    {
        public ErrorHost(bool isWindows, Func<string, string?> getVariable)
        {
            IsWindows = isWindows;
            GetVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
        }

        /// <summary>This process's machine.</summary>
        public static ErrorHost Current =>
            new ErrorHost(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), Environment.GetEnvironmentVariable);

        public bool IsWindows { get; }

        public Func<string, string?> GetVariable { get; }
    }
}
