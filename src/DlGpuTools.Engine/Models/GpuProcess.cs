namespace DlGpuTools
{
    /// <summary>A compute process using a GPU, as NVML reports it.</summary>
    public sealed class GpuProcess
    {
        public int ProcessId { get; set; }

        /// <summary>The process name, when this OS lets us see it (processes in other containers are hidden).</summary>
        public string ProcessName { get; set; }

        /// <summary>Device memory used in bytes; empty where the driver does not say (Windows WDDM).</summary>
        public ulong? UsedMemory { get; set; }

        public override string ToString() => ProcessName == null ? ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{ProcessName} ({ProcessId})";
    }
}
