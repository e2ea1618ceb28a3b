using System;
using System.IO;
using System.Linq;
using DlGpuTools.Catalog;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The rules that choose one price from a card's dated observations, and the caveats they raise.</summary>
    public class PriceEvidenceTests
    {
        private static readonly DateTime Today = new DateTime(2026, 12, 7);

        /// <summary>A price table of <paramref name="rows"/> under the table's own header, read as a user's file is.</summary>
        internal static PriceTable With(params string[] rows)
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path, new[] { string.Join(",", PriceTable.Columns) }.Concat(rows));
                return PriceTable.Load(path, CardCatalog.BuiltIn);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Sold_beats_asking_within_the_recent_window_and_the_range_spans_the_recent_observations()
        {
            PriceTable t = With(
                "RTX 3090,used,1207,2026-10,GPU Poet,https://example.org/a,,asking,,",
                "RTX 3090,used,980,2026-09,eBay sold,https://example.org/b,,sold,,",
                "RTX 3090,used,700,2026-03,eBay sold,https://example.org/c,,sold,,");
            PriceEvidence e = Must.Exist(t.Evidence(CardCatalog.BuiltIn.Card("RTX 3090"), "used", Today));
            Assert.Equal(980, e.PriceUsd);
            Assert.Equal(PriceKind.Sold, e.Kind);
            Assert.Equal(980, e.LowUsd);
            Assert.Equal(1207, e.HighUsd);
            Assert.Equal(3, e.Observations.Count);
            Assert.Equal(PriceCaveats.None, e.Flags);
        }

        [Fact]
        public void A_derived_stale_lone_price_carries_its_caveats()
        {
            PriceTable t = With("RTX 3090 Ti,used,900,2026-02,2x for 1800,https://example.org/a,,asking,yes,");
            PriceEvidence e = Must.Exist(t.Evidence(CardCatalog.BuiltIn.Card("RTX 3090 Ti"), Today));
            Assert.True(e.Flags.HasFlag(PriceCaveats.Derived));
            Assert.True(e.Flags.HasFlag(PriceCaveats.Stale));
            Assert.True(e.Flags.HasFlag(PriceCaveats.SingleObservation));
            Assert.Equal("STALE DERIVED ONE-OBS", e.FlagText);
        }

        [Fact]
        public void A_smaller_variant_priced_above_the_larger_is_flagged_on_both()
        {
            PriceTable t = With(
                "NVIDIA A100 40GB PCIe,used,12600,2026-11,eBay,https://example.org/a,,asking,,",
                "NVIDIA A100 80GB PCIe,used,9000,2026-11,eBay,https://example.org/b,,asking,,");
            Assert.True(Must.Exist(t.Evidence(CardCatalog.BuiltIn.Card("NVIDIA A100 40GB PCIe"), "used", Today))
                .Flags.HasFlag(PriceCaveats.VariantInversion));
            Assert.True(Must.Exist(t.Evidence(CardCatalog.BuiltIn.Card("NVIDIA A100 80GB PCIe"), "used", Today))
                .Flags.HasFlag(PriceCaveats.VariantInversion));
        }

        [Fact]
        public void A_recent_card_without_a_market_price_falls_back_to_its_launch_price_flagged_msrp()
        {
            GpuSpec card = CardCatalog.BuiltIn.Card("RTX 5000 Ada");
            PriceTable t = With("RTX 3090,used,900,2026-11,eBay,https://example.org/a,,,,");
            PriceEvidence e = Must.Exist(t.Evidence(card, new DateTime(2024, 6, 1)));
            Assert.Equal(4000, e.PriceUsd);
            Assert.Equal(PriceKind.Msrp, e.Kind);
            Assert.Equal("launch", e.Condition);
            Assert.True(e.Flags.HasFlag(PriceCaveats.Msrp));
            Assert.Null(t.BestFor(card));
            Assert.Null(t.Evidence(card, Today)); // launched 2023: too old for a launch price to stand in
        }

        [Fact]
        public void An_sxm_module_price_is_not_a_buy_price_but_a_node_price_is()
        {
            GpuSpec h100 = CardCatalog.BuiltIn.Card("H100 SXM");
            PriceTable modules = With("H100 SXM,used,23500,2026-11,broker,https://example.org/a,,asking,,");
            PriceEvidence? chosen = modules.Evidence(h100, Today);
            // the built-in node prices may stand
            Assert.True(chosen == null || (chosen.Gpus == 8 && chosen.PriceUsd > 100000),
                "a loose SXM module must not price a buy: " + chosen);
            PriceTable node = With("H100 SXM,new,280000,2026-11,reseller,https://example.org/a,,estimate,,8");
            PriceEvidence e = Must.Exist(node.Evidence(h100, Today));
            Assert.Equal(8, e.Gpus);
            Assert.Equal(280000, e.PriceUsd);
        }
    }
}
