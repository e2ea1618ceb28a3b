using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DlGpuTools.Devices;
using DlGpuTools.Interop;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// The CPU BLAS a -Library value chooses on this machine, as the CPU commands see it: the search trace as text,
    /// whether a named library was not found, and the benchmark over what was found (the managed kernel when
    /// nothing was). The probing itself stays in Interop.
    /// </summary>
    public sealed class CpuBlasChoice
    {
        private readonly CpuBlasProbeResult _probe;

        private CpuBlasChoice(string? library, CpuBlasProbeResult probe)
        {
            Library = library;
            _probe = probe;
            Trace = probe.Attempts.Select(a => a.ToString()).ToList();
        }

        /// <summary>The -Library value: a <see cref="FamilyNames">family name</see>, a file, or null for the usual search.</summary>
        public string? Library { get; }

        /// <summary>Every attempt of the search, one line each, in order (what -Verbose shows).</summary>
        public IReadOnlyList<string> Trace { get; }

        /// <summary>The attempts as one indented block, for the error message when a named library was not found.</summary>
        public string SearchedText => _probe.SearchedText;

        /// <summary>True when -Library named something that is not here; finding nothing for no -Library is not an error.</summary>
        public bool NamedButNotFound => _probe.Library == null && !string.IsNullOrEmpty(Library);

        /// <summary>The BLAS family names -Library takes, in declaration order (Mkl first).</summary>
        public static IReadOnlyList<string> FamilyNames { get; } = Enum.GetNames(typeof(BlasFamily));

        /// <summary>
        /// This process's choice for <paramref name="library"/>, made once per value and per DLGPUTOOLS_BLAS_PATH; a
        /// relative path or override is read against <paramref name="workingDirectory"/> (PowerShell's location).
        /// </summary>
        public static CpuBlasChoice Find(string? library, string? workingDirectory) =>
            new CpuBlasChoice(library, CpuBlasProbe.Shared(library, workingDirectory));

        /// <summary>
        /// The library files on this machine's candidate list that exist, without loading any (for completion: fast
        /// and free of side effects). An unreadable folder yields what could be read, or nothing.
        /// </summary>
        public static IReadOnlyList<string> LibraryFilesHere()
        {
            try
            {
                return CpuBlasCandidates.For(ProbeEnvironment.Current())
                    .Select(c => c.Candidate.Path)
                    .Where(p => Path.IsPathRooted(p) && File.Exists(p))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        /// <summary>The CPU benchmark over the BLAS found, or over the managed kernel (with its warning) when none was.</summary>
        public CpuMatMulBenchmark CreateBenchmark() => new CpuMatMulBenchmark(_probe.Library, CpuFacts.Current(), _probe.OverrideProblem);
    }
}
