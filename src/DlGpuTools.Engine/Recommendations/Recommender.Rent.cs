using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Catalog;

namespace DlGpuTools.Recommendations
{
    public sealed partial class Recommender
    {
        private List<GpuRecommendation> RentOptions(Context c, bool learner)
        {
            RecommendationRequest request = c.Request;
            var rows = new List<GpuRecommendation>();
            foreach (CloudOffer offer in _offers)
            {
                GpuSpec? card = offer.Card == null ? null : _catalog.Resolve(offer.Card);
                if (card == null) continue;
                bool free = offer.UsdPerGpuHour == 0;
                if (learner && !free && offer.UsdPerGpuHour > CheapRentUsdPerHour) continue;
                if (!card.IsCudaCapable && !request.IncludeNonCuda && !c.DataCentreScale) continue;
                foreach (Fit fit in Fits(c, card, 1, rented: true))
                {
                    if (free && fit.Gpus > offer.Gpus) continue;
                    GpuRecommendation? r = Describe(RecommendationKind.Rent, card, c, fit, rented: true);
                    if (r == null) continue;
                    int billed = Math.Max(fit.Gpus, offer.Gpus);
                    r.Provider = offer.Provider;
                    r.Offer = offer.Offer;
                    r.UsdPerGpuHour = offer.UsdPerGpuHour;
                    double usdPerHour = Math.Round(offer.UsdPerGpuHour * billed, 3);
                    r.UsdPerHour = usdPerHour;
                    r.PriceDate = offer.PriceDate;
                    r.Source = offer.Source + " | specs: " + card.Source;
                    r.SpeedPerUsdHour = free || !(r.Speed is double speed) ? (double?)null : Math.Round(speed / usdPerHour, 2);
                    if (r.TokensPerSecond is double tps && !free) r.UsdPerMillionTokens = Math.Round(usdPerHour / (tps * 3600) * 1e6, 2);
                    if (r.JobHours is double hours) r.CostForHoursUsd = Math.Round(hours * usdPerHour, 2);
                    string cost = free
                        ? "free (quota-limited, not guaranteed)"
                        : string.Format(CultureInfo.InvariantCulture,
                            "${0:0.00} per GPU-hour at {1} {2} ({3}), ${4:0.00}/h for {5} GPU(s)", offer.UsdPerGpuHour, offer.Provider,
                            offer.Offer, offer.PriceDate, r.UsdPerHour, billed)
                          + (r.CostForHoursUsd is double job ? string.Format(CultureInfo.InvariantCulture,
                              ", ${0:N0} for the job's {1:0.#} h", job, r.JobHours) : string.Empty)
                          + (r.UsdPerMillionTokens is double m ? string.Format(CultureInfo.InvariantCulture,
                              ", ${0:0.00} per million tokens at one stream", m) : string.Empty);
                    r.Reason = string.Format(CultureInfo.InvariantCulture, "{0} Expected speed {1:0.00}x an RTX 3090 ({2}). {3}.",
                        FitText(r, c.Floor), r.Speed, r.ModelInputs, cost);
                    if (!Strings.IsNullOrEmpty(offer.Notes)) r.Warnings.Add(offer.Notes!);
                    // The cloud table's date column says "undated" for a list price with no date: external text, read as written.
                    if (offer.PriceDate == "undated") r.Warnings.Add(
                        "Undated price (a long-standing list price): check the provider's page.");
                    if (card.GpuPlatform != GpuPlatform.Cuda) r.Warnings.Add(CardAdvice.PlatformNote(card));
                    rows.Add(r);
                }
            }

            // A data-centre model at FP8 or better first; free tiers first; then the cheapest job, or the most speed per dollar-hour.
            List<GpuRecommendation> ordered = rows
                .OrderByDescending(r => c.DataCentreScale && DeployGrade(r.ServedPrecision))
                .ThenByDescending(r => r.UsdPerGpuHour == 0)
                .ThenBy(r => c.Job ? r.CostForHoursUsd ?? double.MaxValue : 0)
                .ThenByDescending(r => r.SpeedPerUsdHour ?? double.MaxValue)
                .GroupBy(r => r.Card + "|" + r.Provider + "|" + r.Method).Select(g => g.First())
                .ToList();
            return request.IsTraining && c.Methods.Count > 1 ? ByMethod(c, ordered) : ordered;
        }

        /// <summary>
        /// Training rentals as a menu of methods: the cheapest rental of each method leads, the lightest method first
        /// (QLoRA on one small card, then LoRA, then full fine-tuning on a node), so the cost of each step up in fidelity
        /// is on screen; the rest follow in their order. Ranked by cost alone, the cheap method fills the list and the
        /// node that runs the faithful method never shows.
        /// </summary>
        private static List<GpuRecommendation> ByMethod(Context c, List<GpuRecommendation> ordered)
        {
            var leaders = ordered.GroupBy(r => r.Method).Select(g => g.First())
                .OrderByDescending(r => c.Methods.ToList().FindIndex(m => m.Method == r.Method)).ToList();
            return leaders.Concat(ordered.Where(r => !leaders.Contains(r))).ToList();
        }

        /// <summary>
        /// One line for a non-CUDA machine or card that clearly wins on memory per dollar (1.5x or more the best NVIDIA
        /// option shown) for language-model work within the budget; NVIDIA stays ranked first.
        /// </summary>
        private string? AlsoConsider(Context c, List<GpuRecommendation> shown)
        {
            RecommendationRequest request = c.Request;
            // Language work only: the line names the model class held, and diffusion tools lag further behind on ROCm and Metal.
            if (!WorkloadProfile.MemoryFirst(request.Workload) || request.Workload == Workload.ImageGeneration
                || request.IsTraining) return null;
            GpuRecommendation? top = shown.FirstOrDefault(s => s.PriceUsd > 0 && !s.IsCurrentCard());
            if (top == null || !(top.PriceUsd is double topPrice)) return null;
            double topPerDollar = top.TotalMemoryGB / topPrice;
            var candidates = new List<(GpuSpec Card, PriceEvidence Price, double PerDollar)>();
            foreach (GpuSpec card in _catalog.Cards.Where(k => k.GpuPlatform != GpuPlatform.Cuda))
            {
                PriceEvidence? price = _prices.Evidence(card, request.Now);
                if (price == null || price.Gpus != 1 || (request.BudgetUsd is double b && price.PriceUsd > b)) continue;
                if (c.Methods.Count > 0 && !c.Methods.Any(m => m.RequiredPerCardGB(1) <= CapacityGB(card))) continue;
                if (Usable(card) < c.Floor) continue;
                candidates.Add((card, price, Usable(card) / price.PriceUsd));
            }

            if (candidates.Count == 0) return null;
            var best = candidates.OrderByDescending(k => Usable(k.Card)).ThenByDescending(k => k.PerDollar).First();
            if (best.PerDollar < 1.5 * topPerDollar) return null;
            ModelFit.Result? held = ModelFit.Serving(Usable(best.Card), 1);
            return string.Format(CultureInfo.InvariantCulture,
                "Also consider (not CUDA): {0}, {1:0} GB usable for ${2:N0}{3}, {4:0.#}x the memory per dollar of #1. {5}",
                CardCatalog.ShortName(best.Card.Name), Usable(best.Card), best.Price.PriceUsd,
                    held != null ? " (holds " + held.Label + ")" : string.Empty,
                best.PerDollar / topPerDollar, CardAdvice.PlatformNote(best.Card));
        }

        /// <summary>"Add a second one": the same card again, for twice the memory, at the price of one.</summary>
        private GpuRecommendation? AddAnother(Context c, GpuRecommendation current)
        {
            RecommendationRequest request = c.Request;
            GpuSpec? card = current.Card == null ? null : _catalog.Resolve(current.Card);
            if (card == null || card.GpuFormFactor != GpuFormFactor.Pcie || !WorkloadProfile.MemoryFirst(request.Workload)
                || current.GpusNeeded > 1) return null;
            PriceEvidence? price = _prices.Evidence(card, request.Now);
            if (price == null || price.Gpus != 1 || (request.BudgetUsd is double b && RankingPrice(price) > b)) return null;
            Fit fit = c.Methods.Count == 0 ? new Fit(null, 2) : Economical(card, c.Methods, 2) ?? new Fit(null, 2);
            if (fit.Method == null && c.Methods.Count > 0) return null;
            GpuRecommendation? r = Describe(RecommendationKind.Upgrade, card, c, fit, rented: false);
            if (r == null) return null;
            SetPrice(r, price, RankingPrice(price));
            r.SpeedPer1000Usd = null;
            r.HostNeeds = HostBuild.Needs(card, 2);
            r.HostCostUsd = null;
            r.Reason = string.Format(CultureInfo.InvariantCulture,
                "Add a second {0} (${1:N0} {2}, {3}): {4:0} GB together{5}; your machine needs {6}",
                current.ShortCard, RankingPrice(price), price.Condition, price.PriceDate, r.TotalMemoryGB,
                r.Fits != null ? ", holding " + r.Fits + (r.TokensPerSecond is double t ? string.Format(CultureInfo.InvariantCulture,
                    "; {0} at about {1:0} tokens/s ({2})", r.TokensModel, t, r.Engine) : string.Empty) : string.Empty,
                r.HostNeeds);
            return r;
        }
    }
}
