using System;
using System.IO;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// What candidate lists depend on: the OS, environment variables and which folders exist.
    /// Injected so tests can describe a Windows box, a WSL box or a broken install without having one.
    /// </summary>
    public sealed class ProbeEnvironment
    {
        public ProbeEnvironment(bool isWindows, Func<string, string> getVariable, Func<string, bool> directoryExists, bool isWsl, bool isArm64)
        {
            IsWindows = isWindows;
            GetVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
            DirectoryExists = directoryExists ?? throw new ArgumentNullException(nameof(directoryExists));
            IsWsl = isWsl;
            IsArm64 = isArm64;
        }

        public bool IsWindows { get; }

        public bool IsWsl { get; }

        public bool IsArm64 { get; }

        public Func<string, string> GetVariable { get; }

        public Func<string, bool> DirectoryExists { get; }

        /// <summary>The machine this process runs on.</summary>
        public static ProbeEnvironment Current()
        {
            bool windows = PlatformInfo.IsWindows;
            return new ProbeEnvironment(
                windows,
                Environment.GetEnvironmentVariable,
                Directory.Exists,
                isWsl: !windows && DetectWsl(),
                isArm64: System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64);
        }

        private static bool DetectWsl()
        {
            try
            {
                // WSL kernels say so in their release string; the driver folder is the other tell.
                const string release = "/proc/sys/kernel/osrelease";
                if (File.Exists(release) && File.ReadAllText(release).IndexOf("microsoft", StringComparison.OrdinalIgnoreCase) >= 0) return true;
                return Directory.Exists("/usr/lib/wsl/lib");
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
