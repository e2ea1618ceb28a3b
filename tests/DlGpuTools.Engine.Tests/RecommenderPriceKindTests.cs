using System;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// GpuRecommendation.PriceKind is one set of words, new, used or MSRP, whichever row the price is on (a card to buy
    /// or the user's own), backed by the typed condition and read back from JSON or CSV text.
    /// </summary>
    public class RecommenderPriceKindTests
    {
        // RTX 5000 Ada launched in 2023: in mid-2024, with no market price for it, its launch price stands in.
        private static readonly DateTime MidTwentyTwentyFour = new DateTime(2024, 6, 1);

        [Fact]
        public void A_launch_price_reads_msrp_on_the_current_card_row_as_on_a_buy_row()
        {
            PriceTable prices = PriceEvidenceTests.With("RTX 3090,used,900,2026-11,eBay,https://example.org/a,,,,");
            var recommender = new Recommender(CardCatalog.BuiltIn, prices, CardCatalog.CloudOffers);
            var request = new RecommendationRequest
            {
                Workload = Workload.ComputerVision, CurrentCard = "RTX 5000 Ada", Now = MidTwentyTwentyFour, Top = 100,
                MinimumMemoryGB = 32,
            };

            var results = recommender.Recommend(request);

            GpuRecommendation current = Assert.Single(results, r => r.IsCurrentCard());
            Assert.Contains("RTX 5000 Ada", current.Card, StringComparison.Ordinal);
            Assert.Equal("MSRP", current.PriceKind);
            Assert.All(results.Where(r => r.PriceUsd != null), r => Assert.Contains(r.PriceKind, new[] { "new", "used", "MSRP" }));
        }

        [Theory]
        [InlineData("new", "new")]
        [InlineData("USED", "used")]
        [InlineData("msrp", "MSRP")]
        [InlineData("Msrp", "MSRP")]
        [InlineData(null, null)]
        [InlineData("", null)]
        public void PriceKind_reads_back_from_text_in_any_case(string? text, string? shown)
        {
            var r = new GpuRecommendation { PriceKind = text };

            Assert.Equal(shown, r.PriceKind);
        }

        [Fact]
        public void PriceKind_refuses_a_word_that_is_not_a_price_kind_and_names_the_words()
        {
            var e = Assert.Throws<ArgumentException>(() => new GpuRecommendation { PriceKind = "refurbished" });

            Assert.Contains("new, used, MSRP", e.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("launch")]
        [InlineData("Launch")]
        [InlineData("msrp")]
        public void PriceKind_reads_the_launch_word_of_earlier_builds_and_any_case_of_MSRP_as_MSRP(string written)
        {
            Assert.Equal("MSRP", new GpuRecommendation { PriceKind = written }.PriceKind);
        }
    }
}
