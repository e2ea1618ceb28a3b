using System.Management.Automation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// -Library and -ThreadCount, declared once for the commands that measure the CPU. Measure-CpuMatMul and
    /// Measure-GpuSpeedup have different bases (one takes GPUs), so the parameters cannot sit on a shared base class;
    /// each command returns one of these from IDynamicParameters.GetDynamicParameters, which PowerShell binds like the
    /// command's own parameters (attributes, completion, help), and reads the values from it
    /// (https://learn.microsoft.com/dotnet/api/system.management.automation.idynamicparameters.getdynamicparameters).
    /// </summary>
    public sealed class CpuBlasParameters
    {
        /// <summary>A BLAS family (Mkl, MklInPyTorch, OpenBlas, Blis, Accelerate, Reference) or a library file.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(BlasLibraryCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Library { get; set; }

        [Parameter]
        [ValidateRange(1, 4096)]
        public int ThreadCount { get; set; }

        /// <summary>
        /// The BLAS -Library names (or the best found), with the search written to the verbose stream; throws
        /// CpuBlasNotFoundException when -Library names what is not here.
        /// </summary>
        internal CpuBenchmarkChoice Choose(Cmdlet cmdlet, string currentDirectory) =>
            CpuBenchmarkChoice.Create(cmdlet, Library, ThreadCount, currentDirectory);
    }
}
