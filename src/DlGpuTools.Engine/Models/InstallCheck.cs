using System.Collections.Generic;

namespace DlGpuTools
{
    /// <summary>One check of Test-CuDnnInstall: what was checked, how it went, what was found, and how to fix it.</summary>
    public sealed class InstallCheck
    {
        /// <summary>The check's stable id (Test-CuDnnInstall's catalogue; "verdict" for the closing row): what scripts match on.</summary>
        public string? Id { get; set; }

        /// <summary>The check in words, as the table shows it.</summary>
        public string? Name { get; set; }

        /// <summary>Passed, Warning, Failed or Skipped: the name of <see cref="CheckStatus"/> (see <see cref="EnumText"/>).</summary>
        public string Status { get => CheckStatus.ToString(); set => CheckStatus = EnumText.Parse<CheckStatus>(value, nameof(Status)); }

        /// <summary>How the check ended; the verdict row carries the worst of the run.</summary>
        internal CheckStatus CheckStatus { get; set; }

        /// <summary>What was found: versions, the path each library was loaded from, what was searched.</summary>
        public string? Detail { get; set; }

        /// <summary>What to do about a Warning or Failed check; empty otherwise.</summary>
        public string? Remedy { get; set; }

        /// <summary>The file the check loaded, where it loaded one.</summary>
        public string? Path { get; set; }

        public string? Version { get; set; }

        /// <summary>Every place looked at, for library checks.</summary>
        public ReadableList<string> Searched { get; set; } = new ReadableList<string>();

        /// <summary>The facts behind the verdict, as name/value pairs (versions, counts, errors).</summary>
        public ReadableDictionary Data { get; set; } = new ReadableDictionary();

        public double DurationMs { get; set; }

        /// <summary>Whether the check failed (for the verdict row: whether CUDA and cuDNN are not ready).</summary>
        public bool IsFailed() => CheckStatus == CheckStatus.Failed;

        public override string ToString() => $"{Status}: {Name}";
    }
}
