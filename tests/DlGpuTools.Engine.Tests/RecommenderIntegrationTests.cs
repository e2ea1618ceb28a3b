using System;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>What joins the evidence, the model presets and the advice: one scaling model, bands, image generation.</summary>
    public class RecommenderIntegrationTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);

        private static readonly DateTime Today = new DateTime(2026, 11, 26);

        private static RecommendationRequest Ask(Workload workload) => new RecommendationRequest { Workload = workload, Now = Today };

        private static GpuSpec Card(string name) => Must.Exist(CardCatalog.BuiltIn.Resolve(name));

        [Theory]
        [InlineData("GeForce RTX 3090", 2, nameof(ParallelUse.DataParallel), Workload.NLP)]
        [InlineData("GeForce RTX 4090", 4, nameof(ParallelUse.DataParallel), Workload.LLMFineTune)]
        [InlineData("GeForce RTX 3090", 4, nameof(ParallelUse.TensorParallel), Workload.LLMInference)]
        [InlineData("NVIDIA H100 SXM5 80GB", 8, nameof(ParallelUse.TensorParallel), Workload.LLMInference)]
        [InlineData("NVIDIA RTX A6000", 2, nameof(ParallelUse.LayerSplit), Workload.LLMInference)]
        [InlineData("NVIDIA RTX A6000", 8, nameof(ParallelUse.DataParallel), Workload.ComputerVision)]
        public void The_advice_scales_sets_by_the_same_model_the_check_holds_to_published_data(
            string name, int gpus, string parallelUse, Workload workload)
        {
            // By name: the enum is internal to the engine, and a public test method cannot take it.
            ParallelUse use = Enum.Parse<ParallelUse>(parallelUse);
            GpuSpec card = Card(name);
            MultiGpuScaling scaling = MultiGpu.Scaling(card, gpus, use, workload);
            Assert.Equal(ScalingModel.Speedup(card, gpus, use, workload), scaling.Factor, 6);
            Assert.Equal(ScalingModel.Basis(card, gpus, use, workload), scaling.Basis);
        }

        [Fact]
        public void NVLink_bridges_help_a_pair_only_and_GeForce_40_has_no_peer_to_peer()
        {
            GpuSpec a6000 = Card("NVIDIA RTX A6000");
            GpuSpec rtx4090 = Card("GeForce RTX 4090");
            double pair = ScalingModel.AddedCardShare(a6000, 2, ParallelUse.DataParallel);
            Assert.True(pair >= ScalingModel.AddedCardShare(a6000, 4, ParallelUse.DataParallel));
            Assert.Equal(ScalingModel.DataParallelNoPeerShare, ScalingModel.AddedCardShare(rtx4090, 2, ParallelUse.DataParallel));
            Assert.Equal("NVLink pairs + PCIe", MultiGpu.LinkName(a6000, 4));
        }

        [Fact]
        public void Experts_offloaded_to_host_memory_cost_their_host_read_in_every_token()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.Model = "gpt-oss-120b";
            request.Offload = OffloadKind.Experts;
            request.BudgetUsd = 2500;
            var offloaded = Recommender.Recommend(request).Where(r => r.TokensPerSecond != null).ToList();

            Assert.NotEmpty(offloaded);
            request.Offload = OffloadKind.None;
            var onCards = Recommender.Recommend(request).Where(r => r.TokensPerSecond != null)
                .ToDictionary(r => r.Card + "x" + r.GpusNeeded);
            foreach (GpuRecommendation r in offloaded)
            {
                // The routed experts read from host memory bound the speed whatever the card: the card's share only adds time.
                var match = System.Text.RegularExpressions.Regex.Match(r.TokensFormula!,
                    @"plus ([0-9.]+) GB of routed experts read by the CPU");
                Assert.True(match.Success, r.TokensFormula);
                double hostGB = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(r.TokensPerSecond <= Recommender.HostExpertReadGBps / (hostGB - 0.05),
                    $"{r.Card}: {r.TokensPerSecond} tokens/s, {hostGB} GB");
                if (onCards.TryGetValue(r.Card + "x" + r.GpusNeeded, out GpuRecommendation? whole))
                    Assert.True(r.TokensPerSecond < whole.TokensPerSecond);
            }
        }

        [Fact]
        public void Every_row_states_the_band_of_its_speed_and_of_its_tokens_a_second()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.BudgetUsd = 5000;
            var results = Recommender.Recommend(request);
            Assert.NotEmpty(results);
            Assert.All(results, r => Assert.Matches("^\u00b1[0-9]+%$", r.SpeedBand));
            Assert.All(results.Where(r => r.TokensPerSecond != null), r => Assert.Matches("^\u00b1[0-9]+%$", r.TokensBand));
            // A set's band adds the scaling model's error to one card's.
            GpuRecommendation set = results.First(r => r.GpusNeeded > 1);
            Assert.Equal(ScalingModel.BandText(PerformanceModel.RelativeBand, set.GpusNeeded), set.SpeedBand);
        }

        [Fact]
        public void A_one_card_decode_formula_states_its_figure_once_and_a_set_states_the_scaled_one()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.Model = "gpt-oss-120b";
            request.BudgetUsd = 10000;
            request.Top = 20;
            var rows = Recommender.Recommend(request).Where(r => r.TokensFormula != null).ToList();

            GpuRecommendation one = rows.First(r => r.GpusNeeded == 1);
            int said = System.Text.RegularExpressions.Regex.Count(one.TokensFormula!, "tokens/s");
            Assert.True(said == 1, one.TokensFormula);
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:0.#} tokens/s", one.TokensPerSecond),
                one.TokensFormula, StringComparison.Ordinal);
            GpuRecommendation? set = rows.FirstOrDefault(r => r.GpusNeeded > 1);
            if (set != null)
            {
                Assert.EndsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, "= {0:0.#} tokens/s {1} with llama.cpp",
                    set.TokensPerSecond, set.TokensBand), set.TokensFormula, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void Home_builds_state_tokens_a_second_for_70B_even_where_they_hold_more()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.BudgetUsd = 5000;
            request.Top = 10;
            var results = Recommender.Recommend(request);
            GpuRecommendation four = results.First(r => r.GpusNeeded == 4);
            Assert.Equal("123B Q4", four.Fits);
            Assert.Equal("70B Q4", four.TokensModel);
            // A layer split adds memory, not speed: four cards decode 70B no faster than two.
            GpuRecommendation two = results.First(r => r.GpusNeeded == 2 && r.Card == four.Card);
            Assert.Equal(Must.HaveValue(two.TokensPerSecond), Must.HaveValue(four.TokensPerSecond), 0);
            Assert.Contains(four.TokensBand!, four.TokensFormula, StringComparison.Ordinal);
        }

        [Fact]
        public void Training_on_a_rented_node_offers_full_fine_tuning_over_its_eight_GPUs_with_hours_and_cost()
        {
            RecommendationRequest request = Ask(Workload.LLMFineTune);
            request.ModelParameters = 70e9;
            request.Training = true;
            request.IncludeCloud = true;
            request.TrainTokens = 1e8;
            request.Top = 30;
            var rents = Recommender.Recommend(request).Where(r => r.Kind == "Rent").ToList();
            GpuRecommendation node = rents.First(r => r.Method == "Full BF16");
            Assert.Equal(8, node.GpusNeeded);
            Assert.True(Must.HaveValue(node.JobHours) > 0);
            Assert.True(Must.HaveValue(node.CostForHoursUsd) > 0);
            Assert.Contains(rents, r => r.Method != "Full BF16" && r.Card == node.Card); // the fewest cards stay offered too
        }

        [Fact]
        public void Image_generation_is_its_own_workload_with_diffusion_memory_and_a_12_GB_floor()
        {
            ModelShape sdxl = Must.Exist(ModelPresets.Find("SDXL"));
            Assert.Equal(Workload.ImageGeneration, Recommender.ImpliedWorkload(sdxl, training: false));
            RecommendationRequest request = Ask(Workload.ImageGeneration);
            request.BudgetUsd = 1500;
            var results = Recommender.Recommend(request);
            Assert.NotEmpty(results);
            Assert.All(results.Where(r => r.Kind == "Buy"), r => Assert.True(r.MemoryGB >= 12, r.Card));
            // A 24 GB card holds FLUX.1 at 8 bits; a 16 GB card at 4 bits (ImageGenerationMemory).
            Assert.Equal("FLUX FP8", Must.Exist(ModelFit.ImageGeneration(Recommender.CapacityGB(Card("GeForce RTX 3090")), false)).Label);
            Assert.Equal("FLUX NF4", Must.Exist(ModelFit.ImageGeneration(Recommender.CapacityGB(Card("GeForce RTX 4080")), false)).Label);
            Assert.Contains(results, r => r.Fits != null && r.Fits.StartsWith("FLUX", StringComparison.Ordinal));
        }

        [Fact]
        public void Generating_images_ranks_speed_once_FLUX_fits_at_8_bits()
        {
            Assert.Equal("FLUX FP8", Must.Exist(ModelFit.ImageGeneration(Recommender.CapacityGB(Card("GeForce RTX 3090")), false)).Label);
            Assert.Equal(ModelFit.ImageGenerationDeployRank,
                Must.Exist(ModelFit.ImageGeneration(Recommender.CapacityGB(Card("GeForce RTX 3090")), false)).Rank);
            RecommendationRequest request = Ask(Workload.ImageGeneration);
            request.BudgetUsd = 3000;
            request.Top = 10;
            var buys = Recommender.Recommend(request).Where(r => r.Kind == "Buy").ToList();
            int rtx4090 = buys.FindIndex(r => r.Card == "GeForce RTX 4090");
            int a6000 = buys.FindIndex(r => r.Card == "NVIDIA RTX A6000");
            Assert.True(rtx4090 >= 0, "RTX 4090 offered");
            Assert.True(a6000 < 0 || rtx4090 < a6000, string.Join(", ", buys.Select(r => r.ShortCard)));
            // 16 GB cards (FLUX at 4 bits) still follow the 24 GB cards that hold it at 8 bits.
            int firstNf4 = buys.FindIndex(r => r.Fits == "FLUX NF4");
            int lastFp8 = buys.FindLastIndex(r => r.Fits == "FLUX FP8");
            Assert.True(firstNf4 < 0 || lastFp8 < firstNf4, string.Join(", ", buys.Select(r => r.ShortCard + " " + r.Fits)));
        }

        [Fact]
        public void Serving_a_model_at_home_shows_a_pair_that_holds_a_more_faithful_precision_beside_one_card()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.ModelShape = Must.Exist(ModelPresets.Find("Qwen3-32B"));
            request.BudgetUsd = 4000;
            request.Top = 20;
            var buys = Recommender.Recommend(request).Where(r => r.Kind == "Buy").ToList();
            GpuRecommendation single = buys.First(r => r.Card == "GeForce RTX 3090" && r.GpusNeeded == 1);
            GpuRecommendation pair = buys.First(r => r.Card == "GeForce RTX 3090" && r.GpusNeeded == 2);
            Assert.Equal("INT4", single.Method);
            Assert.Equal("INT8", pair.Method);
            // llama.cpp (the default engine) splits layers: the pair reads twice the bytes a token at one card's speed.
            Assert.True(Must.HaveValue(pair.TokensPerSecond) < Must.HaveValue(single.TokensPerSecond), "layer split gives no speed-up");
            foreach (var same in buys.GroupBy(r => r.Method))
            {
                var rows = same.ToList();
                int firstSet = rows.FindIndex(r => r.GpusNeeded > 1);
                int lastSingle = rows.FindLastIndex(r => r.GpusNeeded == 1);
                Assert.True(firstSet < 0 || lastSingle < firstSet, string.Join(", ", rows.Select(r => r.GpusNeeded + "x " + r.ShortCard)));
            }
        }

        [Fact]
        public void A_named_diffusion_model_is_sized_by_its_pipeline_in_pixels()
        {
            RecommendationRequest request = Ask(Workload.ImageGeneration);
            request.ModelShape = Must.Exist(ModelPresets.Find("FLUX.1-dev"));
            request.Training = true;
            request.BudgetUsd = 3000;
            var results = Recommender.Recommend(request);
            Assert.NotEmpty(results);
            Assert.Contains("1024 px images", results[0].MemorySummary, StringComparison.Ordinal);
            Assert.All(results, r => Assert.Contains(r.Method, new[] { "Full BF16", "LoRA BF16", "QLoRA NF4" }));
        }

        [Fact]
        public void More_memory_never_lifts_a_set_of_cards_over_one_card_that_holds_the_model()
        {
            RecommendationRequest request = Ask(Workload.LLMFineTune);
            request.ModelParameters = 13e9;
            request.BudgetUsd = 2000;
            request.Top = 30;
            var results = Recommender.Recommend(request).Where(r => r.Kind == "Buy").ToList();
            Assert.Contains(results, r => r.GpusNeeded == 1);
            foreach (var same in results.GroupBy(r => r.Method))
            {
                var rows = same.ToList();
                int firstSet = rows.FindIndex(r => r.GpusNeeded > 1);
                int lastSingle = rows.FindLastIndex(r => r.GpusNeeded == 1);
                Assert.True(firstSet < 0 || lastSingle < firstSet, string.Join(", ", rows.Select(r => r.GpusNeeded + "x " + r.ShortCard)));
            }
        }
    }
}
