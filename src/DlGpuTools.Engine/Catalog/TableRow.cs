using System;
using System.Collections.Generic;
using System.Globalization;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// Reads one row's values, recording a fault for each bad one and going on, so that a row with four faults
    /// reports four. A value is never changed to fit: a fraction where a whole number belongs, or text a spreadsheet
    /// would run, is a fault, not a rounded number or a quietly altered text.
    /// </summary>
    internal sealed class TableRow
    {
        private static readonly char[] CurrencySigns = { '$', '€', '£', '¥' };
        private readonly UserTable _table;
        private readonly Dictionary<string, string> _fields;
        private readonly HashSet<string> _failed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public TableRow(UserTable table, int line, Dictionary<string, string> fields)
        {
            _table = table;
            Line = line;
            _fields = fields;
        }

        public int Line { get; }

        /// <summary>The card the row names, shown beside the line in its faults.</summary>
        public string? Name { get; set; }

        /// <summary>Whether the row has a fault so far.</summary>
        public bool HasFaults { get; private set; }

        /// <summary>The column as the file's header names it.</summary>
        public string Header(string column) => _table.HeaderOf(column);

        /// <summary>Records a fault of this row; one with a column marks the column failed, so that no rule repeats it.</summary>
        public void Fault(string? column, string reason)
        {
            HasFaults = true;
            if (column != null) _failed.Add(column);
            _table.Faults.Add(Line, Name, column == null ? null : Header(column), reason);
        }

        /// <summary>Whether <paramref name="column"/> already has a fault (or is empty where it must not be).</summary>
        public bool Failed(string column) => _failed.Contains(column);

        /// <summary>The trimmed text, or null when empty; a control character or a formula start is a fault.</summary>
        public string? Text(string column, bool singleLine = true)
        {
            if (!_fields.TryGetValue(column, out string? value) || value.Trim().Length == 0) return null;
            value = value.Trim();
            string? problem = TableText.Problem(Header(column), value, singleLine);
            if (problem != null) Fault(column, problem);
            return value;
        }

        /// <summary>The text, or a fault saying it is empty.</summary>
        public string? Required(string column, string reason)
        {
            string? text = Text(column);
            if (text == null) Fault(column, reason);
            return text;
        }

        /// <summary>A finite number in invariant notation (1650, 1.5, 2e3), or null when empty.</summary>
        public double? Number(string column)
        {
            string? text = Raw(column);
            if (text == null) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                out double value) && !double.IsNaN(value) && !double.IsInfinity(value)) return value;
            string hint = text.IndexOf(',') >= 0 ? " (write it without thousands separators and with a '.' for decimals)"
                : text.IndexOfAny(CurrencySigns) >= 0 ? " (write the number without a currency sign)"
                : string.Empty;
            Fault(column, $"{Header(column)} '{TableText.Shown(text)}' is not a finite number{hint}");
            return null;
        }

        /// <summary>A whole number; a fraction is a fault rather than a truncation (350.7 W is not 350 W), and 350.0 is 350.</summary>
        public int? Integer(string column)
        {
            string? text = Raw(column);
            double? value = Number(column);
            if (value is double v)
            {
                if (v != Math.Floor(v)) Fault(column, string.Format(CultureInfo.InvariantCulture, "{0} {1} is not a whole number",
                    Header(column), TableText.Shown(text ?? string.Empty)));
                else if (v < int.MinValue || v > int.MaxValue) Fault(column, string.Format(CultureInfo.InvariantCulture,
                    "{0} {1} is out of range", Header(column), TableText.Shown(text ?? string.Empty)));
                else return (int)v;
            }

            return null;
        }

        /// <summary>The trimmed value as it is, unchecked (for naming the row before its checks run).</summary>
        public string? Raw(string column) =>
            _fields.TryGetValue(column, out string? value) && value.Trim().Length > 0 ? value.Trim() : null;
    }
}
