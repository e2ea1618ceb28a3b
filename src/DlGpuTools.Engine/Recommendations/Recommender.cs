using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Catalog;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Ranks cards to buy (by launch price) and offers to rent for a workload, a budget and a model, and
    /// rates a card the user already has. Throughput per dollar ranks, but only among cards that reach at
    /// least half the best throughput the budget buys, so a cheap slow card does not top a budget meant for
    /// a fast one.
    /// </summary>
    public sealed class Recommender
    {
        /// <summary>Among affordable cards, those below this share of the best throughput are not ranked.</summary>
        public const double ThroughputFloorShare = 0.5;

        /// <summary>An upgrade must beat the current card's figure by this factor (or fit a model it cannot).</summary>
        public const double UpgradeFactor = 1.5;

        public const int MaxGpus = 8;

        private readonly CardCatalog _catalog;
        private readonly IReadOnlyList<CloudOffer> _offers;

        public Recommender(CardCatalog catalog, IReadOnlyList<CloudOffer> offers)
        {
            _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
            _offers = offers ?? Array.Empty<CloudOffer>();
        }

        /// <summary>
        /// The workload a model implies when the user named none: a model of a billion parameters or more is
        /// an LLM (fine-tuning when training, inference otherwise), a smaller one NLP-scale.
        /// </summary>
        public static Workload ImpliedWorkload(double parameters, bool training) =>
            parameters >= 1e9 ? (training ? Workload.LLMFineTune : Workload.LLMInference) : Workload.NLP;

        /// <summary>True when some card with a launch price holds the model on its own.</summary>
        public bool AnyBuyableCardHolds(double totalGB) =>
            _catalog.Cards.Any(c => c.LaunchPriceUsd != null && c.IsCudaCapable && c.MemoryGB >= totalGB);

        public IReadOnlyList<GpuRecommendation> Recommend(RecommendationRequest request)
        {
            MemoryEstimate estimate = request.ModelParameters is double p ? MemoryEstimator.Estimate(p, request.Precision, request.Training) : null;
            double floor = request.MinimumMemoryGB ?? WorkloadProfile.MemoryFloorGB(request.Workload);
            var results = new List<GpuRecommendation>();

            GpuRecommendation current = null;
            if (!string.IsNullOrWhiteSpace(request.CurrentCard))
            {
                current = RateCurrent(request, estimate, floor);
                results.Add(current);
            }

            List<GpuRecommendation> buys = BuyCandidates(request, estimate, floor);
            if (current != null)
            {
                buys = Upgrades(buys, current);
            }

            results.AddRange(buys.Take(request.Top));
            if (request.IncludeCloud) results.AddRange(RentCandidates(request, estimate, floor).Take(request.Top));

            int rank = 1;
            foreach (GpuRecommendation r in results.Where(r => r.Kind != "Current")) r.Rank = rank++;
            return results;
        }

        private List<GpuRecommendation> BuyCandidates(RecommendationRequest request, MemoryEstimate estimate, double floor)
        {
            var candidates = new List<GpuRecommendation>();
            foreach (GpuSpec card in _catalog.Cards)
            {
                if (card.LaunchPriceUsd == null) continue;
                if (!card.IsCudaCapable && !request.IncludeNonCuda) continue;
                if (card.MemoryGB < floor) continue;
                int gpus = GpusNeeded(card, estimate);
                if (gpus > MaxGpus) continue;
                double price = card.LaunchPriceUsd.Value * gpus;
                if (request.BudgetUsd is double budget && price > budget) continue;
                GpuRecommendation r = Describe("Buy", card, request, estimate, floor, gpus);
                if (r.MetricValue == null) continue;
                r.PriceUsd = price;
                r.ValuePerDollar = Math.Round(r.MetricValue.Value * gpus / price * 1000, 1);
                if (request.TrainingHours != null) r.CostForHoursUsd = price;
                r.Warnings = r.Warnings.Concat(new[] { CardAdvice.LaunchPriceNote }).ToArray();
                AddBuyVersusRent(r, card, request, gpus);
                candidates.Add(r);
            }

            if (candidates.Count == 0) return candidates;
            double best = candidates.Max(c => c.MetricValue.Value * c.GpusNeeded);
            var ranked = candidates
                .Where(c => c.MetricValue.Value * c.GpusNeeded >= ThroughputFloorShare * best)
                .OrderBy(c => c.GpusNeeded)
                .ThenByDescending(c => c.ValuePerDollar)
                .ToList();
            foreach (GpuRecommendation r in ranked)
            {
                r.Reason = string.Format(CultureInfo.InvariantCulture, "{0}{1:0.#} {2} for ${3:N0} at launch: {4:0.#} per $1000. {5}",
                    r.GpusNeeded > 1 ? r.GpusNeeded + " x " : string.Empty, r.MetricValue, r.Metric, r.PriceUsd, r.ValuePerDollar, MemoryText(r, floor));
            }

            return ranked;
        }

        private static List<GpuRecommendation> Upgrades(List<GpuRecommendation> buys, GpuRecommendation current)
        {
            double currentValue = current.MetricValue ?? 0;
            var upgrades = buys.Where(b => (b.MetricValue ?? 0) * b.GpusNeeded >= UpgradeFactor * currentValue || (!current.FitsModel && b.FitsModel && b.GpusNeeded == 1)).ToList();
            foreach (GpuRecommendation u in upgrades)
            {
                u.Kind = "Upgrade";
                if (currentValue > 0)
                {
                    u.Reason = string.Format(CultureInfo.InvariantCulture, "{0:0.0}x the {1} of your {2}. ", (u.MetricValue * u.GpusNeeded) / currentValue, u.Metric, current.Card) + u.Reason;
                }
            }

            return upgrades;
        }

        private IEnumerable<GpuRecommendation> RentCandidates(RecommendationRequest request, MemoryEstimate estimate, double floor)
        {
            var rows = new List<GpuRecommendation>();
            foreach (CloudOffer offer in _offers)
            {
                GpuSpec card = _catalog.Resolve(offer.Card);
                if (card == null || card.MemoryGB < floor) continue;
                int gpus = GpusNeeded(card, estimate);
                if (gpus > MaxGpus || gpus > Math.Max(offer.Gpus, MaxGpus)) continue;
                if (offer.UsdPerGpuHour == 0 && gpus > offer.Gpus) continue; // free tiers come as they come
                GpuRecommendation r = Describe("Rent", card, request, estimate, floor, gpus);
                if (r.MetricValue == null) continue;
                int billed = Math.Max(gpus, offer.Gpus);
                r.Provider = offer.Provider + " " + offer.Offer;
                r.UsdPerGpuHour = offer.UsdPerGpuHour;
                r.PriceDate = offer.PriceDate;
                r.Source = offer.Source;
                r.ValuePerDollar = offer.UsdPerGpuHour > 0 ? Math.Round(r.MetricValue.Value / offer.UsdPerGpuHour, 1) : (double?)null;
                if (request.TrainingHours is double hours) r.CostForHoursUsd = Math.Round(hours * offer.UsdPerGpuHour * billed, 2);
                string cost = offer.UsdPerGpuHour == 0
                    ? "free (quota-limited, not guaranteed)"
                    : string.Format(CultureInfo.InvariantCulture, "${0:0.00} per GPU-hour ({1})", offer.UsdPerGpuHour, offer.PriceDate)
                      + (r.CostForHoursUsd is double c ? string.Format(CultureInfo.InvariantCulture, ", ${0:N0} for {1:0} h on {2} GPU(s)", c, request.TrainingHours, billed) : string.Empty);
                r.Reason = string.Format(CultureInfo.InvariantCulture, "{0:0.#} {1}, {2}. {3}", r.MetricValue, r.Metric, cost, MemoryText(r, floor));
                if (!string.IsNullOrEmpty(offer.Notes)) r.Warnings = r.Warnings.Concat(new[] { offer.Notes }).ToArray();
                rows.Add(r);
            }

            // Free first, then the most throughput per dollar-hour; one row per card and provider.
            return rows
                .OrderBy(r => r.GpusNeeded)
                .ThenByDescending(r => r.UsdPerGpuHour == 0)
                .ThenByDescending(r => r.ValuePerDollar ?? double.MaxValue)
                .GroupBy(r => r.Card + "|" + r.Provider).Select(g => g.First());
        }

        private GpuRecommendation RateCurrent(RecommendationRequest request, MemoryEstimate estimate, double floor)
        {
            GpuSpec card = _catalog.Resolve(request.CurrentCard);
            if (card == null)
            {
                return new GpuRecommendation
                {
                    Kind = "Current",
                    Card = request.CurrentCard,
                    Workload = request.Workload.ToString(),
                    Reason = "Not in the card table, so it cannot be rated; add it with -CardTable (same columns as the built-in table).",
                    FitsModel = false,
                    RequiredMemoryGB = estimate?.TotalGB,
                    MemoryFormula = estimate?.Formula,
                };
            }

            int gpus = GpusNeeded(card, estimate);
            GpuRecommendation r = Describe("Current", card, request, estimate, floor, gpus);
            r.FitsModel = gpus == 1 && card.MemoryGB >= floor;
            r.PriceUsd = card.LaunchPriceUsd;
            r.Reason = string.Format(CultureInfo.InvariantCulture, "Your card for {0}: {1:0.#} {2}. {3}", request.Workload, r.MetricValue, r.Metric, MemoryText(r, floor));
            return r;
        }

        private static GpuRecommendation Describe(string kind, GpuSpec card, RecommendationRequest request, MemoryEstimate estimate, double floor, int gpus)
        {
            var (metric, value) = WorkloadProfile.Metric(request.Workload, card);
            return new GpuRecommendation
            {
                Kind = kind,
                Card = card.Name,
                Workload = request.Workload.ToString(),
                MemoryGB = card.MemoryGB,
                GpusNeeded = gpus,
                Metric = metric,
                MetricValue = value,
                FitsModel = gpus == 1,
                RequiredMemoryGB = estimate?.TotalGB ?? floor,
                MemoryFormula = estimate?.Formula,
                Warnings = CardAdvice.Warnings(card, request.Workload, request.Precision, gpus).ToArray(),
                Source = card.Source,
            };
        }

        private static int GpusNeeded(GpuSpec card, MemoryEstimate estimate) =>
            estimate == null ? 1 : Math.Max(1, (int)Math.Ceiling(estimate.TotalGB / card.MemoryGB));

        private static string MemoryText(GpuRecommendation r, double floor)
        {
            if (r.MemoryFormula == null)
                return string.Format(CultureInfo.InvariantCulture, "{0:0.#} GB (workload floor {1:0} GB).", r.MemoryGB, floor);
            return r.GpusNeeded == 1
                ? string.Format(CultureInfo.InvariantCulture, "{0:0.#} GB holds the model's {1:0.#} GB.", r.MemoryGB, r.RequiredMemoryGB)
                : string.Format(CultureInfo.InvariantCulture, "{0} x {1:0.#} GB hold the model's {2:0.#} GB.", r.GpusNeeded, r.MemoryGB, r.RequiredMemoryGB);
        }

        private void AddBuyVersusRent(GpuRecommendation r, GpuSpec card, RecommendationRequest request, int gpus)
        {
            CloudOffer cheapest = _offers
                .Where(o => o.UsdPerGpuHour > 0 && string.Equals(_catalog.Resolve(o.Card)?.Name, card.Name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(o => o.UsdPerGpuHour)
                .FirstOrDefault();
            if (cheapest == null) return;
            double hourly = cheapest.UsdPerGpuHour * gpus;
            double breakEven = r.PriceUsd.Value / hourly;
            string text = string.Format(CultureInfo.InvariantCulture, "Renting it costs ${0:0.00}/h ({1} {2}, {3}); buying pays off after {4:N0} h",
                hourly, cheapest.Provider, cheapest.Offer, cheapest.PriceDate, breakEven);
            if (request.TrainingHours is double hours)
            {
                double rent = hours * hourly;
                text += string.Format(CultureInfo.InvariantCulture, "; for {0:0} h renting costs ${1:N0} against ${2:N0} to buy", hours, rent, r.PriceUsd);
            }

            r.BuyVersusRent = text + " (electricity not counted).";
        }
    }
}
