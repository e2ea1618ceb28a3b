using System;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class RecommenderTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, CardCatalog.CloudOffers);

        [Fact]
        public void Mixed_precision_training_needs_16_bytes_a_parameter_plus_the_stated_allowances()
        {
            MemoryEstimate e = MemoryEstimator.Estimate(7e9, ModelPrecision.BF16, training: true);
            Assert.Equal(16, e.BytesPerParameter);
            Assert.Equal(112.0, e.ModelStateGB);
            Assert.Equal(22.4, e.ActivationAllowanceGB);
            Assert.Equal(134.9, e.TotalGB);
            Assert.Contains("2 weights + 2 gradients + 8 Adam moments + 4 FP32 master weights", e.Formula);
            Assert.Equal(16, MemoryEstimator.Estimate(1e9, ModelPrecision.FP32, true).BytesPerParameter); // no master copy
        }

        [Fact]
        public void Inference_holds_the_weights_in_their_precision()
        {
            Assert.Equal(14.0, MemoryEstimator.Estimate(7e9, ModelPrecision.FP16, false).ModelStateGB);
            Assert.Equal(3.5, MemoryEstimator.Estimate(7e9, ModelPrecision.INT4, false).ModelStateGB);
            Assert.Equal(7.0 * 1.2 + 0.5, MemoryEstimator.Estimate(7e9, ModelPrecision.INT8, false).TotalGB, 1);
            Assert.Throws<ArgumentException>(() => MemoryEstimator.Estimate(7e9, ModelPrecision.INT4, true));
            Assert.Throws<ArgumentOutOfRangeException>(() => MemoryEstimator.Estimate(-1, ModelPrecision.FP16, false));
        }

        [Fact]
        public void A_budget_keeps_affordable_cuda_cards_above_the_workload_floor_ranked_by_value()
        {
            var results = Recommender.Recommend(new RecommendationRequest { Workload = Workload.ComputerVision, BudgetUsd = 800, Top = 10 });
            Assert.NotEmpty(results);
            Assert.All(results, r =>
            {
                Assert.Equal("Buy", r.Kind);
                Assert.True(r.PriceUsd <= 800);
                Assert.True(r.MemoryGB >= 8);
                Assert.DoesNotContain("AMD", r.Card);
                Assert.Contains(CardAdvice.LaunchPriceNote, r.Warnings);
            });
            Assert.Equal(results.Select(r => r.ValuePerDollar), results.Select(r => r.ValuePerDollar).OrderByDescending(v => v));
            Assert.Equal(Enumerable.Range(1, results.Count), results.Select(r => r.Rank));
            // Only cards that reach half the best throughput the budget buys are ranked.
            double best = results.Max(r => r.MetricValue.Value);
            Assert.All(results, r => Assert.True(r.MetricValue >= best * Recommender.ThroughputFloorShare));
            Assert.Equal("GeForce RTX 4070 Super", results[0].Card);
        }

        [Fact]
        public void Llm_inference_ranks_by_memory_bandwidth()
        {
            var results = Recommender.Recommend(new RecommendationRequest { Workload = Workload.LLMInference, BudgetUsd = 2000 });
            Assert.All(results, r => Assert.Equal("memory bandwidth GB/s", r.Metric));
            Assert.All(results, r => Assert.True(r.MemoryGB >= 16));
        }

        [Fact]
        public void Non_cuda_cards_only_when_asked_and_then_with_a_warning()
        {
            var without = Recommender.Recommend(new RecommendationRequest { Workload = Workload.LLMInference, BudgetUsd = 1000, Top = 20 });
            Assert.DoesNotContain(without, r => r.Card.StartsWith("AMD"));
            var with = Recommender.Recommend(new RecommendationRequest { Workload = Workload.LLMInference, BudgetUsd = 1000, Top = 20, IncludeNonCuda = true });
            GpuRecommendation amd = Assert.Single(with, r => r.Card == "AMD Radeon RX 7900 XTX");
            Assert.Contains(amd.Warnings, w => w.StartsWith("Not CUDA-capable"));
        }

        [Fact]
        public void A_model_too_large_for_one_card_needs_several_and_says_so()
        {
            var results = Recommender.Recommend(new RecommendationRequest { Workload = Workload.LLMFineTune, ModelParameters = 7e9, Training = true });
            Assert.NotEmpty(results);
            Assert.All(results, r =>
            {
                Assert.Equal(134.9, r.RequiredMemoryGB);
                Assert.True(r.GpusNeeded * r.MemoryGB >= 134.9);
                Assert.True(r.GpusNeeded > 1);
                Assert.Contains(r.Warnings, w => w.Contains($"needs {r.GpusNeeded} of these"));
                Assert.Contains("Adam", r.MemoryFormula);
            });
            Assert.False(Recommender.AnyBuyableCardHolds(134.9));
            Assert.True(Recommender.AnyBuyableCardHolds(30));
        }

        [Fact]
        public void Renting_gives_dated_prices_and_the_cost_of_the_hours()
        {
            var results = Recommender.Recommend(new RecommendationRequest { Workload = Workload.LLMFineTune, ModelParameters = 1.5e9, Training = true, IncludeCloud = true, TrainingHours = 200 });
            var rents = results.Where(r => r.Kind == "Rent").ToList();
            Assert.NotEmpty(rents);
            Assert.All(rents, r =>
            {
                Assert.NotNull(r.PriceDate);
                Assert.NotNull(r.Provider);
                Assert.True(r.MemoryGB * r.GpusNeeded >= r.RequiredMemoryGB);
                Assert.Equal(Math.Round(200 * r.UsdPerGpuHour.Value * r.GpusNeeded, 2), r.CostForHoursUsd);
            });
            GpuRecommendation buy = results.First(r => r.Kind == "Buy" && r.BuyVersusRent != null);
            Assert.Contains("buying pays off after", buy.BuyVersusRent);
            Assert.Contains("for 200 h renting costs", buy.BuyVersusRent);
        }

        [Fact]
        public void The_current_card_is_rated_and_upgrades_beat_it_by_half_again()
        {
            var results = Recommender.Recommend(new RecommendationRequest { Workload = Workload.ComputerVision, CurrentCard = "NVIDIA GeForce RTX 3060", BudgetUsd = 1000 });
            GpuRecommendation current = results[0];
            Assert.Equal("Current", current.Kind);
            Assert.Equal("GeForce RTX 3060 12GB", current.Card);
            Assert.Equal(0, current.Rank);
            Assert.True(results.Count > 1, "a $1000 budget buys cards 1.5x an RTX 3060");
            Assert.All(results.Skip(1), u =>
            {
                Assert.Equal("Upgrade", u.Kind);
                Assert.True(u.MetricValue >= Recommender.UpgradeFactor * current.MetricValue);
                Assert.StartsWith($"{u.MetricValue / current.MetricValue:0.0}x the FP16 tensor TFLOPS", u.Reason);
            });
        }

        [Fact]
        public void An_unknown_current_card_is_reported_not_guessed()
        {
            GpuRecommendation current = Recommender.Recommend(new RecommendationRequest { CurrentCard = "NVIDIA Fake GPU 9000" })[0];
            Assert.Equal("Current", current.Kind);
            Assert.Contains("Not in the card table", current.Reason);
        }

        [Fact]
        public void Warnings_experienced_people_give()
        {
            CardCatalog c = CardCatalog.BuiltIn;
            Assert.Contains(CardAdvice.Warnings(c.Resolve("GTX 970"), Workload.ComputerVision, ModelPrecision.FP16, 1), w => w.Contains("slow segment"));
            Assert.Contains(CardAdvice.Warnings(c.Resolve("GTX 1050 Ti"), Workload.ComputerVision, ModelPrecision.FP16, 1), w => w.Contains("Under 6 GB"));
            Assert.Contains(CardAdvice.Warnings(c.Resolve("GTX 1080 Ti"), Workload.Learning, ModelPrecision.FP16, 1), w => w.Contains("Too old for CUDA 13") && w.Contains("sm_61"));
            Assert.Contains(CardAdvice.Warnings(c.Resolve("Tesla K80"), Workload.Learning, ModelPrecision.FP16, 1), w => w.Contains("CUDA 12 dropped Kepler"));
            Assert.Contains(CardAdvice.Warnings(c.Resolve("Tesla T4"), Workload.LLMFineTune, ModelPrecision.BF16, 1), w => w.Contains("No BF16"));
            Assert.Contains(CardAdvice.Warnings(c.Resolve("NVIDIA H100 PCIe"), Workload.Learning, ModelPrecision.BF16, 1), w => w.Contains("server airflow"));
            Assert.Empty(CardAdvice.Warnings(c.Resolve("RTX 4090"), Workload.ComputerVision, ModelPrecision.BF16, 1));
        }

        [Theory]
        [InlineData(7e9, true, Workload.LLMFineTune)]
        [InlineData(7e9, false, Workload.LLMInference)]
        [InlineData(3e8, true, Workload.NLP)]
        public void A_model_implies_a_workload(double parameters, bool training, Workload expected)
        {
            Assert.Equal(expected, Recommender.ImpliedWorkload(parameters, training));
        }
    }
}
