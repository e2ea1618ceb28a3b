using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    internal sealed class EnvironmentCheck : InstallCheckBase
    {
        public const string CheckId = "environment";

        public EnvironmentCheck()
            : base(CheckId, "Environment", "CUDA_PATH, CUDA_HOME, library search path entries that point nowhere, "
                + "CUDA_VISIBLE_DEVICES and the module's overrides.")
        {
        }

        public override InstallCheck Run(InstallCheckContext context)
        {
            ProbeEnvironment environment = context.Environment;
            var problems = new List<string>();
            var facts = new List<string>();
            foreach (string variable in new[] { "CUDA_PATH", "CUDA_HOME" })
            {
                string? value = environment.GetVariable(variable);
                if (value == null) continue;
                facts.Add($"{variable}={value}");
                if (!environment.DirectoryExists(value)) problems.Add($"{variable} points to {value}, which does not exist");
            }

            string pathVariable = environment.IsWindows ? "PATH" : "LD_LIBRARY_PATH";
            string? searchPath = environment.GetVariable(pathVariable);
            if (!Strings.IsNullOrEmpty(searchPath))
            {
                facts.Add($"{pathVariable} has {searchPath.Split(Path.PathSeparator).Length} entries");
                foreach (string entry in searchPath.Split(Path.PathSeparator).Where(e => e.Length > 0 && !environment.DirectoryExists(e)))
                    problems.Add($"{pathVariable} entry {entry} does not exist");
            }

            // Entries that name the current directory: skipped by this module, but not by the libraries it loads.
            problems.AddRange(environment.SearchPathWarnings().Select(w => w.TrimEnd('.')));

            string? visible = environment.GetVariable("CUDA_VISIBLE_DEVICES");
            if (visible != null) facts.Add($"CUDA_VISIBLE_DEVICES={visible}");

            // The module's own overrides: each one replaces the whole search for its library, so a stale one
            // explains a "not found" that the standard places would not give.
            var overrides = new List<string>();
            foreach (NativeLibraryKind kind in (NativeLibraryKind[])Enum.GetValues(typeof(NativeLibraryKind)))
            {
                string variable = LibraryCandidates.OverrideVariable(kind);
                string? value = environment.OverridePath(variable);
                if (value == null) continue;
                overrides.Add($"{variable}={value}");
                if (!environment.FileSystem.FileExists(value)
                    && !environment.DirectoryExists(value)) problems.Add($"{variable} points to {value}, which does not exist");
            }

            if (overrides.Count > 0) facts.Add($"{overrides.Count} override(s), each the only file tried for its library: "
                + string.Join(", ", overrides));

            if (problems.Count == 0) return Result(CheckStatus.Passed, facts.Count == 0
                ? "No CUDA environment variables set (none are needed)." : string.Join("; ", facts) + ".");
            return Result(CheckStatus.Warning, string.Join("; ", problems) + "."
                + (facts.Count > 0 ? " Set: " + string.Join("; ", facts) + "." : string.Empty),
                $"Remove the entries that point nowhere (a stale {pathVariable} is how an old CUDA or cuDNN ends up loaded), or "
                    + $"install what they name; "
                + "remove a DLGPUTOOLS_*_PATH override that points nowhere.");
        }
    }
}
