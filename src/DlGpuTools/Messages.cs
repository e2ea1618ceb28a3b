using System.Globalization;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// User-facing text of the cmdlet layer, in one file so wording stays consistent and can move to
    /// .resx resources when a translation arrives. Formatted with the UI culture.
    /// </summary>
    internal static class Messages
    {
        public const string DeviceIndexNotFound = "No CUDA device has index {0}; this process sees {1} device(s).";
        public const string DeviceUuidNotFound = "No CUDA device has UUID {0}.";
        public const string DeviceNameNotFound = "No CUDA device is named '{0}'.";
        public const string ListDevicesRemedy = "Run Get-CudaDevice without parameters to list the devices this process sees (CUDA_VISIBLE_DEVICES can hide some).";
        public const string DriverLoadedFrom = "CUDA driver loaded from {0}.";
        public const string NoDevices = "The CUDA driver is installed but shows no device to this process.";
        public const string NoDevicesRemedy = "Check that nvidia-smi lists a GPU and that CUDA_VISIBLE_DEVICES, if set, names one.";

        public static string Format(string format, params object[] args) => string.Format(CultureInfo.CurrentUICulture, format, args);
    }
}
