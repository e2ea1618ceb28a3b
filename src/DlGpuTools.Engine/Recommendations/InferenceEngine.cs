namespace DlGpuTools.Recommendations
{
    /// <summary>The serving software: it sets how close decode gets to the memory bandwidth and how several cards split a model.</summary>
    public enum InferenceEngine
    {
        /// <summary>llama.cpp (and tools built on it: Ollama, LM Studio): GGUF weights, one stream, layer split across cards.</summary>
        LlamaCpp,

        /// <summary>vLLM (and SGLang): paged KV cache, batching, tensor parallelism.</summary>
        Vllm,

        /// <summary>NVIDIA TensorRT-LLM: compiled kernels, FP8/FP4, tensor parallelism.</summary>
        TensorRtLlm,
    }

    /// <summary>How several cards share one job.</summary>
    internal enum ParallelUse
    {
        /// <summary>Data-parallel training (DDP, FSDP/ZeRO): each card a slice of the batch, gradients all-reduced.</summary>
        DataParallel,

        /// <summary>Tensor-parallel serving (vLLM, TensorRT-LLM): each layer's matrices split across the cards.</summary>
        TensorParallel,

        /// <summary>Layer (pipeline) split for one stream (llama.cpp -sm layer): more memory, no more speed.</summary>
        LayerSplit,
    }
}
