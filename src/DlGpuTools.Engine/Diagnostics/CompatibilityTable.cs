using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using DlGpuTools.Catalog;

namespace DlGpuTools.Diagnostics
{
    /// <summary>
    /// The compatibility knowledge the install checks apply, read from CSV files shipped inside the engine
    /// (Diagnostics/Data), each row with its source: minimum driver per CUDA release, the driver range for
    /// minor-version compatibility, the oldest compute capability per CUDA and cuDNN release, and PyTorch
    /// wheels' architecture ranges. As of 2026-11.
    /// </summary>
    internal sealed class CompatibilityTable
    {
        public const string AsOf = "2026-11";
        private static readonly Lazy<CompatibilityTable> BuiltInTable = new Lazy<CompatibilityTable>(() => new CompatibilityTable());

        private readonly List<Dictionary<string, string>> _minDriver;
        private readonly List<Dictionary<string, string>> _minorCompat;
        private readonly List<Dictionary<string, string>> _computeCapability;
        private readonly List<Dictionary<string, string>> _pytorch;

        private CompatibilityTable()
        {
            _minDriver = Read("cuda-min-driver.csv");
            _minorCompat = Read("cuda-minor-compat.csv");
            _computeCapability = Read("compute-capability.csv");
            _pytorch = Read("pytorch-arch.csv");
        }

        public static CompatibilityTable BuiltIn => BuiltInTable.Value;

        /// <summary>The minimum driver for a CUDA major.minor (full compatibility), with the row's source; null when unknown.</summary>
        public (string Driver, string Source)? MinimumDriver(int major, int minor, bool windows)
        {
            var row = _minDriver.FirstOrDefault(r => r["cuda"] == $"{major}.{minor}");
            if (row == null) return null;
            string driver = row[windows ? "windows_min_driver" : "linux_min_driver"];
            return Strings.IsNullOrEmpty(driver) ? null : ((string, string)?)(driver, row["source"]);
        }

        /// <summary>The oldest driver that runs any CUDA release of this major under minor-version compatibility.</summary>
        public (string Driver, string Source)? MinorVersionMinimum(int major, bool windows)
        {
            var row = _minorCompat.FirstOrDefault(r => r["cuda_major"] == major.ToString(CultureInfo.InvariantCulture));
            return row == null ? null : ((string, string)?)(row[windows ? "windows_min_driver" : "linux_min_driver"], row["source"]);
        }

        /// <summary>The oldest compute capability a CUDA (major) or cuDNN (major.minor) release supports.</summary>
        public (double MinCc, string Source)? MinimumComputeCapability(string library, Version version)
        {
            var row = _computeCapability
                .Where(r => r["library"] == library && Version.Parse(Pad(r["from_version"])) <= Version.Parse(Pad(library == "CUDA"
                    ? version.Major.ToString(CultureInfo.InvariantCulture) : $"{version.Major}.{version.Minor}")))
                .OrderByDescending(r => Version.Parse(Pad(r["from_version"])))
                .FirstOrDefault();
            return row == null ? null : ((double, string)?)(double.Parse(row["min_cc"], CultureInfo.InvariantCulture), row["source"]);
        }

        /// <summary>The compute capability range of PyTorch wheels of a CUDA flavour such as cu130.</summary>
        public (double Min, double Max, string Source)? PyTorchArchitectures(string flavor)
        {
            var row = _pytorch.FirstOrDefault(r => r["cuda_flavor"] == flavor);
            return row == null ? null : ((double, double, string)?)(double.Parse(row["min_cc"], CultureInfo.InvariantCulture),
                double.Parse(row["max_cc"], CultureInfo.InvariantCulture), row["source"]);
        }

        /// <summary>Compares NVIDIA driver versions such as 580.159.04 and 580.65.06 number by number.</summary>
        public static int CompareDriverVersions(string a, string b)
        {
            int[] x = Numbers(a), y = Numbers(b);
            for (int i = 0; i < Math.Max(x.Length, y.Length); i++)
            {
                int p = i < x.Length ? x[i] : 0, q = i < y.Length ? y[i] : 0;
                if (p != q) return p.CompareTo(q);
            }

            return 0;
        }

        private static int[] Numbers(string version) =>
            (version ?? "0").Split('.')
                .Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 0).ToArray();

        private static string Pad(string version) => version.Contains(".") ? version : version + ".0";

        private static List<Dictionary<string, string>> Read(string file)
        {
            Stream stream = typeof(CompatibilityTable).GetTypeInfo().Assembly.GetManifestResourceStream("DlGpuTools.Compat." + file)
                ?? throw new InvalidOperationException($"The built-in {file} is missing from the assembly.");
            using (var reader = new StreamReader(stream, Encoding.UTF8)) return CsvTable.Read(reader).Select(r => r.Fields).ToList();
        }
    }
}
