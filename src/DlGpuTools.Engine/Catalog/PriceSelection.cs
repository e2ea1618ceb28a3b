using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace DlGpuTools.Catalog
{
    /// <summary>
    /// The rules that turn a card's dated observations into one price a buyer can rank on. Recent evidence first:
    /// only observations within <see cref="RecentWindowMonths"/> of the newest count. Among those, the best kind
    /// (sold, then asking, then averages, then estimates; a derived figure below a seen one of its kind), and of
    /// that kind the newest (the median where one month has several). The recent observations of every kind give
    /// the range. MSRP stands in only when no market figure exists, and only for a card launched this year or last.
    /// </summary>
    internal static class PriceSelection
    {
        /// <summary>Observations this many months older than the newest are history, not evidence of today's price.</summary>
        public const int RecentWindowMonths = 3;

        private static readonly Regex MemorySize = new Regex(@"\b\d+\s?GB\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static PriceEvidence? Choose(PriceTable table, CardCatalog catalog, GpuSpec card, DateTime now)
        {
            PriceEvidence? chosen = Pick(ChooseFor(table, catalog, card, PriceCondition.New, now),
                ChooseFor(table, catalog, card, PriceCondition.Used, now));
            return chosen ?? Launch(table, card, now);
        }

        public static PriceEvidence? ChooseFor(PriceTable table, CardCatalog catalog, GpuSpec card, PriceCondition condition, DateTime now)
        {
            PriceEvidence? evidence = Select(table, card, condition, now);
            if (evidence == null) return null;
            if (Inverted(table, catalog, card, condition, evidence, now)) evidence.Flags |= PriceCaveats.VariantInversion;
            return evidence;
        }

        /// <summary>A fresh price over a stale one; of two alike, the cheaper (the buyer may take either).</summary>
        private static PriceEvidence? Pick(PriceEvidence? a, PriceEvidence? b)
        {
            if (a == null) return b;
            if (b == null) return a;
            bool staleA = (a.Flags & PriceCaveats.Stale) != 0;
            bool staleB = (b.Flags & PriceCaveats.Stale) != 0;
            if (staleA != staleB) return staleA ? b : a;
            return b.PriceUsd < a.PriceUsd ? b : a;
        }

        private static PriceEvidence? Select(PriceTable table, GpuSpec card, PriceCondition condition, DateTime now)
        {
            int unit = card.NodeGpus ?? 1;
            List<(CardPrice Price, DateTime Date)> all = Dated(table.For(card)).ToList();
            // A row's condition is the price table's text (a user's -PriceTable too), checked to be new or used when read.
            string conditionText = Text(condition);
            var market = all.Where(o => string.Equals(o.Price.Condition, conditionText, StringComparison.OrdinalIgnoreCase)
                                        && o.Price.Gpus == unit && o.Price.Kind != PriceKind.Msrp).ToList();
            if (market.Count == 0) return null;
            DateTime newest = market.Max(o => o.Date);
            var recent = market.Where(o => o.Date >= newest.AddMonths(-RecentWindowMonths)).ToList();
            var best = recent.OrderBy(o => o.Price.Kind).ThenBy(o => o.Price.Derived).First();
            var sameKind = recent.Where(o => o.Price.Kind == best.Price.Kind && o.Price.Derived == best.Price.Derived).ToList();
            DateTime latest = sameKind.Max(o => o.Date);
            var latestOfKind = sameKind.Where(o => o.Date == latest).OrderBy(o => o.Price.PriceUsd).ToList();
            CardPrice chosen = latestOfKind[(latestOfKind.Count - 1) / 2].Price;

            var evidence = New(card, condition, chosen, all, now);
            evidence.LowUsd = recent.Min(o => o.Price.PriceUsd);
            evidence.HighUsd = recent.Max(o => o.Price.PriceUsd);
            if (chosen.Derived) evidence.Flags |= PriceCaveats.Derived;
            if (recent.Count == 1) evidence.Flags |= PriceCaveats.SingleObservation;
            evidence.Reason = string.Format(CultureInfo.InvariantCulture,
                "{0} {1} price of {2} ({3}{4}), the best kind among {5} {1} observation{6} from {7:yyyy-MM} on{8}.",
                Article(chosen.Kind), conditionText, chosen.PriceDate, chosen.Provider ?? "no provider named",
                    chosen.Derived ? "; derived from another figure" : string.Empty,
                recent.Count, recent.Count == 1 ? string.Empty : "s", newest.AddMonths(-RecentWindowMonths),
                latestOfKind.Count > 1 ? string.Format(CultureInfo.InvariantCulture, "; the median of {0} that month",
                    latestOfKind.Count) : string.Empty);
            return evidence;
        }

        /// <summary>The condition as the price table writes it.</summary>
        private static string Text(PriceCondition condition) => condition.ToString().ToLowerInvariant();

        private static string Article(PriceKind kind)
        {
            switch (kind)
            {
                case PriceKind.Sold: return "The sold";
                case PriceKind.Asking: return "The asking";
                case PriceKind.Average: return "The average";
                default: return "The estimated";
            }
        }

        /// <summary>The launch price, flagged: a card table figure (or an msrp row) for a card launched this year or last.</summary>
        private static PriceEvidence? Launch(PriceTable table, GpuSpec card, DateTime now)
        {
            List<(CardPrice Price, DateTime Date)> all = Dated(table.For(card)).ToList();
            CardPrice? msrp = all.Where(o => o.Price.Kind == PriceKind.Msrp
                && o.Price.Gpus == (card.NodeGpus ?? 1)).OrderByDescending(o => o.Date).Select(o => o.Price).FirstOrDefault();
            if (msrp == null)
            {
                if (card.NodeGpus != null || card.LaunchPriceUsd == null || card.LaunchYear is not int year
                    || year < now.Year - 1) return null;
                msrp = new CardPrice
                {
                    Card = card.Name, Condition = "new", PriceUsd = card.LaunchPriceUsd.Value,
                        PriceDate = year.ToString(CultureInfo.InvariantCulture) + "-01",
                    Provider = "launch price", Kind = PriceKind.Msrp, Source = card.Source, Origin = card.Origin,
                };
            }

            var evidence = New(card, PriceCondition.Launch, msrp, all, now);
            evidence.LowUsd = evidence.HighUsd = msrp.PriceUsd;
            evidence.Flags |= PriceCaveats.Msrp;
            evidence.Reason = "No market price is known: the launch price stands in. In the 2026 memory shortage street prices ran up to "
                + "2.4x launch prices, so treat it as unknown and check today's price.";
            return evidence;
        }

        private static PriceEvidence New(GpuSpec card, PriceCondition condition, CardPrice chosen,
            List<(CardPrice Price, DateTime Date)> all, DateTime now)
        {
            int? age = PriceTable.AgeInMonths(chosen.PriceDate, now);
            return new PriceEvidence
            {
                Card = card.Name,
                PriceCondition = condition,
                PriceUsd = chosen.PriceUsd,
                Gpus = chosen.Gpus,
                Kind = chosen.Kind,
                PriceDate = chosen.PriceDate,
                AgeMonths = age,
                Provider = chosen.Provider,
                Source = chosen.Source,
                Chosen = chosen,
                Observations = all.OrderByDescending(o => o.Date).Select(o => o.Price).ToArray(),
                Flags = age > PriceTable.StaleAfterMonths ? PriceCaveats.Stale : PriceCaveats.None,
            };
        }

        /// <summary>Whether a memory variant of the same card, in the same condition, breaks the order of memory and price.</summary>
        private static bool Inverted(PriceTable table, CardCatalog catalog, GpuSpec card, PriceCondition condition, PriceEvidence evidence,
            DateTime now)
        {
            string family = Family(card.Name);
            foreach (GpuSpec other in catalog.Cards)
            {
                if (ReferenceEquals(other, card) || other.MemoryGB == card.MemoryGB || Family(other.Name) != family) continue;
                PriceEvidence? theirs = Select(table, other, condition, now);
                if (theirs == null || theirs.Gpus != evidence.Gpus) continue;
                if ((other.MemoryGB < card.MemoryGB && theirs.PriceUsd > evidence.PriceUsd) || (other.MemoryGB > card.MemoryGB
                    && theirs.PriceUsd < evidence.PriceUsd)) return true;
            }

            return false;
        }

        /// <summary>A card's name without its memory size: 'NVIDIA A100 PCIe' for the 40 and 80 GB cards.</summary>
        internal static string Family(string name) => Regex.Replace(MemorySize.Replace(name, " "), @"\s+", " ").Trim();

        private static IEnumerable<(CardPrice Price, DateTime Date)> Dated(IEnumerable<CardPrice> prices)
        {
            foreach (CardPrice p in prices)
                if (PriceTable.TryParseDate(p.PriceDate, out DateTime date)) yield return (p, date);
        }
    }
}
