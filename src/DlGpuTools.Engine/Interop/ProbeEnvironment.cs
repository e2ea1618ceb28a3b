using System;
using System.Collections.Generic;
using System.IO;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// What candidate lists depend on: the OS, environment variables and which folders exist.
    /// Injected so tests can describe a Windows box, a WSL box or a broken install without having one.
    /// </summary>
    public sealed class ProbeEnvironment
    {
        /// <summary>A machine whose files are the real ones but whose folders exist as <paramref name="directoryExists"/> says.</summary>
        public ProbeEnvironment(bool isWindows, Func<string, string?> getVariable, Func<string, bool> directoryExists, bool isWsl, bool isArm64)
            : this(isWindows, getVariable, new ProbeFileSystem(File.Exists, directoryExists ?? throw new ArgumentNullException(nameof(directoryExists)), (root, pattern) => directoryExists(root) ? ProbeFileSystem.Real.ListDirectories(root, pattern) : Array.Empty<string>()), isWsl, isArm64, null)
        {
        }

        /// <summary>
        /// A described machine. <c>scanRoots</c> are the fixed folders (not named by any variable) that the search
        /// for library copies and Python environments reads; null for this OS's standard ones
        /// (<see cref="StandardScanRoots"/>). Tests pass an empty list so a machine's own cuDNN copies do not leak
        /// into their results.
        /// </summary>
        public ProbeEnvironment(bool isWindows, Func<string, string?> getVariable, ProbeFileSystem fileSystem, bool isWsl, bool isArm64, IReadOnlyList<string>? scanRoots)
        {
            IsWindows = isWindows;
            GetVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
            FileSystem = fileSystem ?? throw new ArgumentNullException(nameof(fileSystem));
            IsWsl = isWsl;
            IsArm64 = isArm64;
            ScanRoots = scanRoots ?? StandardScanRoots(isWindows, isArm64);
        }

        public bool IsWindows { get; }

        public bool IsWsl { get; }

        public bool IsArm64 { get; }

        public Func<string, string?> GetVariable { get; }

        public Func<string, bool> DirectoryExists => FileSystem.DirectoryExists;

        public ProbeFileSystem FileSystem { get; }

        /// <summary>Fixed library and site-packages folders to scan for copies (one-segment wildcards allowed).</summary>
        public IReadOnlyList<string> ScanRoots { get; }

        /// <summary>The path separator of the described OS (not necessarily this process's).</summary>
        public char Separator => IsWindows ? '\\' : '/';

        /// <summary>The list separator of PATH-like variables on the described OS.</summary>
        public char ListSeparator => IsWindows ? ';' : ':';

        /// <summary>
        /// The standard folders on Linux where distributions, the CUDA toolkit, WSL and system Python put libraries.
        /// Windows has none that are not named by a variable (Program Files is read through ProgramW6432).
        /// </summary>
        public static IReadOnlyList<string> StandardScanRoots(bool isWindows, bool isArm64)
        {
            if (isWindows) return Array.Empty<string>();
            string multiarch = isArm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            string target = isArm64 ? "sbsa-linux" : "x86_64-linux";
            return new[]
            {
                "/usr/local/cuda/lib64", "/usr/local/cuda/targets/" + target + "/lib", "/usr/lib/" + multiarch, "/lib/" + multiarch, "/usr/lib64", "/usr/lib/wsl/lib",
                "/usr/local/cuda-*/lib64", "/usr/local/lib/python3*/dist-packages", "/usr/lib/python3/dist-packages",
            };
        }

        /// <summary>The machine this process runs on.</summary>
        public static ProbeEnvironment Current()
        {
            bool windows = PlatformInfo.IsWindows;
            return new ProbeEnvironment(
                windows,
                Environment.GetEnvironmentVariable,
                ProbeFileSystem.Real,
                isWsl: !windows && DetectWsl(),
                isArm64: System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64,
                scanRoots: null);
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
