using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    internal sealed class LibraryCopiesCheck : InstallCheckBase
    {
        public const string CheckId = "library-copies";

        public LibraryCopiesCheck()
            : base(CheckId, "Single copy of each library", "Other cuDNN and CUDA runtime copies (system, toolkit, Python "
                + "environments), and which one loads.",
                CudaRuntimeCheck.CheckId, CuDnnCheck.CheckId)
        {
        }

        public override InstallCheck Run(InstallCheckContext context)
        {
            var folders = LibraryCopies.SearchFolders(context.Environment).ToList();
            var notes = new List<string>();
            var warnings = new List<string>();
            void Look(string fileName, ToolkitLibrary loaded)
            {
                if (loaded != null) folders.Insert(0, Path.GetDirectoryName(loaded.LibraryPath));
                var copies = LibraryCopies.Find(fileName, folders);
                if (copies.Count <= 1)
                {
                    if (copies.Count == 1) notes.Add($"{fileName}: one copy ({copies[0].RealPath})");
                    return;
                }

                string? loadedReal = loaded == null
                    ? null
                    : copies.FirstOrDefault(c => string.Equals(Path.GetFileName(c.Path), fileName, StringComparison.Ordinal)
                        && Path.GetDirectoryName(c.Path) == Path.GetDirectoryName(loaded.LibraryPath))?.RealPath;
                warnings.Add($"{fileName}: {copies.Count} copies: " + string.Join("; ", copies.Select(c =>
                    c.RealPath + (c.Version != null ? $" ({c.Version})" : string.Empty)
                        + (c.RealPath == loadedReal ? " <- this one loads here" : string.Empty))));
            }

            CuDnnLibrary? cudnn = context.Fact<FoundCuDnn>()?.Library;
            CudaRuntimeLibrary? cudart = context.Fact<FoundCudaRuntime>()?.Library;
            if (cudnn != null) Look(Path.GetFileName(cudnn.Attempts.Last(a => a.Loaded).Candidate), cudnn);
            if (cudart != null) Look(Path.GetFileName(cudart.Attempts.Last(a => a.Loaded).Candidate), cudart);
            if (warnings.Count == 0) return Result(CheckStatus.Passed, notes.Count == 0
                ? "No cuDNN or CUDA runtime copies to compare." : string.Join("; ", notes) + ".");
            var check = Result(CheckStatus.Warning, string.Join(" | ", warnings) + ".",
                "Several copies are normal when a Python environment brings its own (PyTorch's pip cuDNN); each program loads one. "
                + "If a program reports a cuDNN version mismatch, remove the older copy's folder from the library search path.");
            check.Searched = folders.Distinct().ToArray();
            return check;
        }
    }
}
