using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Interop
{
    /// <summary>What the NCCL search found: for Get-GpuReport and the install checks, without throwing.</summary>
    internal sealed class NcclDescription
    {
        public bool Found { get; set; }

        public string? Version { get; set; }

        public int VersionCode { get; set; }

        public string? LibraryPath { get; set; }

        /// <summary>Each place tried, with the loader's answer.</summary>
        public IReadOnlyList<string> Searched { get; set; } = Array.Empty<string>();

        /// <summary>Why nothing was loaded; null when <see cref="Found"/>.</summary>
        public string? Problem { get; set; }
    }

    /// <summary>Finds and loads NCCL once per process and environment, and describes the search.</summary>
    internal static class NcclProbe
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, NcclLibrary> Loaded = new Dictionary<string, NcclLibrary>(StringComparer.Ordinal);

        /// <summary>
        /// The loaded NCCL for this environment's candidates, kept for the process (like every library the module
        /// proves); a failed search is not remembered, so installing NCCL and retrying works.
        /// </summary>
        public static NcclLibrary Load(ProbeEnvironment environment, INativeLoader loader)
        {
            if (environment == null) throw new ArgumentNullException(nameof(environment));
            string key = environment.GetVariable(NcclCandidates.OverrideVariable) ?? string.Empty;
            lock (Gate)
            {
                if (Loaded.TryGetValue(key, out NcclLibrary existing)) return existing;
                try
                {
                    NcclLibrary library = NcclLibrary.Load(environment, loader);
                    Loaded[key] = library;
                    return library;
                }
                catch (NativeLibraryNotFoundException notFound)
                {
                    string message = environment.IsWindows && notFound.Attempts.Count == 0
                        ? "NCCL could not be loaded: " + NcclCandidates.WindowsHasNone
                        : notFound.Message;
                    throw new NcclNotFoundException(message, environment.IsWindows, notFound);
                }
            }
        }

        /// <summary>Version, path and the places searched; never throws for a missing library.</summary>
        public static NcclDescription Describe(ProbeEnvironment environment, INativeLoader loader)
        {
            try
            {
                NcclLibrary nccl = Load(environment, loader);
                int code = nccl.VersionCode;
                return new NcclDescription
                {
                    Found = true,
                    VersionCode = code,
                    Version = NcclLibrary.DecodeVersion(code)?.ToString(),
                    LibraryPath = nccl.LibraryPath,
                    Searched = nccl.Attempts.Select(a => a.ToString()).ToList(),
                };
            }
            catch (NcclNotFoundException e)
            {
                IReadOnlyList<LibraryCandidate> candidates = LibraryCandidates.For(NativeLibraryKind.Nccl, environment);
                return new NcclDescription
                {
                    Found = false,
                    Problem = e.Message,
                    Searched = candidates.Select(c => c.Path + " (" + c.Origin + ")").ToList(),
                };
            }
        }
    }
}
