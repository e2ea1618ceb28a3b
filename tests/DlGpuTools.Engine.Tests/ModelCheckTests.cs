using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;
using Xunit.Abstractions;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The performance model against measured speed ratios of real cards, published and our own. The test
    /// fails when the model, its shares or a card's figures drift so far that a ratio is off by more than
    /// 30%, or the error over all of them by more than 20% (RMS of the log ratio); it prints the comparison.
    /// </summary>
    public class ModelCheckTests
    {
        private readonly ITestOutputHelper _output;

        public ModelCheckTests(ITestOutputHelper output)
        {
            _output = output;
        }

        /// <summary>A measured ratio: card A's throughput over card B's for a workload, and where it was published.</summary>
        public sealed class MeasuredRatio
        {
            public MeasuredRatio(string a, string b, Workload workload, ModelPrecision precision, double measured, string source, double? computeShare = null)
            {
                A = a;
                B = b;
                Workload = workload;
                Precision = precision;
                Measured = measured;
                Source = source;
                ComputeShare = computeShare;
            }

            public string A { get; }

            public string B { get; }

            public Workload Workload { get; }

            public ModelPrecision Precision { get; }

            public double Measured { get; }

            public string Source { get; }

            /// <summary>Set for a pure-math or pure-copy measurement, where the share is 1 or 0 rather than a workload's.</summary>
            public double? ComputeShare { get; }
        }

        private const string Lambda = "Lambda, lambdal/deeplearning-benchmark pytorch/pytorch-train-throughput-fp16.csv (HEAD 2025-12-17; 2023 runs, NGC PyTorch 22.10), relative to RTX 3090";

        public static readonly MeasuredRatio[] Measured =
        {
            // Published: Lambda's single-GPU FP16 training throughput, geometric mean of 8 models (CV share) and BERT-large (NLP share).
            new MeasuredRatio("GeForce RTX 4090", "GeForce RTX 3090", Workload.ComputerVision, ModelPrecision.FP16, 1.64, Lambda + ": geomean 1.64 / 1.00"),
            new MeasuredRatio("GeForce RTX 4090", "GeForce RTX 3090", Workload.NLP, ModelPrecision.FP16, 1.79, Lambda + ": BERT-large SQuAD 1.79 / 1.00"),
            new MeasuredRatio("NVIDIA A100 80GB SXM4", "NVIDIA Tesla V100 SXM2 16GB", Workload.ComputerVision, ModelPrecision.FP16, 2.37 / 0.81, Lambda + ": geomean 2.37 / 0.81 (Lambda's 'V100 16 GB', taken as SXM2)"),
            new MeasuredRatio("NVIDIA H100 SXM5 80GB", "NVIDIA A100 80GB SXM4", Workload.ComputerVision, ModelPrecision.FP16, 4.04 / 2.37, Lambda + ": geomean 4.04 / 2.37"),
            // Published: NVIDIA's A100-over-V100 benchmarks as Tim Dettmers read them (Tim Dettmers, 'Which GPU(s) to Get for Deep Learning', 2020; https://timdettmers.com/2023/01/30/which-gpu-for-deep-learning/ is its 2023 update).
            new MeasuredRatio("NVIDIA A100 40GB SXM4", "NVIDIA Tesla V100 SXM2 16GB", Workload.NLP, ModelPrecision.FP16, 1.70, "NVIDIA benchmarks via Dettmers 2020: 1.70x for NLP"),
            new MeasuredRatio("NVIDIA A100 40GB SXM4", "NVIDIA Tesla V100 SXM2 16GB", Workload.ComputerVision, ModelPrecision.FP16, 1.45, "NVIDIA benchmarks via Dettmers 2020: 1.45x for CV"),
            // Ours: H200 (this project, 2026-11-26, bench/results/matmul-h200-2026-11-26.md) against H100 SXM (workplace notes, 2026-11-13).
            new MeasuredRatio("NVIDIA H200 SXM 141GB", "NVIDIA H100 SXM5 80GB", Workload.LLMInference, ModelPrecision.BF16, 4.3 / 3.0, "OURS: device-to-device copy 4.3 TB/s (H200) / 3.0 TB/s (H100), read+write counted", computeShare: 0),
            new MeasuredRatio("NVIDIA H200 SXM 141GB", "NVIDIA H100 SXM5 80GB", Workload.LLMInference, ModelPrecision.BF16, 711.6 / 798, "OURS: BF16 GEMM 8192, 711.6 TFLOPS sustained (H200, 700 W cap) / 798 (H100, torch)", computeShare: 1),
            new MeasuredRatio("NVIDIA H200 SXM 141GB", "NVIDIA H100 SXM5 80GB", Workload.LLMInference, ModelPrecision.BF16, 4.3 / 3.0, "OURS: the copy ratio again, now through the LLMInference share (s = 0.1): token generation is bandwidth-bound"),
        };

        private static double Predicted(MeasuredRatio m)
        {
            GpuSpec? a = CardCatalog.BuiltIn.Resolve(m.A);
            GpuSpec? b = CardCatalog.BuiltIn.Resolve(m.B);
            Assert.NotNull(a);
            Assert.NotNull(b);
            if (m.ComputeShare is double s)
            {
                double ca = Must.HaveValue(PerformanceModel.ComputeInput(a, m.Workload, m.Precision).Tflops);
                double cb = Must.HaveValue(PerformanceModel.ComputeInput(b, m.Workload, m.Precision).Tflops);
                return s == 1 ? ca / cb : Must.HaveValue(a.MemoryBandwidthGBps) / Must.HaveValue(b.MemoryBandwidthGBps);
            }

            return Must.Exist(PerformanceModel.Estimate(a, m.Workload, m.Precision)).RelativeSpeed / Must.Exist(PerformanceModel.Estimate(b, m.Workload, m.Precision)).RelativeSpeed;
        }

        [Fact]
        public void The_model_predicts_measured_ratios_within_its_stated_error()
        {
            var errors = new List<double>();
            _output.WriteLine($"{"Ratio",-50} {"Model",6} {"Measured",8} {"Error",6}  Source");
            foreach (MeasuredRatio m in Measured)
            {
                double predicted = Predicted(m);
                double error = predicted / m.Measured - 1;
                errors.Add(Math.Log(predicted / m.Measured));
                _output.WriteLine($"{m.A + " / " + m.B + " (" + m.Workload + ")",-50} {predicted,6:0.00} {m.Measured,8:0.00} {error,6:+0%;-0%;0%}  {m.Source}");
                Assert.True(Math.Abs(error) <= 0.30, $"{m.A}/{m.B} ({m.Workload}): model {predicted:0.00}, measured {m.Measured:0.00}");
            }

            double rms = Math.Sqrt(errors.Average(e => e * e));
            _output.WriteLine($"RMS error {rms:0%}");
            Assert.True(rms <= 0.20, $"RMS error {rms:0%}");
        }

        [Theory]
        [InlineData("GeForce RTX 4090", "GeForce RTX 3090", Workload.ComputerVision, 1.28)]
        [InlineData("NVIDIA A100 80GB SXM4", "NVIDIA Tesla V100 SXM2 16GB", Workload.ComputerVision, 2.31)]
        [InlineData("NVIDIA H200 SXM 141GB", "NVIDIA H100 SXM5 80GB", Workload.LLMInference, 1.42)]
        public void The_model_gives_the_ratios_the_report_quotes(string a, string b, Workload workload, double expected)
        {
            double ratio = Must.Exist(PerformanceModel.Estimate(CardCatalog.BuiltIn.Card(a), workload, ModelPrecision.FP16)).RelativeSpeed
                           / Must.Exist(PerformanceModel.Estimate(CardCatalog.BuiltIn.Card(b), workload, ModelPrecision.FP16)).RelativeSpeed;
            Assert.Equal(expected, ratio, 2);
        }

        [Fact]
        public void The_reference_card_is_one_and_the_formula_shows_its_inputs()
        {
            PerformanceEstimate e = Must.Exist(PerformanceModel.Estimate(CardCatalog.BuiltIn.Card("RTX 3090"), Workload.NLP, ModelPrecision.BF16));
            Assert.Equal(1.0, e.RelativeSpeed, 3);
            Assert.Equal("BF16 71 TFLOPS, 936 GB/s", e.Inputs);
            Assert.Contains("1 / (0.5 x 71/71 + 0.5 x 936/936) = 1.00", e.Formula);
        }

        [Fact]
        public void Bandwidth_decides_token_generation_and_math_decides_when_the_share_is_high()
        {
            GpuSpec rtx4090 = CardCatalog.BuiltIn.Card("RTX 4090");
            GpuSpec a6000 = CardCatalog.BuiltIn.Card("RTX A6000");
            // 4090 has 1.07x the A6000's FP16 tensor rate but 1.31x its bandwidth: the gap must grow with the bandwidth share.
            double infer = Must.Exist(PerformanceModel.Estimate(rtx4090, Workload.LLMInference, ModelPrecision.BF16)).RelativeSpeed / Must.Exist(PerformanceModel.Estimate(a6000, Workload.LLMInference, ModelPrecision.BF16)).RelativeSpeed;
            double train = Must.Exist(PerformanceModel.Estimate(rtx4090, Workload.NLP, ModelPrecision.BF16)).RelativeSpeed / Must.Exist(PerformanceModel.Estimate(a6000, Workload.NLP, ModelPrecision.BF16)).RelativeSpeed;
            Assert.True(infer > train, $"{infer} > {train}");
            Assert.Equal("FP32", PerformanceModel.ComputeInput(CardCatalog.BuiltIn.Card("GTX 1080 Ti"), Workload.NLP, ModelPrecision.BF16).Label);
            Assert.Equal("FP16", PerformanceModel.ComputeInput(CardCatalog.BuiltIn.Card("Titan RTX"), Workload.NLP, ModelPrecision.BF16).Label);
            Assert.Equal("FP8", PerformanceModel.ComputeInput(CardCatalog.BuiltIn.Card("RTX 4090"), Workload.LLMInference, ModelPrecision.FP8).Label);
        }
    }
}
