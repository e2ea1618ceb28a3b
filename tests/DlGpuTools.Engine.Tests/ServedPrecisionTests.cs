using System;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The precision an estimate serves the weights at is a typed field set where the estimate is made; the recommender's
    /// decisions (FP8 on FP8 tensor cores, deploy-grade rows first, the warnings) read it, never the method's display name.
    /// </summary>
    public class ServedPrecisionTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);

        private static readonly DateTime Today = new DateTime(2026, 11, 26);

        [Theory]
        [InlineData(Workload.LLMInference, ModelPrecision.FP8)]
        [InlineData(Workload.LLMInference, ModelPrecision.INT4)]
        [InlineData(Workload.LLMInference, ModelPrecision.BF16)]
        [InlineData(Workload.ImageGeneration, ModelPrecision.FP8)]
        public void An_inference_estimate_serves_at_the_precision_it_was_made_for(Workload workload, ModelPrecision precision)
        {
            var request = new RecommendationRequest { Workload = workload, ModelParameters = 12e9, Precision = precision, Now = Today };

            var estimates = Recommender.MethodsFor(request);

            Assert.NotEmpty(estimates);
            Assert.Contains(estimates, e => e.ServedPrecision == precision);
        }

        [Fact]
        public void A_training_estimate_shows_its_label_and_serves_at_no_precision()
        {
            var request = new RecommendationRequest { Workload = Workload.LLMFineTune, Training = true, ModelParameters = 8e9,
                Now = Today };

            var estimates = Recommender.MethodsFor(request);

            Assert.Contains(estimates, e => e.Method == "QLoRA NF4");
            Assert.All(estimates, e => Assert.Null(e.ServedPrecision));
        }

        [Fact]
        public void Each_row_carries_its_methods_typed_precision_and_shows_its_name()
        {
            var request = new RecommendationRequest { Workload = Workload.LLMInference, ModelParameters = 405e9, IncludeCloud = true,
                Now = Today };

            var results = Recommender.Recommend(request);

            Assert.Contains(results, r => r.ServedPrecision == ModelPrecision.FP8 && r.Method == "FP8");
            Assert.All(results.Where(r => r.Method != null), r => Assert.NotNull(r.ServedPrecision)); // inference rows only
        }

        [Theory]
        [InlineData("fp8", ModelPrecision.FP8, "FP8")]
        [InlineData("MXFP4", ModelPrecision.MXFP4, "MXFP4")]
        [InlineData("Full BF16", null, "Full BF16")]
        [InlineData("4", null, "4")]
        [InlineData("FP32, TF32", null, "FP32, TF32")]
        public void A_row_rebuilt_from_text_reads_a_precision_name_back_and_keeps_any_other_label(string text, ModelPrecision? served,
            string shown)
        {
            var row = new GpuRecommendation { Method = text };
            var estimate = new MemoryEstimate { Method = text };

            Assert.Equal(served, row.ServedPrecision);
            Assert.Equal(shown, row.Method);
            Assert.Equal(served, estimate.ServedPrecision);
            Assert.Equal(shown, estimate.Method);
        }

        [Theory]
        [InlineData(ModelPrecision.FP8, true)]
        [InlineData(ModelPrecision.BF16, true)]
        [InlineData(ModelPrecision.INT4, false)]
        [InlineData(null, false)]
        public void Deploy_grade_is_FP8_or_wider_weights(ModelPrecision? served, bool expected) =>
            Assert.Equal(expected, Recommender.DeployGrade(served));
    }
}
