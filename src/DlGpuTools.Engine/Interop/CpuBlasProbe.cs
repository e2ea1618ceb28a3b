using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Finds the CPU BLAS to use: candidates in preference order (<see cref="CpuBlasCandidates"/>), each loaded
    /// copy proved with a real 2x2 sgemm, every attempt traced. Among OpenBLAS copies the newest version goes first
    /// (read from the file's own "OpenBLAS x.y.z" text without loading it: GEMM kernels improve release by release,
    /// and a wheel's copy is often newer than the distribution's). Finding nothing is not an error: the caller runs
    /// the managed kernel and says so.
    /// </summary>
    internal static class CpuBlasProbe
    {
        private static readonly char[] PathSeparators = { '/', '\\' };

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<CpuBlasProbeResult>> SharedResults =
            new System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<CpuBlasProbeResult>>(StringComparer.Ordinal);

        /// <summary>
        /// This machine's probe result for a -Library choice, made once per process and per value of
        /// DLGPUTOOLS_BLAS_PATH (libraries stay loaded anyway, and the OpenBLAS version scan reads whole files).
        /// A relative override is read against <paramref name="workingDirectory"/> (PowerShell's location).
        /// </summary>
        public static CpuBlasProbeResult Shared(string? library, string? workingDirectory = null)
        {
            ProbeEnvironment env = ProbeEnvironment.Current(workingDirectory);
            string key = (env.OverridePath(LibraryCandidates.CpuBlasOverrideVariable) ?? string.Empty) + "\n" + (library ?? string.Empty);
            return SharedResults.GetOrAdd(key,
                _ => new Lazy<CpuBlasProbeResult>(() => Load(env, PlatformNativeLoader.Instance, library))).Value;
        }

        public static CpuBlasProbeResult Load(ProbeEnvironment env, INativeLoader loader, string? library = null,
            IEnumerable<string>? sitePackages = null)
        {
            if (env == null) throw new ArgumentNullException(nameof(env));
            if (loader == null) throw new ArgumentNullException(nameof(loader));
            IReadOnlyList<BlasCandidate> candidates = CpuBlasCandidates.For(env, sitePackages);
            BlasFamily? wanted = null;
            if (!string.IsNullOrWhiteSpace(library))
            {
                if (TryParseFamily(library!, out BlasFamily family)) wanted = family;
                else
                {
                    // A bare file name is searched for as the loader would; a relative path is read against the user's location.
                    string file = library!.Trim();
                    if (!env.IsRooted(file) && file.IndexOfAny(PathSeparators) >= 0) file = Path.Combine(env.WorkingDirectory, file);
                    candidates = new[] { new BlasCandidate(file, "-Library", CpuBlasCandidates.FamilyOfName(Path.GetFileName(file))) };
                }
            }

            var attempts = new List<ProbeAttempt>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (BlasCandidate candidate in NewestOpenBlasFirst(candidates, loader))
            {
                string path = candidate.Candidate.Path;
                string origin = candidate.Candidate.Origin;
                if (!seen.Add(path)) continue;
                // A family asked for: names that promise another family are skipped, but a generic libblas.so.3 is
                // tried (it may be any of them).
                if (wanted is BlasFamily w && candidate.Family != w && candidate.Family != BlasFamily.Reference
                    && !(w == BlasFamily.MklInPyTorch && candidate.Family == BlasFamily.Mkl)) continue;
                if (loader.IsMissingFile(path))
                {
                    attempts.Add(new ProbeAttempt(path, origin, ProbeOutcome.NotFound, ProbeAttempt.NoSuchFile));
                    continue;
                }

                NativeLibraryHandle? handle = loader.TryLoad(path, out string? error);
                if (handle == null)
                {
                    string text = error ?? "the loader refused it";
                    attempts.Add(new ProbeAttempt(path, origin, ProbeAttempt.ClassifyLoaderError(path, text), text));
                    continue;
                }

                CpuBlasLibrary? bound;
                string? rejection;
                try
                {
                    bound = CpuBlasLibrary.TryBind(handle, origin, out rejection);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    // A library that faults in its own proof call is rejected with the reason, never accepted.
                    bound = null;
                    rejection = e.Message;
                }

                if (bound != null && wanted is BlasFamily f && bound.Family != f)
                {
                    rejection = "it is " + bound.DisplayName + ", not the " + f + " asked for";
                    bound = null;
                }

                if (bound == null)
                {
                    attempts.Add(new ProbeAttempt(path, origin, ProbeOutcome.Rejected, "loaded but rejected: " + rejection));
                    // Not unloaded: a BLAS may have started its thread pool in its constructor, and unloading a
                    // library with live threads can crash the process; the mapping is freed at exit.
                    handle.KeepLoaded();
                    continue;
                }

                handle.KeepLoaded();
                attempts.Add(new ProbeAttempt(path, origin, ProbeOutcome.Loaded, null));
                return new CpuBlasProbeResult(bound, attempts);
            }

            return new CpuBlasProbeResult(null, attempts);
        }

        /// <summary>
        /// Parses a family name as -Library takes it (Mkl, MklInPyTorch, OpenBlas, Blis, Accelerate, Reference; any case).
        /// </summary>
        public static bool TryParseFamily(string text, out BlasFamily family)
        {
            foreach (BlasFamily f in (BlasFamily[])Enum.GetValues(typeof(BlasFamily)))
            {
                if (string.Equals(f.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    family = f;
                    return true;
                }
            }

            family = BlasFamily.Reference;
            return false;
        }

        /// <summary>The candidates with the OpenBLAS files sorted newest version first, in the place the first of them held.</summary>
        private static IEnumerable<BlasCandidate> NewestOpenBlasFirst(IReadOnlyList<BlasCandidate> candidates, INativeLoader loader)
        {
            var openBlas = candidates.Where(c => c.Family == BlasFamily.OpenBlas).ToList();
            var ordered = openBlas
                .Select((c, i) => (Candidate: c, Index: i,
                    Version: Path.IsPathRooted(c.Candidate.Path) && !loader.IsMissingFile(c.Candidate.Path)
                        ? OpenBlasVersionInFile(c.Candidate.Path) : null))
                .OrderByDescending(x => x.Version ?? new Version(0, 0))
                .ThenBy(x => x.Index)
                .Select(x => x.Candidate)
                .ToList();
            bool emitted = false;
            foreach (BlasCandidate c in candidates)
            {
                if (c.Family != BlasFamily.OpenBlas)
                {
                    yield return c;
                    continue;
                }

                if (emitted) continue;
                emitted = true;
                foreach (BlasCandidate o in ordered) yield return o;
            }
        }

        /// <summary>The version in an OpenBLAS file's configuration text ("OpenBLAS 0.3.26 DYNAMIC_ARCH ..."), or null.</summary>
        public static Version? OpenBlasVersionInFile(string path)
        {
            try
            {
                // A FIFO or device where a wheel's library should be would block or never end: regular files only.
                if (FileStatus.Of(path).Kind != FileKind.Regular) return null;
                var marker = Encoding.ASCII.GetBytes("OpenBLAS ");
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
                var buffer = new byte[(1 << 20) + 64];
                int carried = 0;
                while (true)
                {
                    int read = stream.Read(buffer, carried, buffer.Length - carried);
                    int length = carried + read;
                    for (int i = 0; i + marker.Length + 8 <= length; i++)
                    {
                        if (buffer[i] != (byte)'O' || !Matches(buffer, i, marker)) continue;
                        string tail = Encoding.ASCII.GetString(buffer, i + marker.Length, Math.Min(16, length - i - marker.Length));
                        Match m = Regex.Match(tail, @"^(\d+)\.(\d+)\.(\d+)");
                        if (m.Success)
                            return new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                                int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                                    int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
                    }

                    if (read == 0) return null;
                    carried = Math.Min(64, length);
                    Buffer.BlockCopy(buffer, length - carried, buffer, 0, carried);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static bool Matches(byte[] buffer, int at, byte[] marker)
        {
            for (int j = 0; j < marker.Length; j++)
            {
                if (buffer[at + j] != marker[j]) return false;
            }

            return true;
        }
    }

    /// <summary>The BLAS found (null: none, the managed kernel runs) and every place looked at.</summary>
    internal sealed class CpuBlasProbeResult
    {
        public CpuBlasProbeResult(CpuBlasLibrary? library, IReadOnlyList<ProbeAttempt> attempts)
        {
            Library = library;
            Attempts = attempts;
        }

        public CpuBlasLibrary? Library { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        public string SearchedText => string.Join(Environment.NewLine, Attempts.Select(a => "  " + a));

        /// <summary>
        /// When DLGPUTOOLS_BLAS_PATH was set and gave no BLAS: its value and the loader's reason for each file it
        /// named, so the user learns the override is wrong instead of being told to set it. Null otherwise.
        /// </summary>
        public string? OverrideProblem
        {
            get
            {
                if (Library != null) return null;
                List<ProbeAttempt> named = Attempts.Where(a => a.FromOverride).ToList();
                if (named.Count == 0) return null;
                return "$env:" + LibraryCandidates.CpuBlasOverrideVariable + " names "
                    + string.Join("; ", named.Select(a => a.Candidate + ": " + (a.Error ?? "not a BLAS")))
                    + ". It replaces the whole search, so no BLAS was used: point it at a BLAS library file (libopenblas.so.0, "
                        + "mkl_rt.2.dll) or a folder that holds one, or remove it to let the module search.";
            }
        }
    }
}
