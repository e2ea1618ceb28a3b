using DlGpuTools.Recommendations;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>What a published ratio measures.</summary>
    public enum MeasuredKind
    {
        /// <summary>Single-card training throughput (the workload says vision or transformer).</summary>
        Training,

        /// <summary>llama.cpp single-stream decode of a model of <see cref="PublishedRatio.BytesPerToken"/>.</summary>
        Decode,

        /// <summary>n cards over one card, data-parallel training.</summary>
        DataParallel,

        /// <summary>n cards over one card, llama.cpp layer split, one stream.</summary>
        LayerSplit,

        /// <summary>llama.cpp prompt processing (pp512) of a model of <see cref="PublishedRatio.ActiveParameters"/> at
        /// <see cref="PublishedRatio.Precision"/> (INT4 for Q4_K_M weights, FP16 for F16).</summary>
        Prefill,

        /// <summary>
        /// n cards over <see cref="PublishedRatio.BaseGpus"/> cards, tensor-parallel single-stream decode (vLLM, TensorRT-LLM).
        /// </summary>
        TensorParallel,
    }

    /// <summary>A published measured ratio of throughputs: card A (or A x n) over card B, with its source.</summary>
    public sealed class PublishedRatio
    {
        public PublishedRatio(MeasuredKind kind, string a, string b, Workload workload, double numerator, double denominator, string source,
            double bytesPerToken = 0, int gpus = 1,
            ModelPrecision precision = ModelPrecision.FP16, int baseGpus = 1, double activeParameters = 0)
        {
            ActiveParameters = activeParameters;
            Precision = precision;
            BaseGpus = baseGpus;
            Kind = kind;
            A = a;
            B = b;
            Workload = workload;
            Measured = numerator / denominator;
            Source = source;
            BytesPerToken = bytesPerToken;
            Gpus = gpus;
        }

        public MeasuredKind Kind { get; }

        public string A { get; }

        public string B { get; }

        public Workload Workload { get; }

        public double Measured { get; }

        public string Source { get; }

        public double BytesPerToken { get; }

        public int Gpus { get; }

        /// <summary>The arithmetic of a training run (MLPerf's LLM runs are FP8; Lambda's files FP16).</summary>
        public ModelPrecision Precision { get; }

        /// <summary>Parameters each prompt token is multiplied through (prefill ratios).</summary>
        public double ActiveParameters { get; }

        /// <summary>The cards of the denominator in a multi-GPU ratio.</summary>
        public int BaseGpus { get; }

        public string Label => Kind == MeasuredKind.DataParallel || Kind == MeasuredKind.LayerSplit || Kind == MeasuredKind.TensorParallel
            ? $"{Gpus}x {A} / {BaseGpus}x ({Kind}, {Workload})"
            : $"{A} / {B} ({Detail})";

        private string Detail => Kind switch
        {
            MeasuredKind.Decode => $"decode {BytesPerToken / 1e9:0.#} GB",
            MeasuredKind.Prefill => $"prefill {ActiveParameters / 1e9:0.#}B {Precision}",
            _ => Workload + (Precision == ModelPrecision.FP16 ? string.Empty : " " + Precision),
        };
    }
}
