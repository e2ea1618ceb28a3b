using DlGpuTools.Interop;
using static DlGpuTools.Diagnostics.InstallChecks.InstallResults;

namespace DlGpuTools.Diagnostics.InstallChecks
{
    /// <summary>
    /// The shape the toolkit library checks share: the library is found and loads (else "not found" with the install
    /// remedy, or the loader's reason for a refused file), the check examines what loaded, the places searched are listed,
    /// a broken copy the loader found first is flagged, and last come the judgements that outrank that flag (a version
    /// below the minimum asked for).
    /// </summary>
    internal abstract class ToolkitLibraryCheck<TLibrary> : InstallCheckBase
        where TLibrary : ToolkitLibrary
    {
        protected ToolkitLibraryCheck(string id, string name, string description, params string[] needs)
            : base(id, name, description, needs)
        {
        }

        public sealed override InstallCheck Run(InstallCheckContext context)
        {
            bool windows = context.Environment.IsWindows;
            TLibrary library;
            try
            {
                library = Load(context);
            }
            catch (NativeLibraryNotFoundException e)
            {
                return NotFound(e, InstallRemedy(windows), windows);
            }

            InstallCheck check = Examine(context, library, out bool finished);
            check.Searched = Searched(library.Attempts);
            if (finished) return check;
            ShadowedByBrokenCopy(check, library, windows);
            Judge(context, check);
            return check;
        }

        /// <summary>The library from the runtime (which probes once per command); throws when no copy loads.</summary>
        protected abstract TLibrary Load(InstallCheckContext context);

        /// <summary>How to install the library on this OS, for when nothing was found.</summary>
        protected abstract string InstallRemedy(bool windows);

        /// <summary>
        /// The result for the loaded library (publishing what later checks need); <paramref name="finished"/> when nothing more
        /// can be judged now (a check that needs a GPU there is none of).
        /// </summary>
        protected abstract InstallCheck Examine(InstallCheckContext context, TLibrary library, out bool finished);

        /// <summary>What outranks a broken copy's flag (a version below the minimum); nothing by default.</summary>
        protected virtual void Judge(InstallCheckContext context, InstallCheck check)
        {
        }
    }
}
