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
    /// The ranking reads typed facts of an option (sold only as a system, passively cooled, a derived price) and of its card
    /// (its segment), not the words of the Flags column or the card table's text, which stay for display.
    /// </summary>
    public class RecommenderTypedFlagsTests
    {
        private static readonly Recommender Recommender = new Recommender(CardCatalog.BuiltIn, PriceTable.BuiltIn, CardCatalog.CloudOffers);

        [Fact]
        public void Each_ranking_fact_is_typed_and_shown_by_its_flag()
        {
            var request = new RecommendationRequest
            {
                Workload = Workload.LLMInference, ModelParameters = 70e9, Top = 100, Now = new DateTime(2026, 11, 26),
            };
            var rows = Recommender.Recommend(request).Concat(Recommender.Recommend(new RecommendationRequest
            {
                Workload = Workload.ComputerVision, Top = 100, Now = new DateTime(2026, 11, 26),
            })).ToList();

            Assert.Contains(rows, r => r.SoldAsSystem);
            Assert.Contains(rows, r => r.PassivelyCooled);
            Assert.All(rows, r =>
            {
                Assert.Equal(r.Flags.Contains("SXM-ONLY"), r.SoldAsSystem);
                Assert.Equal(r.Flags.Contains("PASSIVE"), r.PassivelyCooled);
                Assert.Equal(r.Flags.Contains("DERIVED"), r.PriceDerived);
            });
        }

        [Fact]
        public void Prefill_doubles_the_datasheet_FP16_rate_only_on_NVIDIA_consumer_cards()
        {
            Assert.Equal("FP16 (FP16 accumulate)", FittedPrefill.TensorInput(CardCatalog.BuiltIn.Card("RTX 4090")).Label);
            Assert.Equal("FP16", FittedPrefill.TensorInput(CardCatalog.BuiltIn.Card("RTX 6000 Ada")).Label);
        }

        [Fact]
        public void No_recommendation_code_decides_from_flag_words_or_segment_text()
        {
            var byWords = new Regex(@"\bFlags\.Contains\(|\bSegment\s*(==|!=|,)\s*""", RegexOptions.CultureInvariant);
            Assert.Matches(byWords, "bool IsServer(GpuRecommendation o) => o.IsPurchase() && o.Flags.Contains(\"SXM-ONLY\");");
            Assert.Matches(byWords, "&& string.Equals(card.Segment, \"consumer\", StringComparison.Ordinal);");
            Assert.DoesNotMatch(byWords, "if (r.SoldAsSystem) r.Flags.Add(\"SXM-ONLY\");");
            var found = SourceLines.Matching(byWords, Path.Combine("src", "DlGpuTools.Engine", "Recommendations"));

            Assert.True(found.Count == 0, "Decided from display text:\n" + string.Join("\n", found));
        }
    }
}
