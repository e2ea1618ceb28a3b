using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;
using DlGpuTools.Registration;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The one table of serving engines: each <see cref="InferenceEngine"/> with the name users type and read, so
    /// -Engine's validation and completion, the parse of its value and the names in results all come from here.
    /// </summary>
    public static class InferenceEngines
    {
        private static readonly Registry<InferenceEngineName> Items = new Registry<InferenceEngineName>(
            "inference engine",
            ErrorCatalogue.UnknownInferenceEngine,
            new[]
            {
                new InferenceEngineName(InferenceEngine.LlamaCpp, "llama.cpp",
                    "GGUF weights, one stream, layers split across cards (also Ollama and LM Studio)."),
                new InferenceEngineName(InferenceEngine.Vllm, "vLLM",
                    "Paged KV cache and batching, each layer split across cards (tensor parallelism; also SGLang)."),
                new InferenceEngineName(InferenceEngine.TensorRtLlm, "TensorRT-LLM",
                    "NVIDIA's compiled kernels with FP8 and FP4, each layer split across cards (tensor parallelism)."),
            });

        /// <summary>The names, for -Engine's validation and completion.</summary>
        public static IRegistry Registry => Items;

        /// <summary>The name users read: llama.cpp, vLLM or TensorRT-LLM.</summary>
        public static string NameOf(InferenceEngine engine) =>
            Items.All.FirstOrDefault(e => e.Engine == engine)?.Id
                ?? throw new ArgumentOutOfRangeException(nameof(engine), engine, "The engine has no name in the table.");

        /// <summary>The engine a name means (any case); a user error listing the names for one that means none.</summary>
        public static InferenceEngine Parse(string name) => Items.Get(name).Engine;
    }

    /// <summary>One row of <see cref="InferenceEngines"/>: the engine and its name.</summary>
    internal sealed class InferenceEngineName : IRegistered
    {
        internal InferenceEngineName(InferenceEngine engine, string id, string description)
        {
            Engine = engine;
            Id = id;
            Description = description;
        }

        public InferenceEngine Engine { get; }

        public string Id { get; }

        public string Description { get; }

        public IReadOnlyList<string> Needs => Array.Empty<string>();
    }
}
