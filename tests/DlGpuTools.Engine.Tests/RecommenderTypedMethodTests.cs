using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// A training method's arithmetic (full fine-tuning at the asked precision, adapters at 16 bits, QLoRA's slower
    /// dequantisation) is decided from typed facts of its estimate, never from the words of its short name.
    /// </summary>
    public class RecommenderTypedMethodTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);

        [Fact]
        public void Only_full_fine_tuning_trains_all_weights_and_only_QLoRA_is_slowed()
        {
            var methods = MemoryEstimator.Methods(7e9, ModelPrecision.BF16, true, 4096, 1);

            Assert.Equal(new[] { "Full BF16", "LoRA BF16", "QLoRA NF4" }, methods.Select(m => m.Method));
            Assert.Equal(new[] { true, false, false }, methods.Select(m => m.TrainsAllWeights));
            Assert.Equal(new[] { 1.0, 1.0, MemoryEstimator.QLoRASpeedFactor }, methods.Select(m => m.SpeedFactor));
            Assert.DoesNotContain(MemoryEstimator.Methods(7e9, ModelPrecision.BF16, false, 4096, 1), m => m.TrainsAllWeights);
        }

        [Fact]
        public void A_job_is_timed_by_the_methods_FLOPs_per_token_and_QLoRA_by_its_factor()
        {
            var lora = Jobs(TrainingMethod.LoRA);
            var qlora = Jobs(TrainingMethod.QLoRA);
            var full = Jobs(TrainingMethod.Full);

            Assert.All(lora, r => Assert.Contains(" x 6 x ", r.JobFormula, StringComparison.Ordinal));
            Assert.All(lora, r => Assert.DoesNotContain("QLoRA", r.JobFormula, StringComparison.Ordinal));
            Assert.All(qlora, r => Assert.Contains(" x 6 x ", r.JobFormula, StringComparison.Ordinal));
            Assert.All(qlora, r => Assert.Contains("; x 0.66 for QLoRA's dequantisation (Raschka 2023)", r.JobFormula,
                StringComparison.Ordinal));
            Assert.All(full, r => Assert.Contains(" x 8 x ", r.JobFormula, StringComparison.Ordinal));
            Assert.All(full, r => Assert.DoesNotContain("QLoRA", r.JobFormula, StringComparison.Ordinal));
            var pairs = (from a in lora
                         join b in qlora on (a.Card, a.GpusNeeded) equals (b.Card, b.GpusNeeded)
                         select (Lora: Must.HaveValue(a.JobHours), QLora: Must.HaveValue(b.JobHours))).ToList();
            Assert.NotEmpty(pairs);
            Assert.All(pairs, p => Assert.Equal(p.Lora / MemoryEstimator.QLoRASpeedFactor, p.QLora, p.QLora * 0.02 + 0.01));
        }

        [Fact]
        public void No_engine_code_decides_from_the_words_of_a_method_name()
        {
            var byWords = new Regex(@"\bMethod\??\.(StartsWith|EndsWith|Contains|IndexOf)\("
                + @"|\.(StartsWith|EndsWith|Contains|IndexOf)\(\s*""(Full|LoRA|QLoRA)\b", RegexOptions.CultureInvariant);
            Assert.Matches(byWords, "if (method.Method != null && method.Method.StartsWith(\"Full\", StringComparison.Ordinal))");
            Assert.Matches(byWords, "bool qlora = name.StartsWith(\"QLoRA\", StringComparison.Ordinal);");
            Assert.DoesNotMatch(byWords, "string method = q.Method == TrainingMethod.Full ? \"Full \" + precision : \"LoRA BF16\";");
            Assert.DoesNotMatch(byWords, "if (name.Contains(\"openblas\")) return BlasFamily.OpenBlas;");
            var found = SourceLines.Matching(byWords, Path.Combine("src", "DlGpuTools.Engine"));

            Assert.True(found.Count == 0, "Methods decided from their names:\n" + string.Join("\n", found));
        }

        private static GpuRecommendation[] Jobs(TrainingMethod method)
        {
            var request = new RecommendationRequest
            {
                Workload = Workload.LLMFineTune, ModelParameters = 7e9, Training = true, Method = method, TrainTokens = 2e8,
                Top = 100, Now = new DateTime(2026, 11, 26),
            };
            GpuRecommendation[] rows = Recommender.Recommend(request).Where(r => r.JobHours != null).ToArray();
            Assert.NotEmpty(rows);
            return rows;
        }
    }
}
