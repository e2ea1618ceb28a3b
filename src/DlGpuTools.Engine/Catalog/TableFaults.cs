using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DlGpuTools.Errors;

namespace DlGpuTools.Catalog
{
    /// <summary>What is wrong with a user's table file as a whole, or that its content is (<see cref="Content"/>).</summary>
    public enum CardTableProblem
    {
        /// <summary>Rows, header or text: the faults say which.</summary>
        Content,

        /// <summary>No file at the path.</summary>
        NotFound,

        /// <summary>A folder, device, FIFO or socket where a file was expected, or no usable path at all.</summary>
        NotAFile,

        /// <summary>Over <see cref="CsvTable.MaxFileBytes"/>.</summary>
        TooLarge,

        /// <summary>The file exists but could not be read (permissions, I/O).</summary>
        Unreadable,
    }

    /// <summary>One fault of a table: where (line, and the column as the header names it) and why.</summary>
    public sealed class TableFault
    {
        public TableFault(int line, string? row, string? column, string reason)
        {
            Line = line;
            Row = row;
            Column = column;
            Reason = reason;
        }

        /// <summary>1-based line of the file; 0 for the file as a whole.</summary>
        public int Line { get; }

        /// <summary>The card the row names, when it names one.</summary>
        public string? Row { get; }

        /// <summary>The column, as the file's header names it; null for a fault of the whole row or file.</summary>
        public string? Column { get; }

        public string Reason { get; }

        public override string ToString() =>
            Line == 0 ? Reason : Row == null ? $"line {Line}: {Reason}" : $"line {Line} ({TableText.Shown(Row)}): {Reason}";
    }

    /// <summary>Faults as they are found: every one counted, the first <see cref="KeptFaults"/> kept (a 4 MB file of bad rows holds
    /// millions).</summary>
    internal sealed class TableFaults
    {
        public const int KeptFaults = 1000;
        private readonly List<TableFault> _kept = new List<TableFault>();

        private int _lastLine = -1;

        public int Count { get; private set; }

        /// <summary>How many lines have faults (faults arrive in file order).</summary>
        public int Lines { get; private set; }

        public IReadOnlyList<TableFault> Kept => _kept;

        public void Add(int line, string? row, string? column, string reason)
        {
            Count++;
            if (line != _lastLine) Lines++;
            _lastLine = line;
            if (_kept.Count < KeptFaults) _kept.Add(new TableFault(line, row, column, reason));
        }
    }

    /// <summary>
    /// A card or price table that cannot be used, with every fault found and its line. The message is bounded: the
    /// first <see cref="ShownFaults"/> faults and a count of the rest.
    /// </summary>
    public sealed class CardTableException : DlGpuToolsException
    {
        public const int ShownFaults = 20;

        private const string PathRemedy = "Give the path of a CSV file (relative paths start at the current location), for example "
            + "-CardTable ./my-cards.csv or -PriceTable ./my-prices.csv.";

        public CardTableException(string origin, string what, CardTableProblem problem, IReadOnlyList<TableFault> faults, int count,
            Exception? innerException = null, int lines = 0)
            : base(what == PriceTable.Schema.What ? ErrorCatalogue.PriceTableInvalid : ErrorCatalogue.CardTableInvalid,
                CategoryOf(problem, innerException), Describe(origin, what, problem, faults, count, lines), RemedyOf(problem),
                innerException)
        {
            Origin = origin;
            What = what;
            Problem = problem;
            Faults = faults;
            Count = count;
        }

        /// <summary>The path of the file, or "built-in".</summary>
        public string Origin { get; }

        /// <summary>"card table" or "price table".</summary>
        public string What { get; }

        public CardTableProblem Problem { get; }

        /// <summary>The faults, in file order (at most <see cref="TableFaults.KeptFaults"/>; <see cref="Count"/> counts all).</summary>
        public IReadOnlyList<TableFault> Faults { get; }

        /// <summary>How many faults the table has.</summary>
        public int Count { get; }

        /// <summary>The faults as the message shows them: 'line 3 (GeForce RTX 4090): price_usd ...'.</summary>
        public IReadOnlyList<string> Problems => Faults.Select(f => f.ToString()).ToList();

        internal static CardTableException OfFile(string path, string what, CardTableProblem problem, string message, Exception inner) =>
            new CardTableException(path, what, problem, new[] { new TableFault(0, null, null, message) }, 1, inner);

        private static FailureCategory CategoryOf(CardTableProblem problem, Exception? cause)
        {
            switch (problem)
            {
                case CardTableProblem.NotFound: return FailureCategory.ObjectNotFound;
                case CardTableProblem.NotAFile: return FailureCategory.InvalidArgument;
                case CardTableProblem.TooLarge: return FailureCategory.LimitsExceeded;
                case CardTableProblem.Unreadable:
                    return cause is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.ReadError;
                default: return FailureCategory.InvalidData;
            }
        }

        /// <summary>The file as a whole: its path, size or permissions; for faulty content, the entry's own remedy.</summary>
        private static string? RemedyOf(CardTableProblem problem)
        {
            switch (problem)
            {
                case CardTableProblem.NotFound:
                case CardTableProblem.NotAFile:
                    return PathRemedy;
                case CardTableProblem.TooLarge:
                    return "Check that it is the right file: a card or price table is a few hundred KB at most.";
                case CardTableProblem.Unreadable:
                    return "Check that this user can read the file (its permissions, and those of its folders).";
                default: return null;
            }
        }

        private static string Describe(string origin, string what, CardTableProblem problem, IReadOnlyList<TableFault> faults, int count,
            int lines)
        {
            if (problem != CardTableProblem.Content) return faults.Count > 0 ? faults[0].Reason : $"The {what} {origin} cannot be read.";
            if (count == 1 && faults.Count == 1 && faults[0].Line == 0) return $"The {what} {origin} {faults[0].Reason}";
            var text = new StringBuilder();
            text.Append(string.Format(CultureInfo.InvariantCulture, "The {0} {1} has {2:N0} problem{3}:", what, origin, count,
                count == 1 ? string.Empty : "s"));
            foreach (TableFault fault in faults.Take(ShownFaults))
            {
                text.Append(Environment.NewLine).Append("  ");
                text.Append(fault.Line == 0 ? "the file " + fault.Reason : fault.ToString());
            }

            int rest = count - Math.Min(ShownFaults, faults.Count);
            if (rest > 0) text.Append(Environment.NewLine).Append(string.Format(CultureInfo.InvariantCulture,
                "  ... and {0:N0} more (the first {1} are shown; fix them and run again to see the rest).", rest, ShownFaults));
            if (lines > 1 && count > ShownFaults) text.Append(string.Format(CultureInfo.InvariantCulture, " {0:N0} lines have problems.",
                lines));
            return text.ToString();
        }
    }

    /// <summary>The rules for text a table brings in, which ends up in objects a user exports or prints.</summary>
    internal static class TableText
    {
        private const int ShownLength = 60;

        /// <summary>
        /// The characters that make a spreadsheet read a cell as a formula when it opens a CSV file (OWASP's CSV
        /// injection list). Tab and carriage return are on the list too; they are control characters, refused anyway.
        /// </summary>
        private static readonly char[] FormulaStarts = { '=', '+', '-', '@' };

        /// <summary>A value fit for a message: control characters made visible and at most 60 characters.</summary>
        public static string Shown(string value)
        {
            string printable = PrintableText.Of(value) ?? string.Empty;
            return printable.Length <= ShownLength ? printable : printable.Substring(0, ShownLength) + "...";
        }

        /// <summary>Why <paramref name="value"/> cannot be taken as text of a table, or null when it can.</summary>
        public static string? Problem(string column, string value, bool singleLine)
        {
            foreach (char c in value)
            {
                bool allowed = !singleLine && (c == '\n' || c == '\r' || c == '\t');
                if (!allowed && PrintableText.IsControl(c))
                {
                    return string.Format(CultureInfo.InvariantCulture,
                        "{0} '{1}' contains a control character (U+{2:X4}), which a terminal would act on when it is shown: remove it.",
                        column, Shown(value), (int)c);
                }
            }

            if (value.Length > 0 && Array.IndexOf(FormulaStarts, value[0]) >= 0)
            {
                return $"{column} '{Shown(value)}' starts with '{value[0]}': a spreadsheet opening an export of it would run it "
                    + "as a formula. Start it with another character.";
            }

            return null;
        }
    }
}
