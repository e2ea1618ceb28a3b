using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// What candidate lists depend on: the OS, environment variables and which folders exist.
    /// Injected so tests can describe a Windows box, a WSL box or a broken install without having one.
    /// </summary>
    internal sealed class ProbeEnvironment
    {
        /// <summary>A machine whose files are the real ones but whose folders exist as <paramref name="directoryExists"/> says.</summary>
        public ProbeEnvironment(bool isWindows, Func<string, string?> getVariable, Func<string, bool> directoryExists,
            bool isWsl, bool isArm64)
            : this(isWindows, getVariable, new ProbeFileSystem(File.Exists,
                directoryExists ?? throw new ArgumentNullException(nameof(directoryExists)), (root, pattern) =>
                directoryExists(root) ? ProbeFileSystem.Real.ListDirectories(root, pattern) : Array.Empty<string>()), isWsl, isArm64, null)
        {
        }

        /// <summary>
        /// A described machine. <c>scanRoots</c> are the fixed folders (not named by any variable) that the search
        /// for library copies and Python environments reads; null for this OS's standard ones
        /// (<see cref="StandardScanRoots"/>). Tests pass an empty list so a machine's own cuDNN copies do not leak
        /// into their results.
        /// </summary>
        public ProbeEnvironment(bool isWindows, Func<string, string?> getVariable, ProbeFileSystem fileSystem, bool isWsl, bool isArm64,
            IReadOnlyList<string>? scanRoots)
            : this(isWindows, getVariable, fileSystem, isWsl, isArm64, scanRoots, null)
        {
        }

        /// <summary>
        /// A described machine whose relative override paths are read against <paramref name="workingDirectory"/>
        /// (PowerShell's current location, which is not the process's); null for the process's current directory.
        /// </summary>
        public ProbeEnvironment(bool isWindows, Func<string, string?> getVariable, ProbeFileSystem fileSystem, bool isWsl, bool isArm64,
            IReadOnlyList<string>? scanRoots, string? workingDirectory)
        {
            IsWindows = isWindows;
            GetVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
            FileSystem = fileSystem ?? throw new ArgumentNullException(nameof(fileSystem));
            IsWsl = isWsl;
            IsArm64 = isArm64;
            ScanRoots = scanRoots ?? StandardScanRoots(isWindows, isArm64);
            WorkingDirectory = Strings.IsNullOrWhiteSpace(workingDirectory) ? Environment.CurrentDirectory : workingDirectory;
        }

        /// <summary>The folder a relative DLGPUTOOLS_*_PATH override is read against.</summary>
        public string WorkingDirectory { get; }

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
                "/usr/local/cuda/lib64", "/usr/local/cuda/targets/" + target + "/lib", "/usr/lib/" + multiarch, "/lib/" + multiarch,
                    "/usr/lib64", "/usr/lib/wsl/lib",
                "/usr/local/cuda-*/lib64", "/usr/local/lib/python3*/dist-packages", "/usr/lib/python3/dist-packages",
            };
        }

        /// <summary>The machine this process runs on, relative overrides read against the process's current directory.</summary>
        public static ProbeEnvironment Current() => Current(null);

        /// <summary>The machine this process runs on, relative overrides read against <paramref name="workingDirectory"/> (a cmdlet passes
        /// PowerShell's location).</summary>
        public static ProbeEnvironment Current(string? workingDirectory)
        {
            bool windows = PlatformInfo.IsWindows;
            return new ProbeEnvironment(
                windows,
                Environment.GetEnvironmentVariable,
                ProbeFileSystem.Real,
                isWsl: !windows && DetectWsl(),
                isArm64: System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture
                    == System.Runtime.InteropServices.Architecture.Arm64,
                scanRoots: null,
                workingDirectory: workingDirectory);
        }

        /// <summary>Whether a path is absolute on the described OS (a drive or UNC path on Windows, a leading '/' elsewhere).</summary>
        public bool IsRooted(string path)
        {
            if (Strings.IsNullOrEmpty(path)) return false;
            if (!IsWindows) return path[0] == '/';
            return path.StartsWith(@"\\", StringComparison.Ordinal)
                || (path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/'));
        }

        /// <summary>
        /// The folder a variable such as CUDA_PATH or CONDA_PREFIX names, or null when it is unset, blank or relative:
        /// a relative folder means whatever the current directory is at the moment of loading, which is how a library
        /// planted in a working directory gets loaded. <see cref="SearchPathWarnings"/> says so to the user.
        /// </summary>
        public string? AbsoluteFolder(string variable)
        {
            string? value = GetVariable(variable)?.Trim().Trim('"');
            return !Strings.IsNullOrEmpty(value) && IsRooted(value) ? value : null;
        }

        /// <summary>The absolute entries of a list variable (LD_LIBRARY_PATH, PATH); empty and relative entries are left out, as
        /// <see cref="AbsoluteFolder"/> explains.</summary>
        public IReadOnlyList<string> AbsoluteEntries(string variable) =>
            (GetVariable(variable) ?? string.Empty).Split(ListSeparator).Select(e => e.Trim().Trim('"'))
                .Where(e => e.Length > 0 && IsRooted(e)).ToList();

        /// <summary>
        /// A DLGPUTOOLS_*_PATH override as an absolute path, or null when unset. A relative one is read against
        /// <see cref="WorkingDirectory"/>, where the user is, never against the process's start folder.
        /// </summary>
        public string? OverridePath(string variable)
        {
            string? value = GetVariable(variable)?.Trim().Trim('"');
            if (Strings.IsNullOrEmpty(value)) return null;
            if (IsRooted(value)) return value;
            if (!IsWindows) return Path.GetFullPath(Path.Combine(WorkingDirectory, value));
            return WorkingDirectory.TrimEnd('\\', '/') + "\\" + value;
        }

        /// <summary>The variables whose folders DlGpuTools searches for libraries, besides the list variables.</summary>
        private static readonly string[] FolderVariables = { "CUDA_PATH", "CUDA_HOME", "CONDA_PREFIX", "VIRTUAL_ENV", "MKLROOT" };

        /// <summary>
        /// What in the search variables names the current directory: an empty LD_LIBRARY_PATH entry (a leading,
        /// trailing or doubled ':', as `export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH` leaves when
        /// the variable was empty), which the system loader reads as '.', and relative entries or folders. The
        /// module skips them; the loader does not, for the libraries that the loaded ones open by name themselves
        /// (cuDNN's sub-libraries), so the user should remove them.
        /// </summary>
        public IReadOnlyList<string> SearchPathWarnings()
        {
            var warnings = new List<string>();
            string listVariable = IsWindows ? "PATH" : "LD_LIBRARY_PATH";
            string? list = GetVariable(listVariable);
            if (list != null)
            {
                string[] entries = list.Split(ListSeparator);
                if (!IsWindows && list.Length > 0 && entries.Any(e => e.Trim().Length == 0))
                    warnings.Add($"LD_LIBRARY_PATH has an empty entry (a leading, trailing or doubled ':'), which the system loader reads "
                        + $"as the current directory, so a library planted where you work can load. DlGpuTools skipped it; remove it (for "
                        + $"example: export LD_LIBRARY_PATH=/usr/local/cuda/lib64${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}).");
                foreach (string entry in entries.Select(e => e.Trim().Trim('"')).Where(e => e.Length > 0 && !IsRooted(e)).Distinct())
                    warnings.Add($"{listVariable} entry '{entry}' is a relative folder, read against whatever the current directory is. "
                        + "DlGpuTools skipped it; use an absolute path.");
            }

            foreach (string variable in FolderVariables)
            {
                string? value = GetVariable(variable)?.Trim().Trim('"');
                if (!Strings.IsNullOrEmpty(value) && !IsRooted(value))
                    warnings.Add($"{variable} is '{value}', a relative folder. DlGpuTools did not search it; set it to an absolute path.");
            }

            return warnings;
        }

        private static bool DetectWsl()
        {
            try
            {
                // WSL kernels say so in their release string; the driver folder is the other tell.
                const string release = "/proc/sys/kernel/osrelease";
                if (File.Exists(release) && File.ReadAllText(release).IndexOf("microsoft", StringComparison.OrdinalIgnoreCase) >= 0)
                    return true;
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
