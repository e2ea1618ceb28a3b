namespace DlGpuTools
{
    /// <summary>A compute process using a GPU, as NVML reports it.</summary>
    public sealed class GpuProcess
    {
        public int ProcessId { get; set; }

        /// <summary>The process name, when this OS lets us see it (processes in other containers are hidden).</summary>
        public string? ProcessName { get; set; }

        /// <summary>Device memory used in bytes; empty where the driver does not say (Windows WDDM).</summary>
        public ulong? UsedMemory { get; set; }

        /// <summary>"python3(4242) 512 MiB": what Export-Csv and string interpolation show.</summary>
        public override string ToString()
        {
            string memory = UsedMemory is ulong bytes
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, " {0:0} MiB", bytes / 1048576.0) : string.Empty;
            return (ProcessName ?? "pid") + "(" + ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" + memory;
        }
    }
}
