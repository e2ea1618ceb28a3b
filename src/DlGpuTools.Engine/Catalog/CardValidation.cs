using System;
using System.Collections.Generic;
using System.Globalization;
using DlGpuTools.Devices;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// Sanity rules every card row must pass, built-in or the user's: units and ranges, compute capability
    /// against architecture, and tensor figures against FP32 and what the architecture has.
    /// </summary>
    internal static class CardValidation
    {
        /// <summary>
        /// Each rule <paramref name="c"/> breaks, with the column it is about (null for a rule across columns), named
        /// as <paramref name="header"/> gives it (the file's own spelling, such as Export-Csv's 'MemoryGB').
        /// </summary>
        public static IEnumerable<(string? Column, string Problem)> Check(GpuSpec c, Func<string, string>? header = null)
        {
            Func<string, string> h = header ?? (column => column);
            if (Strings.IsNullOrWhiteSpace(c.Source)) yield return ("source", "no source");
            if (c.MemoryGB < 1 || c.MemoryGB > 1024) yield return ("memory_gb",
                $"{h("memory_gb")} {c.MemoryGB} is outside 1..1024 (GB, not MB?)");
            if (c.MemoryBandwidthGBps is double bw && (bw < 20 || bw > 20000)) yield return ("bandwidth_gbs",
                $"{h("bandwidth_gbs")} {bw} is outside 20..20000 (GB/s)");
            if (c.Fp32Tflops is double fp32 && (fp32 < 0.1 || fp32 > 500)) yield return ("fp32_tflops",
                $"{h("fp32_tflops")} {fp32} is outside 0.1..500 (TFLOPS, not GFLOPS?)");
            foreach (var (column, value) in new[] { ("fp16_tensor_tflops_dense", c.Fp16TensorTflops), ("bf16_tensor_tflops_dense",
                c.Bf16TensorTflops), ("tf32_tensor_tflops_dense", c.Tf32TensorTflops), ("fp64_tflops", c.Fp64Tflops),
                ("fp64_tensor_tflops", c.Fp64TensorTflops), ("fp8_tensor_tflops_dense", c.Fp8TensorTflops) })
            {
                if (value is double v && v <= 0) yield return (column,
                    $"{h(column)} {v} is not above 0 (leave it empty where the card has no such figure)");
            }

            if (c.TdpW is int tdp && (tdp < 10 || tdp > 2000)) yield return ("tdp_w", $"{h("tdp_w")} {tdp} is outside 10..2000");
            if (c.LaunchYear is int year && (year < 2010 || year > DateTime.UtcNow.Year + 1)) yield return ("launch_year",
                $"{h("launch_year")} {year} is implausible");
            if (c.LaunchPriceUsd is double price && (price < 30 || price > 100000)) yield return ("launch_msrp_usd",
                $"{h("launch_msrp_usd")} {price} is outside 30..100000");
            if (c.CardSegment == null) yield return ("segment",
                $"{h("segment")} '{TableText.Shown(c.Segment ?? string.Empty)}' is not consumer, prosumer, workstation or datacenter");

            if (!c.IsCudaCapable)
            {
                if (c.Vendor == "NVIDIA") yield return ("compute_capability", "an NVIDIA card needs a compute capability (major.minor)");
                yield break;
            }

            string[] parts = (c.ComputeCapability ?? string.Empty).Split('.');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture,
                out int major) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
            {
                yield return ("compute_capability", "a CUDA-capable card needs a compute capability (major.minor)");
                yield break;
            }

            string expected = GpuArchitecture.FromComputeCapability(major, minor);
            if (!string.Equals(expected, c.Architecture, StringComparison.OrdinalIgnoreCase))
                yield return ("architecture", $"compute capability {c.ComputeCapability} is {expected}, not {c.Architecture}");

            bool tensorCores = major >= 7 && !IsTu11x(c);
            if (!tensorCores && (c.Fp16TensorTflops != null || c.Bf16TensorTflops != null || c.Tf32TensorTflops != null))
                yield return (null, "tensor figures on a GPU without tensor cores");
            if (tensorCores && c.Fp16TensorTflops == null)
                yield return ("fp16_tensor_tflops_dense", "no fp16 tensor figure on a GPU with tensor cores");
            if (major < 8 && (c.Bf16TensorTflops != null || c.Tf32TensorTflops != null))
                yield return (null, "BF16/TF32 figures before Ampere (compute capability 8.0)");
            if ((major < 8 || (major == 8 && minor < 9)) && c.Fp8TensorTflops != null)
                yield return ("fp8_tensor_tflops_dense", "an FP8 figure before Ada/Hopper (compute capability 8.9)");
            if (c.Fp16TensorTflops is double fp16 && fp16 > 0 && c.Fp32Tflops is double f32)
            {
                double ratio = fp16 / f32;
                // Up to Hopper the dense ratio stays under 20 (H100 SXM 14.8), so a sparse or FP16-accumulate figure,
                // twice the true one, stands out; Blackwell data-centre parts reach 30 (B200: 2250 / 75).
                double limit = major == 10 ? 35 : 20;
                if (ratio < 1 || ratio > limit) yield return ("fp16_tensor_tflops_dense",
                    $"fp16 tensor / fp32 = {ratio:0.0}, outside 1..{limit} (sparse or FP16-accumulate figure?)");
            }

            if (c.Bf16TensorTflops is double bf16 && c.Fp16TensorTflops is double f16 && Math.Abs(bf16 - f16) > 0.01 * f16)
                yield return ("bf16_tensor_tflops_dense", "BF16 and FP16 tensor rates differ; NVIDIA tensor cores run both at one rate");
            if (c.Tf32TensorTflops is double tf32 && c.Fp16TensorTflops is double h1 && tf32 > h1)
                yield return ("tf32_tensor_tflops_dense", "TF32 above the FP16 tensor rate");
            if (c.Fp64TensorTflops is double fp64t && (c.Fp64Tflops == null || fp64t < c.Fp64Tflops))
                yield return ("fp64_tensor_tflops", "an FP64 tensor figure below (or without) the FP64 figure");
            if (c.Fp8TensorTflops is double fp8 && c.Fp16TensorTflops is double h2 && (fp8 < h2 || fp8 > 2.05 * h2))
                yield return ("fp8_tensor_tflops_dense", "FP8 should be 1-2x the FP16 tensor rate");
        }

        // Turing's TU116/TU117 (GTX 16 series) have no tensor cores although compute capability is 7.5.
        private static bool IsTu11x(GpuSpec c) => c.Name.IndexOf("GTX 16", StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
