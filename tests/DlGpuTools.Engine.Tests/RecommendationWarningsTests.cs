using System;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class RecommendationWarningsTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);

        private static readonly DateTime Today = new DateTime(2026, 11, 26);

        [Fact]
        public void No_result_says_that_nothing_meets_the_conditions()
        {
            var request = new RecommendationRequest { Workload = Workload.ComputerVision, Now = Today };

            string warning = Assert.Single(RecommendationWarnings.For(request, Array.Empty<GpuRecommendation>(), CardCatalog.BuiltIn));

            Assert.StartsWith("No card in the table meets these conditions for ComputerVision", warning, StringComparison.Ordinal);
        }

        [Fact]
        public void Only_the_current_card_says_that_nothing_beats_it()
        {
            var request = new RecommendationRequest { Workload = Workload.NLP, Now = Today, CurrentCard = "RTX 4090" };
            var current = new GpuRecommendation { Kind = "Current", Card = "GeForce RTX 4090" };

            string warning = Assert.Single(RecommendationWarnings.For(request, new[] { current }, CardCatalog.BuiltIn));

            Assert.Equal("No card within these limits beats your GeForce RTX 4090 by 1.5x for NLP: keep it, or raise -Budget.", warning);
        }

        [Fact]
        public void A_model_that_no_single_card_holds_names_its_method_and_the_nodes_it_takes()
        {
            var request = new RecommendationRequest { Workload = Workload.LLMFineTune, Training = true, ModelParameters = 405e9,
                Now = Today };
            var results = Recommender.Recommend(request);
            MemoryEstimate full = Recommender.MethodsFor(request)[0];
            Assert.DoesNotContain(results, r => r.Method == full.Method);

            var warnings = RecommendationWarnings.For(request, results, CardCatalog.BuiltIn);

            Assert.Contains(warnings, w => w.StartsWith(full.Method + " needs ", StringComparison.Ordinal) && w.Contains("-IncludeCloud",
                StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("nodes of 8 x", StringComparison.Ordinal));
        }

        [Fact]
        public void A_model_with_only_rentals_listed_says_nothing_to_buy_holds_it_within_the_budget()
        {
            var request = new RecommendationRequest { Workload = Workload.LLMInference, ModelParameters = 7e9,
                BudgetUsd = 1500, Now = Today };
            var rental = new GpuRecommendation { Kind = "Rent", Card = "H100", Method = "FP8" };

            var warnings = RecommendationWarnings.For(request, new[] { rental }, CardCatalog.BuiltIn);

            Assert.Contains(warnings, w => w.StartsWith("Nothing to buy holds this within 8 cards and $1", StringComparison.Ordinal));
        }

        [Fact]
        public void Rows_that_use_the_most_faithful_method_need_no_warning()
        {
            var request = new RecommendationRequest { Workload = Workload.LLMInference, ModelParameters = 1e9, BudgetUsd = 2000,
                Now = Today };

            Assert.Empty(RecommendationWarnings.For(request, Recommender.Recommend(request), CardCatalog.BuiltIn));
        }
    }
}
