using System;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Errors;
using DlGpuTools.Recommendations;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The serving engines' one table: every <see cref="InferenceEngine"/> has the name users type and read, a name
    /// parses back in any case, and an unknown one is a user error that lists the names.
    /// </summary>
    public class RecommenderInferenceEngineTests
    {
        [Fact]
        public void Every_engine_has_one_name_in_the_table_and_the_names_keep_their_spelling()
        {
            var engines = Enum.GetValues<InferenceEngine>().ToList();

            var names = engines.Select(InferenceEngines.NameOf).ToList();

            Assert.Equal(new[] { "llama.cpp", "vLLM", "TensorRT-LLM" }, names);
            Assert.Equal(new[] { "llama.cpp", "vLLM", "TensorRT-LLM" }, InferenceEngines.Registry.Ids);
            Assert.All(names, n => Assert.False(string.IsNullOrEmpty(InferenceEngines.Registry.DescriptionOf(n))));
        }

        [Theory]
        [InlineData("llama.cpp", InferenceEngine.LlamaCpp)]
        [InlineData("LLAMA.CPP", InferenceEngine.LlamaCpp)]
        [InlineData("vllm", InferenceEngine.Vllm)]
        [InlineData("VLLM", InferenceEngine.Vllm)]
        [InlineData("tensorrt-llm", InferenceEngine.TensorRtLlm)]
        public void A_name_parses_in_any_case(string name, InferenceEngine engine)
        {
            Assert.Equal(engine, InferenceEngines.Parse(name));
            Assert.Equal(engine, InferenceEngines.Parse(InferenceEngines.NameOf(engine)));
        }

        [Theory]
        [InlineData("SGLang")]
        [InlineData("TensorRtLlm")]
        [InlineData("")]
        public void An_unknown_name_is_a_user_error_that_lists_the_names(string name)
        {
            var e = Assert.Throws<UnknownRegisteredIdException>(() => InferenceEngines.Parse(name));

            Assert.Same(ErrorCatalogue.UnknownInferenceEngine, e.Entry);
            Assert.Equal(FailureCategory.InvalidArgument, e.Category);
            Assert.Contains("llama.cpp, vLLM, TensorRT-LLM", e.Remedy, StringComparison.Ordinal);
        }

        [Fact]
        public void A_named_engine_reaches_the_results_by_its_name()
        {
            var recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);
            foreach (InferenceEngine engine in Enum.GetValues<InferenceEngine>())
            {
                var request = new RecommendationRequest
                {
                    Workload = Workload.LLMInference, ModelParameters = 70e9, Engine = engine, Top = 3,
                    Now = new DateTime(2026, 11, 26),
                };

                var results = recommender.Recommend(request);

                Assert.NotEmpty(results);
                Assert.All(results, r => Assert.Equal(InferenceEngines.NameOf(engine), r.Engine));
            }
        }
    }
}
