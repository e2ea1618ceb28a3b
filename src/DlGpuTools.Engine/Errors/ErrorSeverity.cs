namespace DlGpuTools.Errors
{
    /// <summary>
    /// What a failure asks of whoever reads it, so a script or a scheduler can act on the id alone: change the
    /// command, fix the host, try again, or take the GPU out of use. DCGM grades its errors the same way, by the
    /// action they call for (dcgmErrorSeverity_t in dcgm_errors.h: MONITOR, ISOLATE, TRIAGE, CONFIG, RESET;
    /// https://github.com/NVIDIA/DCGM).
    /// </summary>
    public enum ErrorSeverity
    {
        /// <summary>The command was asked for something it cannot do as given: change its parameters or input.</summary>
        Input,

        /// <summary>
        /// The host's software or configuration stops the command (driver, library, variable, service, permission):
        /// every run fails the same way until the host is fixed.
        /// </summary>
        Host,

        /// <summary>
        /// This run did not complete (memory in use, a busy GPU, a rank or peer that went away, a timeout): run it again.
        /// </summary>
        Transient,

        /// <summary>The GPU or its driver failed or computed a wrong result: do not trust the GPU for work until it is checked.</summary>
        Device,
    }
}
