namespace DlGpuTools
{
    /// <summary>How much GPU memory a model needs, with the arithmetic spelled out.</summary>
    public sealed class MemoryEstimate
    {
        public double Parameters { get; set; }

        public string Precision { get; set; }

        public bool Training { get; set; }

        /// <summary>Bytes per parameter for weights, gradients and optimizer state together.</summary>
        public double BytesPerParameter { get; set; }

        public double ModelStateGB { get; set; }

        /// <summary>Activations (training) or KV cache and activations (inference), as a stated share of the model state.</summary>
        public double ActivationAllowanceGB { get; set; }

        /// <summary>The CUDA context and library workspaces.</summary>
        public double OverheadGB { get; set; }

        public double TotalGB { get; set; }

        public string Formula { get; set; }

        public override string ToString() => Formula;
    }
}
