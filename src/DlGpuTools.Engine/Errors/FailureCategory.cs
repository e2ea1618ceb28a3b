namespace DlGpuTools.Errors
{
    /// <summary>
    /// The engine's own copy of the PowerShell ErrorCategory names it uses (same spelling, so the cmdlet
    /// layer converts by name). The engine stays free of System.Management.Automation.
    /// </summary>
    public enum FailureCategory
    {
        NotInstalled,
        ObjectNotFound,
        ResourceUnavailable,
        InvalidArgument,
        DeviceError,
        InvalidOperation,
        NotImplemented,
        InvalidResult,

        // Categories of user tables, metric files and remote ranks (PowerShell's names, converted by name).
        LimitsExceeded,
        PermissionDenied,
        ReadError,
        WriteError,
        InvalidData,
        ConnectionError,
        OperationStopped,
        OperationTimeout,
    }
}
