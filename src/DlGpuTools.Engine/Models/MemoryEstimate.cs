namespace DlGpuTools
{
    /// <summary>How much GPU memory one way of running a model needs, with the arithmetic spelled out.</summary>
    public sealed class MemoryEstimate
    {
        public double Parameters { get; set; }

        /// <summary>Short name of the method: Full BF16, LoRA BF16, QLoRA NF4, or the inference precision (BF16, FP8, INT8, INT4).</summary>
        public string? Method { get; set; }

        public string? Precision { get; set; }

        public bool Training { get; set; }

        /// <summary>Bytes per parameter of the weights as stored (0.5625 for 4-bit weights with their group scales).</summary>
        public double BytesPerParameter { get; set; }

        public double WeightsGB { get; set; }

        /// <summary>Gradients, optimizer moments and master weights (full fine-tuning) or the adapters' own (LoRA, QLoRA).</summary>
        public double TrainingStateGB { get; set; }

        /// <summary>Inference: keys and values for ContextLength tokens x BatchSize sequences.</summary>
        public double KvCacheGB { get; set; }

        /// <summary>Activations (training, with gradient checkpointing) or activations and workspace (inference).</summary>
        public double ActivationsGB { get; set; }

        /// <summary>Each card's own CUDA context and library workspaces.</summary>
        public double OverheadGB { get; set; }

        public int ContextLength { get; set; }

        public int BatchSize { get; set; }

        /// <summary>Memory on one card holding everything.</summary>
        public double TotalGB { get; set; }

        /// <summary>Weights, state and KV cache split over the cards (FSDP/ZeRO-3, tensor parallelism); activations stay on every card in training.</summary>
        public double ShardedGB { get; set; }

        public double PerCardFixedGB { get; set; }

        public string? Formula { get; set; }

        /// <summary>Memory each of <paramref name="gpus"/> cards needs.</summary>
        public double PerCardGB(int gpus) => ShardedGB / gpus + PerCardFixedGB;

        public override string ToString() => Formula ?? string.Empty;
    }
}
