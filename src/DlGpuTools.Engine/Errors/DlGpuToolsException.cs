using System;

namespace DlGpuTools.Errors
{
    /// <summary>
    /// An engine failure that describes itself for the user: its <see cref="ErrorCatalogue"/> entry (stable error id,
    /// category, severity) and how to fix it, so FailureClassifier needs one case for all of them. Every engine
    /// exception derives from it; an exception of any other type reaching a cmdlet is a bug and surfaces as one.
    /// </summary>
    public abstract class DlGpuToolsException : Exception
    {
        /// <param name="entry">The catalogue entry: id, category and severity.</param>
        /// <param name="message">What happened, with the facts of this case.</param>
        /// <param name="remedy">A next step for this case; null for the entry's own.</param>
        /// <param name="innerException">The failure that caused this one, if any.</param>
        protected DlGpuToolsException(ErrorEntry entry, string message, string? remedy = null, Exception? innerException = null)
            : this(entry, entry?.Category ?? throw new ArgumentNullException(nameof(entry)), message, remedy, innerException)
        {
        }

        /// <summary>For a failure whose category is closer than its entry's (a native status code can say which).</summary>
        protected DlGpuToolsException(ErrorEntry entry, FailureCategory category, string message, string? remedy, Exception? innerException)
            : base(message, innerException)
        {
            Entry = entry ?? throw new ArgumentNullException(nameof(entry));
            Category = category;
            Remedy = remedy ?? entry.Remedy;
        }

        public ErrorEntry Entry { get; }

        /// <summary>Stable across releases; scripts match on it.</summary>
        public string ErrorId => Entry.Id;

        public FailureCategory Category { get; }

        public ErrorSeverity Severity => Entry.Severity;

        /// <summary>The next step, written for the machine the exception was thrown on.</summary>
        public string Remedy { get; }

        /// <summary>
        /// The failure as a user on <paramref name="host"/> reads it. Exceptions whose next step depends on the OS or on
        /// a variable write it for that host; the rest read the same everywhere.
        /// </summary>
        public virtual Failure Describe(ErrorHost host) => new Failure(Entry, Category, Message, Remedy);
    }
}
