using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using DlGpuTools.Interop;

namespace DlGpuTools.Catalog
{
    /// <summary>A small RFC 4180 reader: a header row, quoted fields with doubled quotes, commas and newlines inside quotes.</summary>
    public static class CsvTable
    {
        /// <summary>A user table larger than this is refused: a card or price table is a few hundred KB at most.</summary>
        public const long MaxFileBytes = 4 * 1024 * 1024;

        /// <summary>
        /// Reads a user's table file, refusing one over <see cref="MaxFileBytes"/> (counted while reading: a pipe or a
        /// device reports no length), anything but a regular file (a FIFO would block, /dev/zero never ends), and one
        /// with no data rows.
        /// </summary>
        public static List<(int Line, Dictionary<string, string> Fields)> ReadFile(string path, string what)
        {
            string text;
            try
            {
                text = BoundedFile.ReadAllText(path, MaxFileBytes);
            }
            catch (FileNotFoundException)
            {
                throw new FileNotFoundException($"The {what} file {path} does not exist.", path);
            }
            catch (NotARegularFileException e)
            {
                throw new InvalidDataException($"The {what} file {path} is {FileStatus.Of(path).Describe()}, not a regular file: give the path of a CSV file.", e);
            }
            catch (FileTooLargeException e)
            {
                throw new InvalidDataException($"The {what} file {path} is larger than {MaxFileBytes:N0} bytes, the limit; reading stopped there. Is it the right file?", e);
            }

            List<(int, Dictionary<string, string>)> rows;
            using (var reader = new StringReader(text)) rows = Read(reader);
            if (rows.Count == 0) throw new InvalidDataException($"The {what} file {path} has no data rows: it needs a header line and at least one row.");
            return rows;
        }

        /// <summary>Rows as header → value maps, each with its 1-based line number for error messages.</summary>
        public static List<(int Line, Dictionary<string, string> Fields)> Read(TextReader reader)
        {
            var records = ReadRecords(reader);
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

        private static List<(int Line, List<string> Fields)> ReadRecords(TextReader reader)
        {
            var records = new List<(int, List<string>)>();
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false;
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
                        if (c == '\n') line++;
                        field.Append(c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"': quoted = true; break;
                    case ',': fields.Add(field.ToString()); field.Clear(); break;
                    case '\r': break;
                    case '\n':
                        fields.Add(field.ToString());
                        field.Clear();
                        records.Add((recordLine, fields));
                        fields = new List<string>();
                        line++;
                        recordLine = line;
                        break;
                    default: field.Append(c); break;
                }
            }

            if (quoted) throw new InvalidDataException($"Line {recordLine}: a quoted field is not closed.");
            if (field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add((recordLine, fields));
            }

            return records;
        }
    }
}
