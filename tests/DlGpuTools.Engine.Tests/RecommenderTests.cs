using System;
using System.IO;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class RecommenderTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);

        // Prices in the built-in table are from 2026; pin "today" so the staleness warnings do not move with the clock.
        private static readonly DateTime Today = new DateTime(2026, 11, 26);

        private static RecommendationRequest Ask(Workload workload) => new RecommendationRequest { Workload = workload, Now = Today };

        [Fact]
        public void Full_fine_tuning_needs_16_bytes_a_parameter_plus_activations_and_context()
        {
            MemoryEstimate e = MemoryEstimator.Full(7e9, ModelPrecision.BF16, 4096, 1);
            Assert.Equal(14.0, e.WeightsGB);
            Assert.Equal(98.0, e.TrainingStateGB); // 2 gradients + 8 Adam + 4 master = 14 B a parameter
            // Llama 3.1 8B shape: 32 x 4096 x 4096 x 2 B + 4096 x 4096 x 34 B + 2 x 4096 x 128256 x 4 B
            Assert.Equal((32.0 * 4096 * 4096 * 2 + 4096.0 * 4096 * 34 + 2.0 * 4096 * 128256 * 4) / 1e9, e.ActivationsGB, 1);
            Assert.Equal(112 + e.ActivationsGB + 0.5, e.TotalGB, 1);
            Assert.Contains("2 weights + 2 gradients + 8 Adam moments + 4 FP32 master weights = 16 B/param", e.Formula);
            // no master copy
            Assert.Equal(4 + 4 + 8, MemoryEstimator.Full(1e9, ModelPrecision.FP32, 512, 1).TrainingStateGB
                + MemoryEstimator.Full(1e9, ModelPrecision.FP32, 512, 1).WeightsGB, 1);
        }

        [Fact]
        public void Lora_and_qlora_need_a_fraction_of_full_fine_tuning()
        {
            MemoryEstimate lora = MemoryEstimator.LoRA(7e9, 4096, 1);
            MemoryEstimate qlora = MemoryEstimator.QLoRA(7e9, 4096, 1);
            Assert.Equal(14.0, lora.WeightsGB);
            Assert.Equal(3.6, qlora.WeightsGB); // 0.516 B a parameter (NF4 with double quantization)
            Assert.InRange(lora.TotalGB, 16, 24);  // LLaMA-Factory's estimate for 7B LoRA: 16 GB at short context
            Assert.InRange(qlora.TotalGB, 6, 12);  // and for QLoRA 4-bit: 6 GB
            Assert.InRange(MemoryEstimator.QLoRA(70e9, 2048, 1).TotalGB, 44, 56); // 70B QLoRA: 48 GB
        }

        [Fact]
        public void Inference_holds_weights_kv_cache_and_workspace_split_over_cards()
        {
            MemoryEstimate int4 = MemoryEstimator.Inference(70e9, ModelPrecision.INT4, 4096, 1);
            Assert.Equal(39.4, int4.WeightsGB); // 4.5 bits a weight
            Assert.Equal(2.0 * 80 * 8 * 128 * 2 * 4096 / 1e9, int4.KvCacheGB, 1); // Llama 3.1 70B: 80 layers, 8 KV heads of 128
            Assert.Equal(10 * int4.KvCacheGB, MemoryEstimator.Inference(70e9, ModelPrecision.INT4, 4096, 10).KvCacheGB, 0);
            Assert.True(int4.PerCardGB(2) <= 24, "70B at 4 bits fits two 24 GB cards");
            Assert.True(int4.PerCardGB(1) > 24);
            Assert.Equal(int4.TotalGB, int4.PerCardGB(1), 1);
            Assert.Equal(new[] { "BF16", "FP8", "INT8", "INT4" },
                MemoryEstimator.Methods(7e9, ModelPrecision.BF16, false, 4096, 1).Select(m => m.Method));
            Assert.Equal(new[] { "Full BF16", "LoRA BF16", "QLoRA NF4" },
                MemoryEstimator.Methods(7e9, ModelPrecision.BF16, true, 4096, 1).Select(m => m.Method));
            Assert.Throws<RecommendationInputException>(() => MemoryEstimator.Methods(7e9, ModelPrecision.FP8, true, 4096, 1));
            Assert.Throws<RecommendationInputException>(() => MemoryEstimator.Inference(-1, ModelPrecision.FP16, 4096, 1));
        }

        [Fact]
        public void A_budget_ranks_cards_at_street_or_used_prices_with_their_dates_by_speed_per_dollar()
        {
            RecommendationRequest request = Ask(Workload.ComputerVision);
            request.BudgetUsd = 800;
            request.Goal = RecommendationGoal.Value;
            request.Top = 5;
            var results = Recommender.Recommend(request);
            Assert.NotEmpty(results);
            Assert.All(results, r =>
            {
                Assert.Equal("Buy", r.Kind);
                Assert.True(r.PriceUsd <= 800);
                Assert.True(r.MemoryGB >= 12, "the 2026 floor for vision is 12 GB; 8 GB cards only fill a short list");
                Assert.Contains(r.PriceKind, new[] { "new", "used", "MSRP" });
                Assert.False(string.IsNullOrEmpty(r.PriceDate));
                Assert.DoesNotContain("AMD", r.Card);
                Assert.Equal(Math.Round(Must.HaveValue(r.Speed) / Must.HaveValue(r.PriceUsd) * 1000, 2), r.SpeedPer1000Usd);
            });
            // Speed per dollar decides, except that within 20% the card with more memory goes first.
            for (int i = 0; i + 1 < results.Count; i++)
                Assert.True(results[i + 1].SpeedPer1000Usd <= results[i].SpeedPer1000Usd / Recommender.MemoryTieShare + 0.01
                    || results[i + 1].MemoryGB < results[i].MemoryGB);
            Assert.Equal(Enumerable.Range(1, results.Count), results.Select(r => r.Rank));
            double best = results.Max(r => Must.HaveValue(r.SpeedPerCard));
            Assert.All(results, r => Assert.True(r.SpeedPerCard >= best * Recommender.ThroughputFloorShare));
            Assert.DoesNotContain(results, r => r.Card == "GeForce RTX 3080 10GB"); // 10 GB: under the floor, and enough cards reach it
        }

        [Fact]
        public void Used_24_gb_cards_compete_for_nlp_at_1500()
        {
            RecommendationRequest request = Ask(Workload.NLP);
            request.BudgetUsd = 1500;
            request.Top = 20;
            var results = Recommender.Recommend(request);
            // Transformer work needs 24 GB (Dettmers 2023): a 24 GB card leads, and no card under it is offered.
            Assert.True(results[0].MemoryGB >= 24);
            Assert.All(results, r => Assert.True(r.MemoryGB >= 24));
            GpuRecommendation rtx3090 = Assert.Single(results, r => r.Card == "GeForce RTX 3090");
            Assert.Equal("used", rtx3090.PriceKind);
            Assert.Equal(1.0, rtx3090.Speed);
        }

        [Fact]
        public void Old_prices_and_cards_current_cuda_dropped_are_flagged_or_left_out()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.Top = 50;
            var results = Recommender.Recommend(request);
            // seen 2026-02, 9 months before Today
            GpuRecommendation a6000 = results.Single(r => r.Card == "NVIDIA RTX A6000" && r.GpusNeeded == 1);
            Assert.Contains("STALE", a6000.Flags);
            Assert.DoesNotContain(results, r => (r.Card ?? string.Empty).Contains("V100") || (r.Card ?? string.Empty).Contains("P100")
                || (r.Card ?? string.Empty).Contains("1080"));
            GpuRecommendation rtx3090 = results.Single(r => r.Card == "GeForce RTX 3090" && r.GpusNeeded == 1); // seen 2026-09
            Assert.DoesNotContain("STALE", rtx3090.Flags);
        }

        [Fact]
        public void The_throughput_floor_compares_single_cards_and_multi_card_sets_rank_on_their_own()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.ModelParameters = 7e9;
            request.BudgetUsd = 3000;
            request.Top = 20;
            var results = Recommender.Recommend(request);
            // One RTX 3090 holds a 7B model in BF16 alone: a pair of faster cards must not push it under the floor.
            GpuRecommendation rtx3090 = Assert.Single(results, r => r.Card == "GeForce RTX 3090");
            Assert.Equal(1, rtx3090.GpusNeeded);
            Assert.Equal("BF16", rtx3090.Method);
            // Of two ways at the same fidelity, one card that holds the model ranks before a set.
            foreach (GpuRecommendation set in results.Where(r => r.GpusNeeded > 1))
                Assert.DoesNotContain(results, r => r.GpusNeeded == 1 && r.Method == set.Method && r.Rank > set.Rank);
        }

        [Fact]
        public void A_70b_model_for_inference_is_4_bit_on_two_24_gb_cards_or_fp8_on_one_h100_in_counts_that_split_heads()
        {
            RecommendationRequest request = Ask(Workload.LLMInference);
            request.ModelParameters = 70e9;
            request.IncludeCloud = true;
            request.Top = 50;
            var results = Recommender.Recommend(request);
            Assert.All(results, r => Assert.Contains(r.GpusNeeded, MultiGpu.Counts));
            GpuRecommendation pair = results.Single(r => r.Kind == "Buy" && r.Card == "GeForce RTX 3090");
            Assert.Equal(2, pair.GpusNeeded);
            Assert.Equal("INT4", pair.Method);
            Assert.Equal("NVLink pair", pair.Interconnect);
            Assert.Equal("llama.cpp", pair.Engine);
            Assert.NotNull(pair.TokensPerSecond);
            // a layer split adds memory, not speed
            Assert.Equal(Math.Round(Must.HaveValue(pair.SpeedPerCard) * ScalingModel.LayerSplitFactor, 2), Must.HaveValue(pair.Speed), 1);
            Assert.Contains(pair.Warnings, w => w.Contains("tensor parallelism") && !w.Contains("FSDP"));
            Assert.Contains(pair.Warnings, w => w.Contains("2 x 350 W"));
            GpuRecommendation h100 = results.First(r => r.Kind == "Rent" && r.Card == "NVIDIA H100 SXM5 80GB");
            Assert.Equal(1, h100.GpusNeeded);
            Assert.Equal("FP8", h100.Method);
            GpuRecommendation rtx4090s = results.Single(r => r.Kind == "Buy" && r.Card == "GeForce RTX 4090");
            Assert.Equal("PCIe (no P2P)", rtx4090s.Interconnect);
            Assert.Contains("NO-P2P", rtx4090s.Flags);
            Assert.DoesNotContain(results, r => r.Method == "FP8" && !(r.Card ?? string.Empty).Contains("H100")
                && !(r.Card ?? string.Empty).Contains("H200") && !(r.Card ?? string.Empty).Contains("GH200")
                && !(r.Card ?? string.Empty).Contains("L40S") && !(r.Card ?? string.Empty).Contains("L4")
                && !(r.Card ?? string.Empty).Contains("RTX PRO") && !(r.Card ?? string.Empty).Contains("B300")
                && !(r.Card ?? string.Empty).Contains("GB10") && !(r.Card ?? string.Empty).Contains("6000 Ada")
                && !(r.Card ?? string.Empty).Contains("RTX 40") && !(r.Card ?? string.Empty).Contains("RTX 50")
                && !(r.Card ?? string.Empty).Contains("B200"));
        }

        [Fact]
        public void Bf16_training_is_not_offered_on_cards_without_bf16_and_an_h200_rents_the_whole_job()
        {
            RecommendationRequest request = Ask(Workload.LLMFineTune);
            request.ModelParameters = 7e9;
            request.Training = true;
            request.IncludeCloud = true;
            request.Top = 50;
            var results = Recommender.Recommend(request);
            Assert.DoesNotContain(results,
                r => r.Card == "NVIDIA Titan RTX" || r.Card == "NVIDIA T4" || (r.Card ?? string.Empty).Contains("V100"));
            // With a model the need is the method's estimate, not a 24 GB floor: smaller cards may come first with QLoRA; a 24 GB card
            // holds LoRA.
            Assert.Equal("LoRA BF16", results.First(r => r.Kind == "Buy" && r.Card == "GeForce RTX 3090").Method);
            GpuRecommendation h200 = results.First(r => r.Kind == "Rent" && r.Card == "NVIDIA H200 SXM 141GB");
            Assert.Equal(1, h200.GpusNeeded);
            Assert.Equal("Full BF16", h200.Method);
        }

        [Fact]
        public void The_fine_tune_workload_means_training_even_without_the_switch()
        {
            RecommendationRequest request = Ask(Workload.LLMFineTune);
            request.ModelParameters = 13e9;
            request.BudgetUsd = 2000;
            var results = Recommender.Recommend(request);
            Assert.NotEmpty(results);
            Assert.All(results, r => Assert.Contains(r.Method, new[] { "Full BF16", "LoRA BF16", "QLoRA NF4" }));
            Assert.Contains(results, r => r.GpusNeeded == 1 && r.Method == "QLoRA NF4" && r.MemoryGB >= 24);
        }

        [Fact]
        public void Renting_gives_provider_dated_prices_the_cost_of_the_hours_and_buy_versus_rent_with_electricity()
        {
            RecommendationRequest request = Ask(Workload.LLMFineTune);
            request.ModelParameters = 1.5e9;
            request.Training = true;
            request.IncludeCloud = true;
            request.TrainingHours = 200;
            request.ElectricityUsdPerKwh = 0.30;
            request.Top = 50; // without the 24 GB floor, cheaper cards that hold 1.5B by LoRA also rank
            var results = Recommender.Recommend(request);
            var rents = results.Where(r => r.Kind == "Rent").ToList();
            Assert.NotEmpty(rents);
            Assert.All(rents, r =>
            {
                Assert.NotNull(r.PriceDate);
                Assert.NotNull(r.Provider);
                Assert.True(r.MemoryGB * r.GpusNeeded >= r.RequiredMemoryGB);
                // -TrainingHours are hours of one RTX 3090: each option takes them over its own Speed.
                Assert.Equal(Math.Round(200 / Must.HaveValue(r.Speed), 1), r.JobHours);
                Assert.Equal(Math.Round(Must.HaveValue(r.JobHours) * Must.HaveValue(r.UsdPerHour), 2), r.CostForHoursUsd);
                Assert.Null(r.SpeedPer1000Usd);
            });
            GpuRecommendation buy = results.First(r => r.Kind == "Buy" && r.Card == "GeForce RTX 4090");
            double kw = (450 + Recommender.HostPowerW) / 1000.0;
            Assert.Equal(Math.Round(Must.HaveValue(buy.PriceUsd) + Must.HaveValue(buy.JobHours) * kw * 0.30, 2), buy.CostForHoursUsd);
            Assert.Contains("at $0.30/kWh", buy.BuyVersusRent);
            Assert.Contains("pays off after", buy.BuyVersusRent);
            Assert.Contains("For this job's", buy.BuyVersusRent);
        }

        [Fact]
        public void The_free_and_cheap_tiers_and_the_large_cards_are_rentable()
        {
            // A learner sees the free tiers first, before any card to buy, and only cheap rentals.
            var learner = Recommender.Recommend(Ask(Workload.Learning));
            Assert.Equal("Rent", learner[0].Kind);
            Assert.Equal(0, learner[0].UsdPerHour);
            Assert.Contains(learner.TakeWhile(r => r.Kind == "Rent"), r => r.Provider == "Kaggle" && r.UsdPerHour == 0);
            Assert.All(learner.Where(r => r.Kind == "Rent"), r => Assert.True(r.UsdPerGpuHour <= Recommender.CheapRentUsdPerHour));
            Assert.Contains(learner, r => r.Kind == "Buy");

            RecommendationRequest request = Ask(Workload.NLP);
            request.IncludeCloud = true;
            request.Top = 100;
            var rents = Recommender.Recommend(request).Where(r => r.Kind == "Rent").ToList();
            foreach (string card in new[] { "NVIDIA H200 SXM 141GB", "NVIDIA B200 (HGX)", "NVIDIA H100 SXM5 80GB", "NVIDIA A100 80GB SXM4",
                "NVIDIA L40S", "NVIDIA L4" })
                Assert.Contains(rents, r => r.Card == card);
        }

        [Fact]
        public void The_current_card_is_rated_and_upgrades_beat_it_by_half_again()
        {
            RecommendationRequest request = Ask(Workload.ComputerVision);
            request.CurrentCard = "NVIDIA GeForce RTX 3060";
            request.CurrentCardMemoryGiB = 11.8;
            request.BudgetUsd = 1000;
            var results = Recommender.Recommend(request);
            GpuRecommendation current = results[0];
            Assert.Equal("Current", current.Kind);
            Assert.Equal("GeForce RTX 3060 12GB", current.Card);
            Assert.Equal(0, current.Rank);
            Assert.True(results.Count > 1, "a $1000 budget buys cards 1.5x an RTX 3060");
            Assert.All(results.Skip(1), u =>
            {
                Assert.Equal("Upgrade", u.Kind);
                Assert.True(u.Speed >= Recommender.UpgradeFactor * current.Speed);
                Assert.StartsWith($"{u.Speed / current.Speed:0.0}x the expected speed", u.Reason);
            });
        }

        [Theory]
        [InlineData("NVIDIA Fake GPU 9000", false)]
        [InlineData("nonsense", false)]
        [InlineData("RTX*", true)]
        [InlineData("A100", true)]
        public void A_current_card_that_is_not_one_card_is_an_error_not_a_guess(string name, bool ambiguous)
        {
            RecommendationRequest request = Ask(Workload.Learning);
            request.CurrentCard = name;
            var e = Assert.Throws<CardLookupException>(() => Recommender.Recommend(request));
            Assert.Equal(ambiguous, e.IsAmbiguous);
            Assert.True(ambiguous ? e.Lookup.Matches.Count > 1 : e.Lookup.Closest.Count > 0);
        }

        [Fact]
        public void Warnings_experienced_people_give()
        {
            CardCatalog c = CardCatalog.BuiltIn;
            RecommendationRequest cv = Ask(Workload.ComputerVision);
            Assert.Contains(CardAdvice.Warnings(c.Card("GTX 970"), cv, null, 1), w => w.Contains("slow segment"));
            Assert.Contains(CardAdvice.Warnings(c.Card("GTX 1050 Ti"), cv, null, 1), w => w.Contains("Under 6 GB"));
            Assert.Contains(CardAdvice.Warnings(c.Card("GTX 1080 Ti"), cv, null, 1),
                w => w.Contains("Too old for CUDA 13") && w.Contains("sm_61"));
            Assert.Contains(CardAdvice.Warnings(c.Card("Tesla K80"), cv, null, 1), w => w.Contains("CUDA 12 dropped Kepler"));
            Assert.Contains(CardAdvice.Warnings(c.Card("Tesla T4"), Ask(Workload.LLMFineTune), null, 1), w => w.Contains("No BF16"));
            Assert.Contains(CardAdvice.Warnings(c.Card("NVIDIA H100 PCIe"), cv, null, 1), w => w.Contains("server airflow"));
            Assert.Contains(CardAdvice.Warnings(c.Card("H100 SXM"), cv, null, 1), w => w.Contains("HGX server board"));
            Assert.Contains(CardAdvice.Warnings(c.Card("RTX 5090"), cv, null, 4),
                w => w.Contains("2,300 W of cards") && w.Contains("circuit"));
            Assert.Contains(CardAdvice.Warnings(c.Card("RTX 4090"), cv, null, 2), w => w.Contains("without peer-to-peer"));
            Assert.Empty(CardAdvice.Warnings(c.Card("RTX 4090"), cv, null, 1));
        }

        [Fact]
        public void A_user_price_table_replaces_the_built_in_price_and_bad_rows_are_listed()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path,
                    new[] { string.Join(",", PriceTable.Columns.Take(7)), "rtx 3090,used,650,2026-11-20,local classifieds,my notes," });
                PriceTable prices = PriceTable.Load(path, CardCatalog.BuiltIn);
                CardPrice best = Must.Exist(prices.BestFor(CardCatalog.BuiltIn.Card("RTX 3090")));
                Assert.Equal(650, best.PriceUsd);
                Assert.Equal("GeForce RTX 3090", best.Card);
                // The user's rows for a card and condition replace every built-in observation of that card and condition.
                int replaced = PriceTable.BuiltIn.Prices.Count(p => p.Card == "GeForce RTX 3090" && p.Condition == "used");
                Assert.Equal(PriceTable.BuiltIn.Prices.Count - replaced + 1, prices.Prices.Count);

                File.WriteAllLines(path, new[]
                {
                    string.Join(",", PriceTable.Columns.Take(7)),
                    "RTX 3090,used,NaN,2026-11,x,y,",
                    "RTX 3090,refurbished,700,2026-11,x,y,",
                    "RTX 3090,new,700,last week,x,y,",
                    "No Such Card,new,700,2026-11,x,y,",
                    "RTX 4090,new,1800,2026-11,x,,",
                    "RTX 4090,new,1900,2026-11,x,y,",
                    "RTX 4090,new,1900,2026-11,x,y,",
                });
                var e = Assert.Throws<CardTableException>(() => PriceTable.Load(path, CardCatalog.BuiltIn));
                Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("not a finite number"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("not new or used"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 4", StringComparison.Ordinal) && p.Contains("yyyy-MM"));
                Assert.Contains(e.Problems,
                    p => p.StartsWith("line 5", StringComparison.Ordinal) && p.Contains("not a card of the card table"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 6", StringComparison.Ordinal) && p.Contains("no source"));
                Assert.DoesNotContain(e.Problems, p => p.StartsWith("line 7", StringComparison.Ordinal));
                Assert.Contains(e.Problems,
                    p => p.StartsWith("line 8", StringComparison.Ordinal) && p.Contains("the same observation as line 7"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Every_built_in_price_names_a_card_a_month_and_a_source_and_every_current_card_has_one()
        {
            foreach (CardPrice p in PriceTable.BuiltIn.Prices)
            {
                Assert.NotNull(p.Card);
                Assert.NotNull(CardCatalog.BuiltIn.Resolve(p.Card));
                Assert.NotNull(PriceTable.AgeInMonths(p.PriceDate, Today));
                Assert.False(string.IsNullOrWhiteSpace(p.Source), p.Card);
            }

            foreach (string card in new[] { "GeForce RTX 3090", "GeForce RTX 4090", "GeForce RTX 5090", "GeForce RTX 5080",
                "GeForce RTX 5070 Ti", "GeForce RTX 5070", "GeForce RTX 5060 Ti 16GB", "GeForce RTX 5060",
                    "NVIDIA RTX PRO 6000 Blackwell" })
                Assert.NotNull(PriceTable.BuiltIn.BestFor(CardCatalog.BuiltIn.Card(card)));

            // SXM modules are bought as 8-GPU servers: a loose module's price is kept as evidence but never chosen as a buy price.
            foreach (string card in new[] { "NVIDIA H100 SXM5 80GB", "NVIDIA H200 SXM 141GB" })
            {
                GpuSpec sxm = CardCatalog.BuiltIn.Card(card);
                Assert.Equal(8, sxm.NodeGpus);
                Assert.NotEmpty(PriceTable.BuiltIn.For(sxm));
                Assert.True(PriceTable.BuiltIn.Evidence(sxm, Today) is not PriceEvidence e || e.Gpus == 8);
            }
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
