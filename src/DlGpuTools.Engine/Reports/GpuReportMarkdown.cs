using System.Globalization;
using System.Linq;
using System.Text;

namespace DlGpuTools.Reports
{
    /// <summary>A <see cref="GpuReport"/> as Markdown, for pasting into an issue tracker: one table per section.</summary>
    public static class GpuReportMarkdown
    {
        public static string Render(GpuReport report)
        {
            var md = new StringBuilder();
            md.AppendLine("## GPU report (DlGpuTools " + report.ModuleVersion + ")").AppendLine();
            md.AppendLine("| | |").AppendLine("|---|---|");
            Row(md, "OS", report.OperatingSystem);
            Row(md, "Kernel", report.Kernel);
            Row(md, "WSL", report.Wsl ? "yes" : "no");
            Row(md, "Container", report.Container ?? "none detected");
            Row(md, "PowerShell", report.PowerShellVersion);
            Row(md, "NVIDIA driver", report.DriverVersion ?? "not found");
            Row(md, "CUDA supported by the driver", report.CudaDriverVersion ?? "-");
            md.AppendLine();

            md.AppendLine("### GPUs").AppendLine();
            if (report.Gpus.Length == 0) md.AppendLine("None visible to this process.");
            else
            {
                md.AppendLine("| # | Name | CC | Memory (GiB) | Used (GiB) | Temp | Power | PCIe | UUID |").AppendLine("|---|---|---|---|---|---|---|---|---|");
                foreach (CudaDevice d in report.Gpus)
                {
                    string used = d.FreeMemory is ulong free ? Gib(d.TotalMemory > free ? d.TotalMemory - free : 0) : "-";
                    md.AppendLine(string.Join(" | ", new[]
                    {
                        "| " + d.Index, Cell(d.Name), d.ComputeCapability, Gib(d.TotalMemory), used,
                        d.TemperatureC is int t ? t + " °C" : "-",
                        d.PowerDrawW is double p ? string.Format(CultureInfo.InvariantCulture, "{0:0} W / {1:0} W", p, d.PowerLimitW ?? 0) : "-",
                        d.PcieGeneration is int g ? $"Gen{g} x{d.PcieLinkWidth}" : "-", d.Uuid + " |",
                    }));
                }
            }

            md.AppendLine().AppendLine("### CUDA libraries this process loads").AppendLine();
            md.AppendLine("| Library | Version | Loaded from | Other copies |").AppendLine("|---|---|---|---|");
            foreach (LibraryReport l in report.Libraries)
                md.AppendLine($"| {l.Name} | {l.Version ?? "-"} | {Cell(l.Path ?? "not loaded: " + l.Problem)} | {Cell(l.OtherCopies.Length == 0 ? "-" : string.Join("<br>", l.OtherCopies))} |");

            md.AppendLine().AppendLine("### Python environments (read from files; nothing was imported)").AppendLine();
            if (report.PythonEnvironments.Length == 0) md.AppendLine("None found.");
            else
            {
                md.AppendLine("| Kind | Prefix | Python | torch (CUDA) | tensorflow (CUDA) | jax (CUDA) |").AppendLine("|---|---|---|---|---|---|");
                foreach (PythonEnvironmentReport e in report.PythonEnvironments)
                    md.AppendLine($"| {e.Kind} | {Cell(e.Prefix)} | {e.PythonVersion ?? "-"} | {Framework(e.Torch, e.TorchCuda)} | {Framework(e.TensorFlow, e.TensorFlowCuda)} | {Framework(e.Jax, e.JaxCuda)} |");
            }

            md.AppendLine().AppendLine("### Environment variables (CUDA, NVIDIA, cuDNN, DlGpuTools and the library search path only)").AppendLine();
            if (report.EnvironmentVariables.Length == 0) md.AppendLine("None set.");
            else
            {
                md.AppendLine("```");
                foreach (EnvironmentVariableReport v in report.EnvironmentVariables) md.AppendLine(v.Name + "=" + v.Value);
                md.AppendLine("```");
            }

            if (report.Problems.Length > 0)
            {
                md.AppendLine().AppendLine("### Could not be read").AppendLine();
                foreach (string p in report.Problems) md.AppendLine("- " + p);
            }

            md.AppendLine().AppendLine(string.Format(CultureInfo.InvariantCulture, "_Collected in {0:0} ms._", report.DurationMs));
            return md.ToString();
        }

        private static void Row(StringBuilder md, string name, string? value) => md.AppendLine($"| {name} | {Cell(value ?? "-")} |");

        private static string Framework(string? version, string? cuda) => version == null ? "-" : $"{version} ({cuda ?? "?"})";

        private static string Gib(ulong bytes) => (bytes / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture);

        private static string Cell(string? text) => (text ?? "-").Replace("|", "\\|").Replace("\n", " ");
    }
}
