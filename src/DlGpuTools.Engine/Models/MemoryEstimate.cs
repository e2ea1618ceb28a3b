namespace DlGpuTools
{
    /// <summary>How much GPU memory one way of running a model needs, with the arithmetic spelled out.</summary>
    public sealed class MemoryEstimate
    {
        public double Parameters { get; set; }

        /// <summary>
        /// Short name of the method: Full BF16, LoRA BF16, QLoRA NF4 (<see cref="TrainingLabel"/>), or the inference precision
        /// (BF16, FP8, INT8, INT4: the name of <see cref="ServedPrecision"/>).
        /// </summary>
        public string? Method
        {
            get => MethodText.Show(TrainingLabel, ServedPrecision);
            set => (ServedPrecision, TrainingLabel) = MethodText.Read(value);
        }

        /// <summary>
        /// The precision an inference estimate serves the weights at; null for training. Decisions read this, not Method.
        /// </summary>
        internal ModelPrecision? ServedPrecision { get; set; }

        /// <summary>A training method's name (Full BF16, LoRA BF16, QLoRA NF4, FLUX LoRA); null for inference.</summary>
        internal string? TrainingLabel { get; set; }

        public string? Precision { get; set; }

        public bool Training { get; set; }

        /// <summary>
        /// Training that updates every weight (full fine-tuning, at the asked precision), not adapters over frozen weights
        /// (LoRA, QLoRA): the engine decides the arithmetic and FLOPs per token from this, never from the Method's words.
        /// </summary>
        internal bool TrainsAllWeights { get; set; }

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

        /// <summary>
        /// Weights, state and KV cache split over the cards (FSDP/ZeRO-3, tensor parallelism); activations stay on every card in training.
        /// </summary>
        public double ShardedGB { get; set; }

        public double PerCardFixedGB { get; set; }

        public string? Formula { get; set; }

        /// <summary>The preset (-Model) the estimate is for; null for a bare parameter count.</summary>
        public string? Model { get; set; }

        /// <summary>Parameters a token passes through (mixture of experts: fewer than Parameters); compute follows this.</summary>
        public double ActiveParameters { get; set; }

        /// <summary>
        /// Training logits and their gradient over the vocabulary (part of ActivationsGB); 0 where the model has no trained LM head.
        /// </summary>
        public double LogitsGB { get; set; }

        /// <summary>Keys and values as cached (BF16, FP8, INT8, INT4).</summary>
        public string? KvCachePrecision { get; set; }

        /// <summary>Optimizer of the trained parameters (AdamW, AdamW8bit, PagedAdamW, PagedAdamW8bit); null for inference.</summary>
        public string? Optimizer { get; set; }

        /// <summary>What lives in host memory instead (None, OptimizerState, Experts).</summary>
        public string? Offload { get; set; }

        /// <summary>Host (CPU) memory the offloaded part needs, beyond what the program itself uses.</summary>
        public double HostMemoryGB { get; set; }

        /// <summary>
        /// Inference: bytes read from GPU memory per decode step (active weights, the output head, and the KV cache of
        /// BatchSize sequences at ContextLength), for a bandwidth-bound tokens-per-second estimate.
        /// </summary>
        public double BytesPerDecodedToken { get; set; }

        /// <summary>Inference with experts offloaded: bytes of the active experts read from host memory per decode step.</summary>
        public double HostBytesPerDecodedToken { get; set; }

        /// <summary>
        /// Training speed of this method relative to the same run with a 16-bit base (QLoRA's dequantization costs time).
        /// </summary>
        public double SpeedFactor { get; set; } = 1;

        /// <summary>Memory each of <paramref name="gpus"/> cards must have: the estimate plus allocator headroom.</summary>
        public double RequiredPerCardGB(int gpus) => PerCardGB(gpus) * (1 + HeadroomShare);

        /// <summary>Share added for the allocator's fragmentation and peaks the estimate does not itemise.</summary>
        public const double HeadroomShare = 0.05;

        /// <summary>Memory each of <paramref name="gpus"/> cards needs.</summary>
        public double PerCardGB(int gpus) => ShardedGB / gpus + PerCardFixedGB;

        public override string ToString() => Formula ?? string.Empty;
    }
}
