using System.Management.Automation;
using DlGpuTools.Devices;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// Remove-Module releases what the session retained: primary contexts and the NVML session. Loading is
    /// lazy (nothing native happens at import), so importing the module on a machine without a GPU is free.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport()
        {
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            GpuRuntime.ResetShared();
        }
    }
}
