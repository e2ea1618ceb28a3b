namespace DlGpuTools.Devices
{
    /// <summary>NVIDIA architecture names by compute capability (CUDA C Programming Guide's table of compute capabilities).</summary>
    internal static class GpuArchitecture
    {
        public static string FromComputeCapability(int major, int minor)
        {
            switch (major)
            {
                case 1: return "Tesla";
                case 2: return "Fermi";
                case 3: return "Kepler";
                case 5: return "Maxwell";
                case 6: return "Pascal";
                case 7: return minor >= 5 ? "Turing" : "Volta";
                case 8: return minor == 9 ? "Ada Lovelace" : "Ampere";
                case 9: return "Hopper";
                case 10:
                case 11:
                case 12: return "Blackwell";
                default: return major > 12 ? "Unknown (newer than Blackwell)" : "Unknown";
            }
        }
    }
}
