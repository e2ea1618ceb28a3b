using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// A small CSV reader that reads what PowerShell's Import-Csv reads: a header row, quoted fields with doubled
    /// quotes, commas and newlines inside quotes, a quote inside an unquoted field kept as it is, LF, CRLF or CR line
    /// ends, a UTF-8 or UTF-16 byte-order mark, and the #TYPE line Windows PowerShell's Export-Csv writes first.
    /// </summary>
    internal static class CsvTable
    {
        /// <summary>A user table larger than this is refused: a card or price table is a few hundred KB at most.</summary>
        public const long MaxFileBytes = 4 * 1024 * 1024;

        /// <summary>
        /// Reads a user's table file, refusing one over <see cref="MaxFileBytes"/> (counted while reading: a pipe or a
        /// device reports no length), anything but a regular file (a FIFO would block, /dev/zero never ends), and one
        /// with no data rows. Every problem is a <see cref="CardTableException"/>.
        /// </summary>
        public static List<(int Line, Dictionary<string, string> Fields)> ReadFile(string path, string what)
        {
            UserTable table = ReadFile(path, new TableSchema(what, Array.Empty<string>(), Array.Empty<string>()));
            table.ThrowIfFaults();
            return table.Rows;
        }

        internal static UserTable ReadFile(string path, TableSchema schema)
        {
            byte[] bytes;
            try
            {
                bytes = BoundedFile.ReadAllBytes(path, MaxFileBytes);
            }
            catch (FileNotFoundException e)
            {
                throw CardTableException.OfFile(path, schema.What, CardTableProblem.NotFound,
                    $"The {schema.What} file {path} does not exist.", e);
            }
            catch (DirectoryNotFoundException e)
            {
                throw CardTableException.OfFile(path, schema.What, CardTableProblem.NotFound,
                    $"The {schema.What} file {path} does not exist (nor does its folder).", e);
            }
            catch (NotARegularFileException e)
            {
                throw CardTableException.OfFile(path, schema.What, CardTableProblem.NotAFile,
                    $"The {schema.What} file {path} is {e.Description}, not a regular file: give the path of a CSV file.", e);
            }
            catch (FileTooLargeException e)
            {
                throw CardTableException.OfFile(path, schema.What, CardTableProblem.TooLarge,
                    $"The {schema.What} file {path} is larger than {MaxFileBytes:N0} bytes, the limit; reading stopped there. Is it the "
                        + $"right file?", e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw CardTableException.OfFile(path, schema.What, CardTableProblem.Unreadable,
                    $"The {schema.What} file {path} could not be read: {e.Message}", e);
            }

            return Parse(bytes, path, schema);
        }

        /// <summary>A table from its bytes: decoded, split into records, its header checked against <paramref name="schema"/>.</summary>
        internal static UserTable Parse(byte[] bytes, string origin, TableSchema schema)
        {
            var faults = new TableFaults();
            string? text = Decode(bytes, faults);
            var table = new UserTable(origin, schema, faults);
            if (text == null) return table;
            List<(int Line, List<string> Fields)> records = ReadRecords(new StringReader(text), faults);
            if (records.Count > 0 && records[0].Fields.Count > 0 && records[0].Fields[0].StartsWith("#TYPE",
                StringComparison.OrdinalIgnoreCase)) records.RemoveAt(0);
            records.RemoveAll(r => r.Fields.All(f => f.Trim().Length == 0)); // blank lines, and rows of empty cells a spreadsheet leaves
            if (records.Count == 0)
            {
                faults.Add(0, null, null, $"has no header line: it needs one ({schema.Describe()}) and at least one row.");
                return table;
            }

            if (!table.ReadHeader(records[0]))
                return table;

            for (int i = 1; i < records.Count; i++) table.AddRow(records[i]);
            if (table.Rows.Count == 0 && faults.Count == 0) faults.Add(0, null, null,
                "has a header line but no rows: add at least one row under it.");
            return table;
        }

        /// <summary>
        /// The text of a table file: UTF-8 (with or without its byte-order mark) or UTF-16 with one. Anything else is a
        /// fault naming the first line that is not UTF-8 text, rather than text with replacement characters in it.
        /// </summary>
        private static string? Decode(byte[] bytes, TableFaults faults)
        {
            if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return Strict(new UnicodeEncoding(false, true, true), bytes, 2,
                faults);
            if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return Strict(new UnicodeEncoding(true, true, true), bytes, 2,
                faults);
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            int nul = Array.IndexOf(bytes, (byte)0, start);
            if (nul >= 0)
            {
                faults.Add(LineAt(bytes, nul), null, null,
                    "holds NUL bytes: it is not a text file, or it is UTF-16 without a byte-order mark. Save it as UTF-8 (Export-Csv "
                        + "does).");
                return null;
            }

            var utf8 = new UTF8Encoding(false, true);
            try
            {
                return utf8.GetString(bytes, start, bytes.Length - start);
            }
            catch (DecoderFallbackException)
            {
                // '\n' never occurs inside a multi-byte UTF-8 sequence, so decoding line by line finds the line.
                int line = 1;
                int from = start;
                for (int i = start; i <= bytes.Length; i++)
                {
                    if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
                    try
                    {
                        utf8.GetString(bytes, from, i - from);
                    }
                    catch (DecoderFallbackException)
                    {
                        break;
                    }

                    line++;
                    from = i + 1;
                }

                faults.Add(line, null, null,
                    "is not UTF-8 text (an editor saved it in another encoding, such as Windows-1252): save the file as UTF-8.");
                return null;
            }
        }

        private static string? Strict(Encoding encoding, byte[] bytes, int start, TableFaults faults)
        {
            try
            {
                return encoding.GetString(bytes, start, bytes.Length - start);
            }
            catch (DecoderFallbackException)
            {
                faults.Add(0, null, null, "starts with a UTF-16 byte-order mark but is not valid UTF-16 text: save the file as UTF-8.");
                return null;
            }
        }

        private static int LineAt(byte[] bytes, int index)
        {
            int line = 1;
            for (int i = 0; i < index; i++)
            {
                if (bytes[i] == (byte)'\n') line++;
            }

            return line;
        }

        /// <summary>Rows as header → value maps, each with its 1-based line number; throws at the first malformed record (the built-in
        /// tables).</summary>
        public static List<(int Line, Dictionary<string, string> Fields)> Read(TextReader reader)
        {
            var faults = new TableFaults();
            var records = ReadRecords(reader, faults);
            if (faults.Count > 0) throw new InvalidDataException(Capitalised(faults.Kept[0].ToString()));
            var result = new List<(int, Dictionary<string, string>)>();
            if (records.Count == 0) return result;
            List<string> header = records[0].Fields;
            for (int i = 1; i < records.Count; i++)
            {
                var (line, fields) = records[i];
                if (fields.Count == 1 && fields[0].Length == 0) continue; // blank line
                if (fields.Count != header.Count)
                    throw new InvalidDataException($"Line {line}: {fields.Count} fields where the header has {header.Count}.");
                var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                for (int c = 0; c < header.Count; c++) map[header[c].Trim()] = fields[c].Trim();
                result.Add((line, map));
            }

            return result;
        }

        private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

        /// <summary>
        /// Records with the line each starts on. A quote opens a quoted field only at the field's start (elsewhere it is
        /// kept, as Import-Csv keeps it); text after a closing quote joins the field. An unclosed quote is a fault, and
        /// the record it opened is dropped.
        /// </summary>
        private static List<(int Line, List<string> Fields)> ReadRecords(TextReader reader, TableFaults faults)
        {
            var records = new List<(int, List<string>)>();
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false;
            bool fieldStart = true;
            int line = 1;
            int recordLine = 1;
            int ch;
            while ((ch = reader.Read()) != -1)
            {
                char c = (char)ch;
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                        else quoted = false;
                    }
                    else
                    {
                        if (c == '\n' || (c == '\r' && reader.Peek() != '\n')) line++;
                        field.Append(c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when fieldStart:
                        quoted = true;
                        fieldStart = false;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        fieldStart = true;
                        break;
                    case '\r':
                    case '\n':
                        if (c == '\r' && reader.Peek() == '\n') reader.Read();
                        fields.Add(field.ToString());
                        field.Clear();
                        records.Add((recordLine, fields));
                        fields = new List<string>();
                        fieldStart = true;
                        line++;
                        recordLine = line;
                        break;
                    default:
                        // Spaces before an opening quote do not make it literal (Import-Csv reads ' "a,b"' as one field).
                        if (!(fieldStart && c == ' ')) fieldStart = false;
                        field.Append(c);
                        break;
                }
            }

            if (quoted)
            {
                faults.Add(recordLine, null, null,
                    "a quoted field is not closed (a \" without its pair): the rest of the file was read as one value.");
                return records;
            }

            if (field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add((recordLine, fields));
            }

            return records;
        }
    }

    /// <summary>What a table's header may and must name: its columns, the other spellings of them, and columns to ignore.</summary>
    internal sealed class TableSchema
    {
        private readonly Dictionary<string, string> _byKey = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string> _ignored = new HashSet<string>(StringComparer.Ordinal);

        /// <param name="what">"card table" or "price table", for messages.</param>
        /// <param name="columns">The columns, as the built-in table's header names them.</param>
        /// <param name="required">The columns every table must have.</param>
        /// <param name="synonyms">Other names of a column (the property names Export-Csv writes), as (name, column) pairs.</param>
        /// <param name="ignored">Columns an export carries that are computed, not read (Origin, DeviceNames).</param>
        public TableSchema(string what, IEnumerable<string> columns, IEnumerable<string> required, IEnumerable<KeyValuePair<string,
            string>>? synonyms = null, IEnumerable<string>? ignored = null)
        {
            What = what;
            Columns = columns.ToArray();
            Required = required.ToArray();
            foreach (string column in Columns) _byKey[Key(column)] = column;
            foreach (var pair in synonyms ?? Enumerable.Empty<KeyValuePair<string, string>>()) _byKey[Key(pair.Key)] = pair.Value;
            foreach (string name in ignored ?? Enumerable.Empty<string>()) _ignored.Add(Key(name));
        }

        public string What { get; }

        public IReadOnlyList<string> Columns { get; }

        public IReadOnlyList<string> Required { get; }

        /// <summary>An open schema (no columns listed) takes any header as it is.</summary>
        public bool IsOpen => Columns.Count == 0;

        /// <summary>The column a header name means ('PriceUsd', 'price_usd' and 'Price USD' are price_usd), or null.</summary>
        public string? ColumnOf(string header) => IsOpen ? header : _byKey.TryGetValue(Key(header), out string? column) ? column : null;

        public bool IsIgnored(string header) => _ignored.Contains(Key(header));

        /// <summary>The nearest column to a misspelt header, when one is close enough to be meant.</summary>
        public string? Nearest(string header)
        {
            string key = Key(header);
            return _byKey.Keys
                .Select(k => (Column: _byKey[k], Distance: CardNameKey.Distance(key, k)))
                .Where(c => c.Distance <= Math.Max(1, key.Length / 4))
                .OrderBy(c => c.Distance)
                .Select(c => c.Column)
                .FirstOrDefault();
        }

        public string Describe()
        {
            if (IsOpen) return "the column names";
            string required = string.Join(", ", Required);
            string optional = string.Join(", ", Columns.Where(c => !Required.Contains(c)));
            return optional.Length == 0 ? "columns " + required : $"columns {required}; optional {optional}";
        }

        private static string Key(string header)
        {
            var sb = new StringBuilder(header.Length);
            foreach (char c in header)
            {
                if (c != '_' && c != ' ' && c != '-') sb.Append(char.ToLowerInvariant(c));
            }

            return sb.ToString();
        }
    }

    /// <summary>A user's table read against its schema: rows keyed by column, and every fault found so far.</summary>
    internal sealed class UserTable
    {
        private readonly Dictionary<string, string> _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly List<(int Index, string? Column)> _columns = new List<(int, string?)>();
        private List<string> _names = new List<string>();
        private int _headerCount;

        public UserTable(string origin, TableSchema schema, TableFaults faults)
        {
            Origin = origin;
            Schema = schema;
            Faults = faults;
        }

        public string Origin { get; }

        public TableSchema Schema { get; }

        public TableFaults Faults { get; }

        public List<(int Line, Dictionary<string, string> Fields)> Rows { get; } = new List<(int, Dictionary<string, string>)>();

        /// <summary>The column as the file's header names it ('PriceUsd' where Export-Csv wrote the file), for messages.</summary>
        public string HeaderOf(string column) => _headers.TryGetValue(column, out string? header) ? header : column;

        public void ThrowIfFaults()
        {
            if (Faults.Count > 0) throw new CardTableException(Origin, Schema.What, CardTableProblem.Content, Faults.Kept, Faults.Count,
                null, Faults.Lines);
        }

        /// <summary>Maps the header's names to columns; false when the header is wrong, so that its rows are not read one fault
        /// each.</summary>
        public bool ReadHeader((int Line, List<string> Fields) record)
        {
            int before = Faults.Count;
            List<string> names = record.Fields.Select(f => f.Trim()).ToList();
            _names = names;
            _headerCount = names.Count;
            if (!Schema.IsOpen && names.Count(n => Schema.ColumnOf(n) != null) <= 1)
            {
                string raw = string.Join(",", record.Fields);
                foreach (char separator in new[] { ';', '\t', '|' })
                {
                    if (raw.IndexOf(separator) < 0) continue;
                    string shown = separator == '\t' ? "tabs" : $"'{separator}'";
                    Faults.Add(record.Line, null, null,
                        $"the header is separated by {shown}, not by commas: write the table with commas (Export-Csv without -Delimiter "
                            + $"or -UseCulture; in a spreadsheet, save as 'CSV UTF-8 (comma delimited)').");
                    return false;
                }
            }

            var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Count; i++)
            {
                string name = names[i];
                if (name.Length == 0 || Schema.IsIgnored(name))
                {
                    _columns.Add((i, null));
                    continue;
                }

                string? column = Schema.ColumnOf(name);
                if (column == null)
                {
                    string? nearest = Schema.Nearest(name);
                    Faults.Add(record.Line, null, null,
                        $"unknown column '{TableText.Shown(name)}'" + (nearest != null
                        ? $" (did you mean '{nearest}'?)" : $" ({Schema.Describe()})") + ".");
                    _columns.Add((i, null));
                    continue;
                }

                if (first.TryGetValue(column, out int earlier))
                {
                    string again = string.Equals(names[earlier], name,
                        StringComparison.OrdinalIgnoreCase)
                        ? $"'{TableText.Shown(name)}' appears twice"
                        : $"'{TableText.Shown(name)}' and '{TableText.Shown(names[earlier])}' are the same column, {column}, "
                            + "so it appears twice";
                    Faults.Add(record.Line, null, null, $"{again} (columns {earlier + 1} and {i + 1}): keep one.");
                    _columns.Add((i, null));
                    continue;
                }

                first[column] = i;
                _headers[column] = name;
                _columns.Add((i, column));
            }

            foreach (string required in Schema.Required)
            {
                if (!first.ContainsKey(required)) Faults.Add(record.Line, null, null,
                    $"no '{required}' column: the header needs {Schema.Describe()}.");
            }

            return Faults.Count == before;
        }

        public void AddRow((int Line, List<string> Fields) record)
        {
            List<string> fields = record.Fields;
            bool extrasEmpty = fields.Count > _headerCount && fields.Skip(_headerCount).All(f => f.Trim().Length == 0);
            if (fields.Count != _headerCount && !extrasEmpty)
            {
                Faults.Add(record.Line, null, null,
                    $"{fields.Count} fields where the header has {_headerCount}: a value with a comma in it needs quotes around it.");
                return;
            }

            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (index, column) in _columns)
            {
                string value = fields[index].Trim();
                if (column != null) map[column] = value;
                else if (value.Length > 0 && _names[index].Length == 0)
                    Faults.Add(record.Line, null, null,
                        $"column {index + 1} has no name in the header but holds '{TableText.Shown(value)}': name the column or empty it.");
            }

            Rows.Add((record.Line, map));
        }
    }
}
