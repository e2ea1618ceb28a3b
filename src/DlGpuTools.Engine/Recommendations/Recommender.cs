using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Catalog;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Ranks cards to buy (at dated street or used prices) and offers to rent, by the performance model's
    /// expected speed per dollar, among cards that hold the workload: its memory floor, or a model by one of
    /// the methods that fit (full fine-tuning, LoRA, QLoRA; inference at the asked precision or smaller),
    /// on 1, 2, 4 or 8 cards. Single cards and multi-card sets are ranked apart. With a budget, single cards
    /// below half the best per-card speed the budget buys are dropped, so a cheap slow card does not top a
    /// budget meant for a fast one. Rates the user's card and names upgrades worth making.
    /// </summary>
    public sealed class Recommender
    {
        /// <summary>With a budget, single cards below this share of the best affordable per-card speed are not ranked.</summary>
        public const double ThroughputFloorShare = 0.5;

        /// <summary>An upgrade must beat the current card's speed by this factor (or fit a model it cannot).</summary>
        public const double UpgradeFactor = 1.5;

        /// <summary>
        /// US average residential electricity price, $0.1883/kWh (EIA Electric Power Monthly, Table 5.6.A, April 2026,
        /// https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_6_a), rounded; -ElectricityPrice overrides it.
        /// </summary>
        public const double DefaultElectricityUsdPerKwh = 0.19;

        /// <summary>The rest of a desktop (CPU, board, disks, fans) under load, counted once per machine, in watts.</summary>
        public const int HostPowerW = 100;

        private readonly CardCatalog _catalog;
        private readonly PriceTable _prices;
        private readonly IReadOnlyList<CloudOffer> _offers;

        public Recommender(CardCatalog catalog, PriceTable prices, IReadOnlyList<CloudOffer> offers)
        {
            _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
            _prices = prices ?? PriceTable.BuiltIn;
            _offers = offers ?? Array.Empty<CloudOffer>();
        }

        /// <summary>
        /// The workload a model implies when the user named none: a model of a billion parameters or more is
        /// an LLM (fine-tuning when training, inference otherwise), a smaller one NLP-scale.
        /// </summary>
        public static Workload ImpliedWorkload(double parameters, bool training) =>
            parameters >= 1e9 ? (training ? Workload.LLMFineTune : Workload.LLMInference) : Workload.NLP;

        /// <summary>The workload a preset implies: its task (encoders NLP, vision and image generation ComputerVision), or for a language model its size.</summary>
        public static Workload ImpliedWorkload(ModelShape shape, bool training)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            switch (shape.Task)
            {
                case ModelTask.Encoder: return Workload.NLP;
                case ModelTask.VisionEncoder:
                case ModelTask.ImageGeneration: return Workload.ComputerVision;
                default: return ImpliedWorkload(shape.Parameters, training);
            }
        }

        /// <summary>The methods the request's model can run by, most faithful first; empty without a model.</summary>
        public static IReadOnlyList<MemoryEstimate> MethodsFor(RecommendationRequest request) =>
            MemoryEstimator.MethodsFor(request);

        public IReadOnlyList<GpuRecommendation> Recommend(RecommendationRequest request)
        {
            IReadOnlyList<MemoryEstimate> methods = MethodsFor(request);
            double floor = request.MinimumMemoryGB ?? WorkloadProfile.MemoryFloorGB(request.Workload);
            string[] summary = methods.Select(m => m.Formula).OfType<string>().ToArray();
            string memory = methods.Count == 0
                ? string.Format(CultureInfo.InvariantCulture, "no model given; {0} needs {1:0} GB a card", request.Workload, floor)
                : string.Format(CultureInfo.InvariantCulture, "{0:0.##e0} parameters, {1} tokens x {2}: ", request.ModelParameters, request.ContextLength, request.BatchSize)
                  + string.Join(", ", methods.Select(m => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.#} GB", m.Method, m.TotalGB))) + " on one card";
            string basis = string.Format(CultureInfo.InvariantCulture,
                "Speed = expected {0} throughput x one RTX 3090 = 1 / ({1} x 71/TFLOPS + {2} x 936/GBps); ranked by Speed per dollar",
                request.Workload, PerformanceModel.ComputeShare(request.Workload), 1 - PerformanceModel.ComputeShare(request.Workload));
            var results = new List<GpuRecommendation>();

            GpuRecommendation? current = null;
            if (!Strings.IsNullOrWhiteSpace(request.CurrentCard))
            {
                current = RateCurrent(request, methods, floor);
                results.Add(current);
            }

            List<GpuRecommendation> buys = BuyCandidates(request, methods, floor);
            if (current != null) buys = Upgrades(buys, current);
            results.AddRange(buys.Where(b => b.GpusNeeded == 1).Take(request.Top));
            results.AddRange(buys.Where(b => b.GpusNeeded > 1).Take(request.Top));
            if (request.IncludeCloud) results.AddRange(RentCandidates(request, methods, floor).Take(request.Top));

            int rank = 1;
            foreach (GpuRecommendation r in results)
            {
                r.MethodEstimates = summary;
                r.MemorySummary = memory;
                r.RankingBasis = basis;
                if (r.Kind != "Current") r.Rank = rank++;
            }

            return results;
        }

        private List<GpuRecommendation> BuyCandidates(RecommendationRequest request, IReadOnlyList<MemoryEstimate> methods, double floor)
        {
            var candidates = new List<GpuRecommendation>();
            foreach (GpuSpec card in _catalog.Cards)
            {
                if (!card.IsCudaCapable && !request.IncludeNonCuda) continue;
                if (card.IsCudaCapable && !SupportedByCurrentCuda(card)) continue;
                BuyPrice? price = PriceFor(card, request.Now);
                if (price == null) continue;
                Fit? fit = ChooseFit(card, methods, request, floor, MultiGpu.Counts.Max());
                if (fit == null) continue;
                double total = price.PriceUsd * fit.Gpus;
                if (request.BudgetUsd is double budget && total > budget) continue;
                GpuRecommendation? r = Describe("Buy", card, request, fit, floor);
                if (r == null) continue;
                r.PriceUsd = total;
                r.PriceKind = price.Kind;
                r.PriceDate = price.Date;
                r.Provider = price.Provider;
                r.Source = price.Source + " | specs: " + card.Source;
                r.SpeedPer1000Usd = r.Speed is double speed ? Math.Round(speed / total * 1000, 2) : (double?)null;
                r.Warnings = r.Warnings.Concat(PriceWarnings(price, request.Now)).ToArray();
                r.Reason = BuyReason(r, price);
                AddBuyVersusRent(r, card, request);
                candidates.Add(r);
            }

            var singles = candidates.Where(c => c.GpusNeeded == 1).ToList();
            if (request.BudgetUsd != null && singles.Count > 0)
            {
                // A candidate without a speed figure cannot be near the best one.
                double best = singles.Max(c => c.SpeedPerCard ?? 0);
                singles = singles.Where(c => (c.SpeedPerCard ?? 0) >= ThroughputFloorShare * best).ToList();
            }

            var multis = candidates.Where(c => c.GpusNeeded > 1);
            return singles.OrderByDescending(c => c.SpeedPer1000Usd)
                .Concat(multis.OrderBy(c => c.GpusNeeded).ThenByDescending(c => c.SpeedPer1000Usd))
                .ToList();
        }

        private static List<GpuRecommendation> Upgrades(List<GpuRecommendation> buys, GpuRecommendation current)
        {
            double currentSpeed = current.Speed ?? 0;
            var upgrades = buys.Where(b => (b.Speed ?? 0) >= UpgradeFactor * currentSpeed || (!current.FitsModel && b.FitsModel && b.GpusNeeded == 1)).ToList();
            foreach (GpuRecommendation u in upgrades)
            {
                u.Kind = "Upgrade";
                if (currentSpeed > 0)
                    u.Reason = string.Format(CultureInfo.InvariantCulture, "{0:0.0}x the expected speed of your {1}. ", u.Speed / currentSpeed, current.Card) + u.Reason;
            }

            return upgrades;
        }

        private IEnumerable<GpuRecommendation> RentCandidates(RecommendationRequest request, IReadOnlyList<MemoryEstimate> methods, double floor)
        {
            var rows = new List<GpuRecommendation>();
            foreach (CloudOffer offer in _offers)
            {
                GpuSpec? card = offer.Card == null ? null : _catalog.Resolve(offer.Card);
                if (card == null) continue;
                bool free = offer.UsdPerGpuHour == 0;
                Fit? fit = ChooseFit(card, methods, request, floor, free ? offer.Gpus : MultiGpu.Counts.Max());
                if (fit == null) continue;
                GpuRecommendation? r = Describe("Rent", card, request, fit, floor);
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
                if (request.TrainingHours is double hours) r.CostForHoursUsd = Math.Round(hours * usdPerHour, 2);
                string cost = free
                    ? "free (quota-limited, not guaranteed)"
                    : string.Format(CultureInfo.InvariantCulture, "${0:0.00} per GPU-hour at {1} {2} ({3}), ${4:0.00}/h for {5} GPU(s)", offer.UsdPerGpuHour, offer.Provider, offer.Offer, offer.PriceDate, r.UsdPerHour, billed)
                      + (r.CostForHoursUsd is double c ? string.Format(CultureInfo.InvariantCulture, ", ${0:N0} for {1:0} h", c, request.TrainingHours) : string.Empty);
                r.Reason = string.Format(CultureInfo.InvariantCulture, "{0} Expected speed {1:0.00}x an RTX 3090 ({2}). {3}.", FitText(r, floor), r.Speed, r.ModelInputs, cost);
                if (!Strings.IsNullOrEmpty(offer.Notes)) r.Warnings = r.Warnings.Concat(new[] { offer.Notes }).ToArray();
                if (offer.PriceDate == "undated") r.Warnings = r.Warnings.Append("Undated price (a long-standing list price): check the provider's page.").ToArray();
                rows.Add(r);
            }

            // Fewest GPUs first, free tiers first among those, then the most speed per dollar-hour; one row per card and provider.
            return rows
                .OrderBy(r => r.GpusNeeded)
                .ThenByDescending(r => r.UsdPerGpuHour == 0)
                .ThenByDescending(r => r.SpeedPerUsdHour ?? double.MaxValue)
                .GroupBy(r => r.Card + "|" + r.Provider).Select(g => g.First());
        }

        private GpuRecommendation RateCurrent(RecommendationRequest request, IReadOnlyList<MemoryEstimate> methods, double floor)
        {
            CardLookup lookup = _catalog.Find(request.CurrentCard ?? string.Empty, request.CurrentCardMemoryGiB);
            GpuSpec card = lookup.Card ?? throw new CardLookupException(lookup);
            Fit fit = ChooseFit(card, methods, request, 0, MultiGpu.Counts.Max()) ?? new Fit(null, 1);
            GpuRecommendation r = Describe("Current", card, request, fit, floor) ?? new GpuRecommendation { Kind = "Current", Card = card.Name, ShortCard = CardCatalog.ShortName(card.Name), MemoryGB = card.MemoryGB };
            r.FitsModel = card.MemoryGB >= floor && (methods.Count == 0 || (fit.Method != null && fit.Gpus == 1));
            BuyPrice? price = PriceFor(card, request.Now);
            if (price != null)
            {
                r.PriceUsd = price.PriceUsd;
                r.PriceKind = price.Kind;
                r.PriceDate = price.Date;
                r.Provider = price.Provider;
            }

            r.Reason = string.Format(CultureInfo.InvariantCulture, "Your card for {0}: expected speed {1:0.00}x an RTX 3090 ({2}). {3}", request.Workload, r.Speed, r.ModelInputs, r.FitsModel ? FitText(r, floor) : "It does not hold the workload on its own: " + FitText(r, floor));
            return r;
        }

        /// <summary>
        /// The fewest cards (1, 2, 4, 8) that hold the model by some method, and of those the most faithful
        /// method; without a model, one card at or above the memory floor. Null when nothing fits.
        /// </summary>
        private static Fit? ChooseFit(GpuSpec card, IReadOnlyList<MemoryEstimate> methods, RecommendationRequest request, double floor, int maxGpus)
        {
            // With a model the method's estimate (plus headroom) is the requirement, not the workload's floor.
            if (card.MemoryGB < (methods.Count == 0 || request.MinimumMemoryGB != null ? floor : 0)) return null;
            bool needsBf16 = request.Precision == ModelPrecision.BF16 && request.IsTraining;
            if (needsBf16 && card.Bf16TensorTflops == null) return null;
            if (methods.Count == 0) return new Fit(null, 1);
            foreach (int gpus in MultiGpu.Counts.Where(n => n <= maxGpus))
            {
                foreach (MemoryEstimate method in methods)
                {
                    if (method.Method == "FP8" && card.Fp8TensorTflops == null) continue; // FP8 math needs Ada, Hopper or Blackwell
                    if (method.RequiredPerCardGB(gpus) <= card.MemoryGB) return new Fit(method, gpus);
                }
            }

            return null;
        }

        private static GpuRecommendation? Describe(string kind, GpuSpec card, RecommendationRequest request, Fit fit, double floor)
        {
            ModelPrecision precision = SpeedPrecision(fit.Method, request.Precision);
            PerformanceEstimate? perf = PerformanceModel.Estimate(card, request.Workload, precision);
            if (perf == null) return null;
            bool nvLink = MultiGpu.HasNvLink(card);
            double total = perf.RelativeSpeed * MultiGpu.Scaling(fit.Gpus, nvLink);
            var r = new GpuRecommendation
            {
                Kind = kind,
                Card = card.Name,
                ShortCard = CardCatalog.ShortName(card.Name),
                Workload = request.Workload.ToString(),
                MemoryGB = card.MemoryGB,
                Method = fit.Method?.Method,
                GpusNeeded = fit.Gpus,
                Interconnect = fit.Gpus > 1 ? (nvLink ? "NVLink" : "PCIe") : null,
                Speed = Math.Round(total, 2),
                SpeedPerCard = Math.Round(perf.RelativeSpeed, 2),
                ModelInputs = perf.Inputs,
                SpeedFormula = perf.Formula + (fit.Gpus > 1
                    ? string.Format(CultureInfo.InvariantCulture, "; x {0:0.##} for {1} cards over {2} (each added card {3:0.##} of one)", MultiGpu.Scaling(fit.Gpus, nvLink), fit.Gpus, nvLink ? "NVLink" : "PCIe", nvLink ? MultiGpu.NvLinkAddedCardShare : MultiGpu.PcieAddedCardShare)
                    : string.Empty),
                PowerW = card.TdpW * fit.Gpus,
                FitsModel = fit.Gpus == 1,
                RequiredMemoryGB = fit.Method != null ? Math.Round(fit.Method.RequiredPerCardGB(fit.Gpus), 1) : floor,
                MemoryFormula = fit.Method?.Formula,
                Warnings = CardAdvice.Warnings(card, request, fit.Method, fit.Gpus).ToArray(),
                Source = card.Source,
            };
            return r;
        }

        /// <summary>The arithmetic the method runs at: FP8 inference on FP8 tensor cores; 16-bit for LoRA, QLoRA and INT8/INT4 weights.</summary>
        private static ModelPrecision SpeedPrecision(MemoryEstimate? method, ModelPrecision asked)
        {
            if (method == null) return asked;
            if (method.Method == "FP8") return ModelPrecision.FP8;
            if (method.Method != null && method.Method.StartsWith("Full", StringComparison.Ordinal)) return asked;
            return asked == ModelPrecision.FP16 ? ModelPrecision.FP16 : ModelPrecision.BF16;
        }

        /// <summary>
        /// CUDA 13 needs compute capability 7.5, and PyTorch's CUDA 12.8+ builds dropped Volta and older
        /// (https://github.com/pytorch/pytorch/issues/172352): such a card is not one to buy today, whatever its price. It can still
        /// be rated as the user's card, and rented (free tiers run some).
        /// </summary>
        public static bool SupportedByCurrentCuda(GpuSpec card) =>
            double.TryParse(card.ComputeCapability, NumberStyles.Float, CultureInfo.InvariantCulture, out double cc) && cc >= 7.5;

        private BuyPrice? PriceFor(GpuSpec card, DateTime now)
        {
            CardPrice? street = _prices.BestFor(card);
            if (street != null) return new BuyPrice(street.PriceUsd, street.Condition, street.PriceDate, street.Provider, street.Source);
            // No dated street price: a card launched this year or last may still sell near its launch price; older ones are not guessed.
            if (card.LaunchPriceUsd is double launch && card.LaunchYear is int year && year >= now.Year - 1)
                return new BuyPrice(launch, "launch", year.ToString(CultureInfo.InvariantCulture), "launch price", "card table");
            return null;
        }

        private static IEnumerable<string> PriceWarnings(BuyPrice price, DateTime now)
        {
            if (price.Kind == "launch") yield return CardAdvice.LaunchPriceNote;
            else if (PriceTable.AgeInMonths(price.Date, now) is int age && age > PriceTable.StaleAfterMonths)
                yield return $"The price was seen {price.Date}, {age} months ago: prices moved 20-40% a month in 2026; check today's before buying (or pass -PriceTable).";
            if (price.Kind == "used") yield return "Used price (asking prices of listings, not sold prices): check the seller, the warranty and that the card is not a mislabelled variant.";
        }

        private static string BuyReason(GpuRecommendation r, BuyPrice price) =>
            string.Format(CultureInfo.InvariantCulture, "{0} Expected speed {1:0.00}x an RTX 3090 ({2}). ${3:N0} {4} ({5}, {6}): {7:0.00} per $1000.",
                FitText(r, 0), r.Speed, r.ModelInputs, r.PriceUsd, price.Kind, price.Date, price.Provider, r.SpeedPer1000Usd);

        private static string FitText(GpuRecommendation r, double floor)
        {
            string cards = r.GpusNeeded > 1 ? $"{r.GpusNeeded} x {r.MemoryGB:0.#} GB ({r.Interconnect})" : $"{r.MemoryGB:0.#} GB";
            if (r.Method == null)
                return string.Format(CultureInfo.InvariantCulture, "{0} (workload floor {1:0} GB a card).", cards, Math.Max(floor, r.RequiredMemoryGB ?? 0));
            return string.Format(CultureInfo.InvariantCulture, "{0} hold(s) it by {1}: {2:0.#} GB a card.", cards, r.Method, r.RequiredMemoryGB);
        }

        private void AddBuyVersusRent(GpuRecommendation r, GpuSpec card, RecommendationRequest request)
        {
            // Only a bought card has a price to weigh against renting.
            if (!(r.PriceUsd is double priceUsd)) return;
            CloudOffer? cheapest = _offers
                .Where(o => o.UsdPerGpuHour > 0 && o.Card != null && string.Equals(_catalog.Resolve(o.Card)?.Name, card.Name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(o => o.UsdPerGpuHour)
                .FirstOrDefault();
            double kw = ((card.TdpW ?? 0) * r.GpusNeeded + HostPowerW) / 1000.0;
            double power = kw * request.ElectricityUsdPerKwh;
            string own = string.Format(CultureInfo.InvariantCulture, "Owning draws {0:0.00} kW ({1} x {2} W + {3} W host): ${4:0.000}/h at ${5:0.00}/kWh",
                kw, r.GpusNeeded, card.TdpW, HostPowerW, power, request.ElectricityUsdPerKwh);
            if (request.TrainingHours is double hours) r.CostForHoursUsd = Math.Round(priceUsd + hours * power, 2);
            if (cheapest == null)
            {
                r.BuyVersusRent = own + "; no rental of this card is in the price list.";
                return;
            }

            double hourly = cheapest.UsdPerGpuHour * r.GpusNeeded;
            string text = own + string.Format(CultureInfo.InvariantCulture, "; renting costs ${0:0.00}/h ({1} {2}, {3})", hourly, cheapest.Provider, cheapest.Offer, cheapest.PriceDate);
            if (hourly > power)
            {
                double breakEven = priceUsd / (hourly - power);
                text += string.Format(CultureInfo.InvariantCulture, "; buying pays off after {0:N0} h of use ({1:0.#} months at 24 h a day, {2:0.#} years at 4 h a day)", breakEven, breakEven / 730, breakEven / (4 * 365));
            }
            else
            {
                text += "; renting costs less than the electricity alone, so buying never pays off on cost";
            }

            if (request.TrainingHours is double h)
                text += string.Format(CultureInfo.InvariantCulture, ". For {0:0} h: renting ${1:N0}, buying ${2:N0} + ${3:N0} electricity", h, h * hourly, r.PriceUsd, h * power);
            r.BuyVersusRent = text + " (resale value not counted).";
        }

        private sealed class Fit
        {
            // method is null when no model was given: the card only has to reach the memory floor.
            public Fit(MemoryEstimate? method, int gpus)
            {
                Method = method;
                Gpus = gpus;
            }

            public MemoryEstimate? Method { get; }

            public int Gpus { get; }
        }

        private sealed class BuyPrice
        {
            public BuyPrice(double priceUsd, string? kind, string? date, string? provider, string? source)
            {
                PriceUsd = priceUsd;
                Kind = kind;
                Date = date;
                Provider = provider;
                Source = source;
            }

            public double PriceUsd { get; }

            public string? Kind { get; }

            public string? Date { get; }

            public string? Provider { get; }

            public string? Source { get; }
        }
    }

    /// <summary>A card name that matched no card, or several where one is needed.</summary>
    public sealed class CardLookupException : Exception
    {
        public CardLookupException(CardLookup lookup)
            : base(lookup.Matches.Count == 0
                ? $"No card in the card table matches '{lookup.Query}'." + (lookup.Closest.Count > 0 ? " Closest: " + string.Join("; ", lookup.Closest) + "." : string.Empty)
                : $"'{lookup.Query}' matches {lookup.Matches.Count} cards: " + string.Join("; ", lookup.Matches.Select(c => c.Name)) + ". Name one of them.")
        {
            Lookup = lookup;
        }

        public CardLookup Lookup { get; }

        public bool IsAmbiguous => Lookup.Matches.Count > 1;
    }
}
