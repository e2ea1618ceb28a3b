using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DlGpuTools.Reports
{
    /// <summary>
    /// A <see cref="GpuReport"/> as Markdown, for pasting into a public issue: one table per section. Every text that
    /// came from the machine goes through a <see cref="ReportRedactor"/> and is then either escaped (table cells, list
    /// items) or put in a fenced block whose fence is longer than any run of backticks inside it, so no value can end its
    /// cell or block and render as a heading, an image, a link or HTML.
    /// </summary>
    public static class GpuReportMarkdown
    {
        // Characters with a meaning in CommonMark or GitHub's Markdown inside a line: code, emphasis, links and images,
        // HTML, table cells, strikethrough, math, headings and @mentions. Each is written with a backslash, which
        // CommonMark allows before any ASCII punctuation.
        private const string Significant = "\\`*_[]<>!|~$#@";

        /// <summary>The report with this process's home folder shown as ~.</summary>
        public static string Render(GpuReport report) => Render(report, ReportRedactor.ForThisProcess(hideIdentity: false));

        public static string Render(GpuReport report, ReportRedactor redactor)
        {
            if (report == null) throw new ArgumentNullException(nameof(report));
            if (redactor == null) throw new ArgumentNullException(nameof(redactor));
            string Cell(string? text) => Escape(redactor.Text(text ?? "-"));

            var md = new StringBuilder();
            md.AppendLine("## GPU report (DlGpuTools " + Escape(report.ModuleVersion ?? "-") + ")").AppendLine();
            md.AppendLine("| | |").AppendLine("|---|---|");
            void Row(string name, string? value) => md.AppendLine($"| {name} | {Cell(value ?? "-")} |");
            Row("OS", report.OperatingSystem);
            Row("Kernel", report.Kernel);
            Row("WSL", report.Wsl ? "yes" : "no");
            Row("Container", report.Container ?? "none detected");
            Row("PowerShell", report.PowerShellVersion);
            Row("NVIDIA driver", report.DriverVersion ?? "not found");
            Row("CUDA supported by the driver", report.CudaDriverVersion ?? "-");
            md.AppendLine();

            md.AppendLine("### GPUs").AppendLine();
            if (report.Gpus.Count == 0) md.AppendLine("None visible to this process.");
            else
            {
                md.AppendLine("| # | Name | CC | Memory (GiB) | Used (GiB) | Temp | Power | PCIe | UUID |")
                    .AppendLine("|---|---|---|---|---|---|---|---|---|");
                foreach (CudaDevice d in report.Gpus)
                {
                    string used = d.FreeMemory is ulong free ? Gib(d.TotalMemory > free ? d.TotalMemory - free : 0) : "-";
                    md.AppendLine(string.Join(" | ", new[]
                    {
                        "| " + d.Index, Cell(d.Name), Cell(d.ComputeCapability), Gib(d.TotalMemory), used,
                        d.TemperatureC is int t ? t + " °C" : "-",
                        d.PowerDrawW is double p
                            ? string.Format(CultureInfo.InvariantCulture, "{0:0} W / {1:0} W", p, d.PowerLimitW ?? 0) : "-",
                        d.PcieGeneration is int g ? $"Gen{g} x{d.PcieLinkWidth}" : "-", Cell(d.Uuid) + " |",
                    }));
                }
            }

            md.AppendLine().AppendLine("### CUDA libraries this process loads").AppendLine();
            md.AppendLine("| Library | Version | Loaded from | Other copies |").AppendLine("|---|---|---|---|");
            foreach (LibraryReport l in report.Libraries)
                md.AppendLine($"| {Cell(l.Name)} | {Cell(l.Version)} | {Cell(l.Path ?? "not loaded: " + l.Problem)} | "
                    + $"{(l.OtherCopies.Count == 0 ? "-" : string.Join("<br>", l.OtherCopies.Select(c => Cell(c))))} |");

            md.AppendLine().AppendLine("### Python environments (read from files; nothing was imported)").AppendLine();
            if (report.PythonEnvironments.Count == 0) md.AppendLine("None found.");
            else
            {
                md.AppendLine("| Kind | Prefix | Python | torch (CUDA) | tensorflow (CUDA) | jax (CUDA) |")
                    .AppendLine("|---|---|---|---|---|---|");
                foreach (PythonEnvironmentReport e in report.PythonEnvironments)
                    md.AppendLine($"| {Cell(e.Kind)} | {Cell(e.Prefix)} | {Cell(e.PythonVersion)} | "
                        + $"{Cell(Framework(e.Torch, e.TorchCuda))} | {Cell(Framework(e.TensorFlow, e.TensorFlowCuda))} | "
                        + $"{Cell(Framework(e.Jax, e.JaxCuda))} |");
            }

            md.AppendLine()
                .AppendLine("### Environment variables (CUDA, NVIDIA, cuDNN, DlGpuTools and the library search path only)").AppendLine();
            if (report.EnvironmentVariables.Count == 0) md.AppendLine("None set.");
            else
            {
                // One line a variable: line breaks and other control characters inside a value are written as \n, \r...
                string[] lines = report.EnvironmentVariables
                    .Select(v =>
                        Visible(v.Name ?? string.Empty) + (v.ValueHidden ? " (value hidden)" : "=" + Visible(redactor.Text(v.Value))))
                    .ToArray();
                string fence = Fence(lines);
                md.AppendLine(fence);
                foreach (string line in lines) md.AppendLine(line);
                md.AppendLine(fence);
            }

            if (report.Problems.Count > 0)
            {
                md.AppendLine().AppendLine("### Could not be read").AppendLine();
                foreach (string p in report.Problems) md.AppendLine("- " + Cell(p));
            }

            md.AppendLine().AppendLine(string.Format(CultureInfo.InvariantCulture, "_Collected in {0:0} ms._", report.DurationMs));
            return md.ToString();
        }

        /// <summary>
        /// A fence of backticks longer than the longest run of backticks in <paramref name="lines"/>, and at least three:
        /// CommonMark closes a fenced block only at a line of at least as many backticks as opened it.
        /// </summary>
        internal static string Fence(string[] lines)
        {
            int longest = 0;
            foreach (string line in lines)
            {
                int run = 0;
                foreach (char c in line)
                {
                    run = c == '`' ? run + 1 : 0;
                    longest = Math.Max(longest, run);
                }
            }

            return new string('`', Math.Max(3, longest + 1));
        }

        /// <summary>
        /// Text for a table cell or a list item: control characters (a line break would end the row) as spaces, and every
        /// character in <see cref="Significant"/> escaped with a backslash.
        /// </summary>
        internal static string Escape(string text)
        {
            var result = new StringBuilder(text.Length + 8);
            foreach (char c in text)
            {
                if (char.IsControl(c) || c == '\u2028' || c == '\u2029') result.Append(' ');
                else if (Significant.IndexOf(c) >= 0) result.Append('\\').Append(c);
                else result.Append(c);
            }

            return result.ToString();
        }

        // Control characters spelled out, so one value stays one line of its block.
        private static string Visible(string text)
        {
            var result = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                switch (c)
                {
                    case '\n': result.Append("\\n"); break;
                    case '\r': result.Append("\\r"); break;
                    case '\t': result.Append("\\t"); break;
                    default:
                        if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                            result.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        else result.Append(c);
                        break;
                }
            }

            return result.ToString();
        }

        private static string Framework(string? version, string? cuda) => version == null ? "-" : $"{version} ({cuda ?? "?"})";

        private static string Gib(ulong bytes) => (bytes / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture);
    }
}
