using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>What the sub-library files told: whether cuDNN will find a sound set, and files its own open would block on.</summary>
    internal sealed class CuDnnSubLibraryFiles
    {
        public CuDnnSubLibraryFiles(bool complete, IReadOnlyList<string> unopenable)
        {
            Complete = complete;
            Unopenable = unopenable;
        }

        /// <summary>Every sub-library is sound beside the main library, or a sound copy of the same release is where the loader
        /// looks.</summary>
        public bool Complete { get; }

        /// <summary>"path is a FIFO"-style lines for files that are not regular files, folders or missing.</summary>
        public IReadOnlyList<string> Unopenable { get; }
    }

    /// <summary>
    /// Inspects the sub-libraries beside the loaded cuDNN from their files alone (present, readable, a 64-bit
    /// library for this machine, not truncated). Nothing is loaded: a library this process loads stays loaded,
    /// and cuDNN's later load-by-name would find it even where a user's program would not, so the convolution
    /// would prove only "works after our preload".
    /// Why not a child process: on users' machines the only child we could start is pwsh itself, re-importing
    /// the module (seconds, and a second copy of every library and context); running the convolution before
    /// anything of cuDNN's is loaded gives the same evidence in this process, and only file reads happen here.
    /// </summary>
    internal sealed class CuDnnSubLibrariesCheck : InstallCheckBase
    {
        public const string CheckId = "cudnn-sublibraries";

        public CuDnnSubLibrariesCheck()
            : base(CheckId, "cuDNN sub-libraries", "Every sub-library of cuDNN's major is beside the main library and sound, "
                + "judged from its file without loading it.",
                CuDnnCheck.CheckId)
        {
        }

        public override string? SkipReason(InstallCheckContext context) => context.Fact<FoundCuDnn>()?.Version == null
            ? "Needs cuDNN." : null;

        public override InstallCheck Run(InstallCheckContext context)
        {
            FoundCuDnn found = context.Fact<FoundCuDnn>()!; // SkipReason runs it only with cuDNN and its version found
            CuDnnLibrary cudnn = found.Library;
            Version version = found.Version!;
            ProbeEnvironment environment = context.Environment;
            string folder = Path.GetDirectoryName(cudnn.LibraryPath);
            string[] names = CuDnnSubLibraries.Names(version.Major, environment.IsWindows);
            var missing = new List<string>();
            var broken = new List<string>();
            var brokenNames = new List<string>();
            var searched = new List<string>();
            var unopenable = new List<string>();
            foreach (string name in names)
            {
                context.Cancel.ThrowIfCancellationRequested();
                string path = Path.Combine(folder, name);
                if (!File.Exists(path) && !Directory.Exists(path)) { missing.Add(name); searched.Add($"{path}: no such file"); continue; }
                LibraryFileInspector.Verdict verdict = LibraryFileInspector.Inspect(path, environment.IsArm64);
                if (!verdict.Usable)
                {
                    broken.Add($"{name} ({verdict.Problem})");
                    brokenNames.Add(name);
                }

                if (verdict.Problem != null && NotOpenable(path, out string? what)) unopenable.Add($"{path} is {what}");
                searched.Add($"{path}: " + (verdict.Usable ? "looks sound"
                    + (verdict.Soname != null ? $" (soname {verdict.Soname})" : string.Empty) : verdict.Problem));
            }

            var check = Result(CheckStatus.Passed, $"All {names.Length} cuDNN {version.Major} sub-libraries are in {folder} and look sound "
                + "(read from their files, not loaded: the convolution check lets cuDNN load them itself).");
            if (missing.Count == 0 && broken.Count == 0)
            {
                context.Publish(new CuDnnSubLibraryFiles(true, unopenable));
                check.Searched = searched.ToArray();
                return check;
            }

            // cuDNN opens its sub-libraries by name, through the loader's search, not from its own folder (seen on an
            // H100: a lone main library, and one with a truncated libcudnn_ops beside it, both ran the convolution with
            // the system folder's copies). A sound copy found there at the same release is what a program gets too, so
            // the verdict is a warning; a damaged file beside the main library is still named, as the trap it is.
            var elsewhere = new List<string>();
            var wrong = new List<string>();
            foreach (string name in missing.Concat(brokenNames))
            {
                CuDnnSubLibraries.Found? copy = CuDnnSubLibraries.FindElsewhere(name, environment);
                if (copy == null) continue;
                bool besideItself = string.Equals(Path.GetFullPath(copy.Path), Path.GetFullPath(Path.Combine(folder, name)),
                    StringComparison.Ordinal);
                if (brokenNames.Contains(name) && (besideItself
                    || !LibraryFileInspector.Inspect(copy.Path, environment.IsArm64).Usable)) continue;
                searched.Add($"{name} by name through the loader's search: {copy.Path}"
                    + (copy.Version != null ? $" (version {copy.Version})" : " (no version in its file name)"));
                if (copy.Version != null && !CuDnnSubLibraries.SameRelease(copy.Version, version))
                    wrong.Add($"{name} from {copy.Path} is version {copy.Version}");
                else elsewhere.Add($"{name} from {copy.Path}" + (copy.Version != null ? $" ({copy.Version})" : string.Empty));
            }

            check.Searched = searched.ToArray();
            if (elsewhere.Count == missing.Count + brokenNames.Count)
            {
                context.Publish(new CuDnnSubLibraryFiles(true, unopenable));
                check.CheckStatus = CheckStatus.Warning;
                check.Detail = (missing.Count > 0 ? $"Not beside {cudnn.LibraryPath}"
                    : $"Damaged beside {cudnn.LibraryPath}: {string.Join("; ", broken)}")
                    + $", but found by name where cuDNN {version} looks (the loader's search): {string.Join("; ", elsewhere)}. "
                    + "A program gets the same ones; the convolution check shows they load.";
                check.Remedy = broken.Count > 0
                    ? $"Works here, but replace or remove the damaged file(s) in {folder}: a program that puts {folder} on its "
                        + $"library path loads them and fails, "
                        + "or crashes on a truncated one."
                    : $"Works, but one cuDNN is split over two folders: install the complete package into {folder}, "
                        + $"or take {folder} off the library search path so the complete install is used.";
                return check;
            }

            context.Publish(new CuDnnSubLibraryFiles(false, unopenable));
            check.CheckStatus = CheckStatus.Failed;
            if (wrong.Count > 0)
            {
                check.Detail = $"Missing beside {cudnn.LibraryPath} ({version}), and the loader's search finds another release: "
                    + $"{string.Join("; ", wrong)}. "
                    + "cuDNN refuses sub-libraries of another version (CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH).";
                check.Remedy = $"Install the complete cuDNN {version} package into {folder}, or take {folder} off the library "
                    + $"search path so one complete install is found.";
                check.Data["Missing"] = string.Join(",", missing);
                return check;
            }

            check.Detail = (missing.Count > 0 ? $"Missing beside {cudnn.LibraryPath}: {string.Join(", ", missing)}. " : string.Empty)
                + (broken.Count > 0 ? $"Present but not loadable: {string.Join("; ", broken)}." : string.Empty);
            check.Remedy = $"cuDNN {version.Major} loads its sub-libraries by name when an operation first needs them; with some "
                + $"missing or damaged beside the main library, "
                + "another copy's (or none) is used and operations fail with CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED. "
                + $"Install the complete cuDNN package into {folder}, or take {folder} off the library search path so the complete "
                    + $"install is found.";
            check.Data["Missing"] = string.Join(",", missing);
            check.Data["Broken"] = string.Join(",", broken);
            return check;
        }

        /// <summary>Whether a path is something cuDNN's own open would block on or fail to read (a FIFO, a device, a socket).</summary>
        private static bool NotOpenable(string path, out string? what)
        {
            what = null;
            try
            {
                FileStatus status = FileStatus.Of(path);
                if (status.Kind == FileKind.Regular || status.Kind == FileKind.Missing || status.Kind == FileKind.Directory) return false;
                what = status.Describe();
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
