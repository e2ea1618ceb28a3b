using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Catalog;

namespace DlGpuTools.Recommendations
{
    public sealed partial class Recommender
    {
        private static readonly char[] FlagSeparators = { ' ' };

        private List<GpuRecommendation> BuyOptions(Context c)
        {
            RecommendationRequest request = c.Request;
            var options = new List<GpuRecommendation>();
            foreach (GpuSpec card in _catalog.Cards)
            {
                if (!card.IsCudaCapable && !request.IncludeNonCuda) continue;
                if (card.IsCudaCapable && !SupportedByCurrentCuda(card)) continue;
                PriceEvidence? price = _prices.Evidence(card, request.Now);
                if (price == null) continue;
                double unitPrice = RankingPrice(price);
                foreach (Fit fit in Fits(c, card, Math.Max(1, price.Gpus), rented: false))
                {
                    double total = unitPrice * Math.Ceiling(fit.Gpus / (double)Math.Max(1, price.Gpus));
                    if (request.BudgetUsd is double budget && total > budget) continue;
                    GpuRecommendation? r = Describe(RecommendationKind.Buy, card, c, fit, rented: false);
                    if (r == null) continue;
                    SetPrice(r, price, total);
                    r.HostNeeds = HostBuild.Needs(card, fit.Gpus);
                    r.HostCostUsd = HostBuild.CostUsd(card, fit.Gpus);
                    // a set's value counts its host
                    if (r.HostCostUsd is double host
                        && r.Speed is double speed) r.SpeedPer1000Usd = Math.Round(speed / (total + host) * 1000, 2);
                    r.Reason = BuyReason(r, price);
                    AddBuyVersusRent(r, card, request);
                    options.Add(r);
                }
            }

            return options;
        }

        /// <summary>
        /// The price an option is ranked and budgeted at: the midpoint of the recent observations' range, so one
        /// low or high listing moves the ranking by half its gap, not all of it. One observation is its own midpoint.
        /// </summary>
        internal static double RankingPrice(PriceEvidence price) =>
            price.HighUsd >= price.LowUsd && price.LowUsd > 0 ? Math.Round((price.LowUsd + price.HighUsd) / 2, 0) : price.PriceUsd;

        private static void SetPrice(GpuRecommendation r, PriceEvidence price, double total)
        {
            double units = total / RankingPrice(price);
            r.PriceUsd = total;
            r.PriceLowUsd = Math.Round(price.LowUsd * units, 0);
            r.PriceHighUsd = Math.Round(price.HighUsd * units, 0);
            r.RecommendationPriceKind = PriceKindText.From(price.PriceCondition);
            r.PriceDate = price.PriceDate;
            r.Provider = price.Provider;
            r.Source = price.Source + " | specs: " + r.Source;
            r.SpeedPer1000Usd = r.Speed is double speed ? Math.Round(speed / total * 1000, 2) : (double?)null;
            foreach (string flag in price.FlagText.Split(FlagSeparators, StringSplitOptions.RemoveEmptyEntries)) r.Flags.Add(flag);
            r.PriceDerived = (price.Flags & PriceCaveats.Derived) != 0;
            if (price.Reason != null) r.Warnings.Add("Price: " + price.Reason);
            if ((price.Flags & PriceCaveats.Stale) != 0 && price.AgeMonths is int age)
                r.Warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "The price was seen {0}, {1} months ago: GPU prices moved 20-40% a month in 2026; check today's before buying (or "
                        + "pass -PriceTable).", price.PriceDate, age));
            if (price.PriceCondition == PriceCondition.Used) r.Warnings.Add(
                "Used card: check the seller, the warranty and that the card is not a mislabelled variant.");
        }

        /// <summary>
        /// The ways a card can hold the work. Without a model: one card at the memory floor (or the warned floor), and for
        /// language-model work also 2 and 4 cards bought for a home build; an SXM module only as its whole server. With a
        /// model: the fewest cards, then the most faithful method; or, for a model served in a data centre, the most
        /// faithful method on up to one 8-GPU node.
        /// </summary>
        private static IEnumerable<Fit> Fits(Context c, GpuSpec card, int minGpus, bool rented)
        {
            RecommendationRequest request = c.Request;
            double memory = Usable(card);
            if (memory < c.WarnedFloor) yield break;
            if (request.Precision == ModelPrecision.BF16 && request.IsTraining && card.Bf16TensorTflops == null) yield break;
            if (c.Methods.Count == 0)
            {
                yield return new Fit(null, minGpus);
                if (minGpus == 1 && !rented && WorkloadProfile.IsLlm(request.Workload) && card.GpuFormFactor == GpuFormFactor.Pcie
                    && memory >= c.Floor)
                {
                    yield return new Fit(null, 2);
                    yield return new Fit(null, 4);
                }

                yield break;
            }

            IReadOnlyList<MemoryEstimate> methods = Shipped(c);
            Fit? fit = c.DataCentreScale ? Served(card, methods, minGpus) : Economical(card, methods, minGpus);
            if (fit == null) yield break;
            yield return fit;
            // Training on a switched node: full fine-tuning over all eight GPUs is what the node is for, so it is offered beside the fewest
            // cards.
            if (request.IsTraining && MultiGpu.Switched(card) && Faithful(card, c.Methods,
                minGpus) is Fit faithful && faithful.Method != fit.Method)
                yield return faithful;
            // Serving at home: where one card holds the model only at a lower precision, a pair of the same card that holds a
            // more faithful one is shown beside it (Qwen3-32B: INT4 on one 24 GB card, INT8 on two), as the issue asks ("or
            // show both"); the ranking still puts one card that holds the model before a set.
            if (!request.IsTraining && !c.DataCentreScale && minGpus == 1 && fit.Gpus == 1 && card.GpuFormFactor == GpuFormFactor.Pcie
                && MaxCards(card) >= 2 && methods.FirstOrDefault(m => Holds(card, m, 2)) is MemoryEstimate pair
                && IndexOf(methods, pair) < IndexOf(methods, fit.Method))
                yield return new Fit(pair, 2);
        }

        private static int IndexOf(IReadOnlyList<MemoryEstimate> methods, MemoryEstimate? method) =>
            method == null ? int.MaxValue : methods.ToList().FindIndex(m => m.Method == method.Method);

        /// <summary>A whole server's power from its datasheet where the set is whole 8-GPU nodes (CPUs, NICs, fans and switches
        /// included).</summary>
        internal static int? NodePower(GpuSpec card, int gpus) =>
            card.NodePowerW is int node && card.NodeGpus is int per && per > 0
                && gpus >= per ? node * (int)Math.Ceiling(gpus / (double)per) : (int?)null;

        /// <summary>
        /// The methods worth serving a model by: none above the precision its publisher ships (gpt-oss in MXFP4,
        /// DeepSeek-V3 in FP8), since an upcast costs memory and bandwidth and restores nothing. Training keeps them all.
        /// </summary>
        private static IReadOnlyList<MemoryEstimate> Shipped(Context c)
        {
            if (c.Request.IsTraining || !(c.Request.Shape is ModelShape shape) || shape.NativePrecision == ModelPrecision.BF16)
                return c.Methods;
            string native = shape.NativePrecision.ToString();
            int at = c.Methods.ToList().FindIndex(m => m.Method == native);
            return at <= 0 ? c.Methods : c.Methods.Skip(at).ToList();
        }

        /// <summary>Memory a model can use: the unified-memory share on Apple and similar machines, else the card's.</summary>
        internal static double Usable(GpuSpec card) => card.UsableMemoryGb > 0 ? card.UsableMemoryGb : card.MemoryGB;

        private static Fit? Economical(GpuSpec card, IReadOnlyList<MemoryEstimate> methods, int minGpus)
        {
            foreach (int gpus in MultiGpu.Counts.Where(n => n >= minGpus && n <= MaxCards(card)))
                foreach (MemoryEstimate method in methods)
                    if (Holds(card, method, gpus)) return new Fit(method, gpus);
            return null;
        }

        /// <summary>
        /// Home and workstation cards go up to four in a machine; data-centre cards up to a server's eight. A
        /// unified-memory machine is one box: DGX Spark pairs over its ConnectX-7 ports (NVIDIA's documented two-unit
        /// cluster); Macs and Strix Halo boxes are counted one at a time.
        /// </summary>
        private static int MaxCards(GpuSpec card)
        {
            if (card.GpuFormFactor == GpuFormFactor.UnifiedMemory) return card.GpuPlatform == GpuPlatform.Cuda ? 2 : 1;
            return card.CardSegment == CardSegment.Datacenter || card.GpuFormFactor != GpuFormFactor.Pcie ? 8 : 4;
        }

        /// <summary>
        /// A data-centre-scale model as it is served: FP8 where the card has FP8 tensor cores and FP8 fits (Meta and
        /// DeepSeek ship FP8 checkpoints for exactly that; 16-bit doubles the bytes per token for no gain a user sees),
        /// else the most faithful method that fits.
        /// </summary>
        private static Fit? Served(GpuSpec card, IReadOnlyList<MemoryEstimate> methods, int minGpus)
        {
            MemoryEstimate? fp8 = methods.FirstOrDefault(m => m.ServedPrecision == ModelPrecision.FP8);
            if (fp8 != null && card.Fp8TensorTflops != null)
                foreach (int gpus in MultiGpu.Counts.Where(n => n >= minGpus && n <= MaxCards(card)))
                    if (Holds(card, fp8, gpus)) return new Fit(fp8, gpus);
            return Faithful(card, methods, minGpus);
        }

        private static Fit? Faithful(GpuSpec card, IReadOnlyList<MemoryEstimate> methods, int minGpus)
        {
            foreach (MemoryEstimate method in methods)
                foreach (int gpus in MultiGpu.Counts.Where(n => n >= minGpus && n <= MaxCards(card)))
                    if (Holds(card, method, gpus)) return new Fit(method, gpus);
            return null;
        }

        /// <summary>
        /// Whether <paramref name="gpus"/> cards hold the method: its estimate plus the allocator's headroom, in GB
        /// (10^9 bytes), against what the card has in GB. FP8 math needs Ada, Hopper or Blackwell.
        /// </summary>
        private static bool Holds(GpuSpec card, MemoryEstimate method, int gpus) =>
            !(method.ServedPrecision == ModelPrecision.FP8 && card.Fp8TensorTflops == null)
                && method.RequiredPerCardGB(gpus) <= CapacityGB(card);

        /// <summary>
        /// The memory a card gives a job in GB (10^9 bytes), the unit of the estimates. Card memory is sold in GiB
        /// (a "24 GB" RTX 3090 has 24 x 2^30 bytes, 25.8 GB; NVIDIA's datasheets count GDDR and HBM so).
        /// </summary>
        internal static double CapacityGB(GpuSpec card) => Usable(card) * BytesPerGiB / 1e9;

        private const double BytesPerGiB = 1073741824;

        private static GpuRecommendation? Describe(RecommendationKind kind, GpuSpec card, Context c, Fit fit, bool rented)
        {
            RecommendationRequest request = c.Request;
            ModelPrecision precision = SpeedPrecision(fit.Method, request.Precision);
            PerformanceEstimate? perf = PerformanceModel.Estimate(card, request.Workload, precision);
            if (perf == null) return null;
            bool serving = request.Workload == Workload.LLMInference && !request.IsTraining;
            InferenceEngine engine = request.Engine ?? MultiGpu.DefaultEngine(card, rented);
            ParallelUse use = serving ? MultiGpu.ServingUse(engine) : ParallelUse.DataParallel;
            MultiGpuScaling scaling = MultiGpu.Scaling(card, fit.Gpus, use, request.Workload);
            double memory = Usable(card);
            var r = new GpuRecommendation
            {
                RecommendationKind = kind,
                Card = card.Name,
                ShortCard = CardCatalog.ShortName(card.Name),
                Workload = request.Workload.ToString(),
                MemoryGB = memory,
                TotalMemoryGB = memory * fit.Gpus,
                ServedPrecision = fit.Method?.ServedPrecision,
                TrainingLabel = fit.Method?.TrainingLabel,
                GpusNeeded = fit.Gpus,
                Interconnect = MultiGpu.LinkName(card, fit.Gpus),
                Speed = Math.Round(perf.RelativeSpeed * scaling.Factor, 2),
                SpeedPerCard = Math.Round(perf.RelativeSpeed, 2),
                SpeedBand = fit.Gpus > 1 ? ScalingModel.BandText(perf.Band, fit.Gpus) : perf.BandText,
                ModelInputs = perf.Inputs,
                SpeedFormula = perf.Formula + " " + perf.BandText + (fit.Gpus > 1 ? "; " + scaling.Describe() : string.Empty),
                Scaling = fit.Gpus > 1 ? scaling.Describe() : null,
                Engine = serving ? InferenceEngines.NameOf(engine) : null,
                PowerW = NodePower(card, fit.Gpus) ?? card.TdpW * fit.Gpus,
                FitsModel = fit.Gpus == 1,
                RequiredMemoryGB = fit.Method != null ? Math.Round(fit.Method.RequiredPerCardGB(fit.Gpus), 1) : c.Floor,
                MemoryFormula = fit.Method?.Formula,
                Warnings = new ReadableList<string>(CardAdvice.Warnings(card, request, fit.Method, fit.Gpus)),
                Source = card.Source,
            };

            MemoryEstimate? model = fit.Method;
            string? tokensLabel = null;
            double? parameters = request.ComputeParameters;
            if (fit.Method != null)
            {
                r.Fits = fit.Method.Method;
                r.FitsDetail = fit.Method.Formula;
            }
            else if (ModelFit.For(request.Workload, CapacityGB(card), fit.Gpus, request.IsTraining) is ModelFit.Result held)
            {
                r.Fits = held.Label;
                r.FitsRank = held.Rank;
                r.FitsDetail = ModelFit.Describe(held, fit.Gpus);
                model = held.Estimate;
                parameters = held.Parameters;
                if (serving)
                {
                    var (label, size, estimate) = ModelFit.TokensClass(held);
                    tokensLabel = label;
                    model = estimate;
                    parameters = size;
                }
            }

            if (serving) AddTokens(r, card, model, parameters, engine, scaling, precision, tokensLabel);
            AddJob(r, card, c, fit.Method, scaling, precision);
            AddFlags(r, card, c, fit.Gpus, kind);
            return r;
        }

        private static void AddFlags(GpuRecommendation r, GpuSpec card, Context c, int gpus, RecommendationKind kind)
        {
            if (kind != RecommendationKind.Rent)
            {
                r.SoldAsSystem = card.GpuFormFactor == GpuFormFactor.Sxm || card.GpuFormFactor == GpuFormFactor.Integrated;
                r.PassivelyCooled = !r.SoldAsSystem && card.CardSegment == CardSegment.Datacenter;
                if (r.SoldAsSystem) r.Flags.Add("SXM-ONLY");
                else if (r.PassivelyCooled) r.Flags.Add("PASSIVE");
            }

            if (gpus > 1 && !card.PeerToPeer && card.GpuInterconnect == GpuInterconnect.None) r.Flags.Add("NO-P2P");
            if (card.GpuPlatform != GpuPlatform.Cuda) r.Flags.Add("NON-CUDA");
            if (r.MemoryGB < c.Floor && c.Methods.Count == 0)
            {
                r.Flags.Add(string.Format(CultureInfo.InvariantCulture, "{0:0}GB", r.MemoryGB));
                r.Warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0:0} GB is under the 2026 floor of {1:0} GB for {2}: bigger models, images and batches will not fit; buy it only "
                        + "if the budget allows nothing at {1:0} GB.",
                    r.MemoryGB, c.Floor, c.Request.Workload));
            }
        }

        /// <summary>The arithmetic the method runs at: FP8 inference on FP8 tensor cores; 16-bit for LoRA, QLoRA and INT8/INT4
        /// weights.</summary>
        private static ModelPrecision SpeedPrecision(MemoryEstimate? method, ModelPrecision asked)
        {
            if (method == null) return asked;
            if (method.ServedPrecision == ModelPrecision.FP8) return ModelPrecision.FP8;
            if (method.TrainsAllWeights) return asked;
            return asked == ModelPrecision.FP16 ? ModelPrecision.FP16 : ModelPrecision.BF16;
        }

        /// <summary>
        /// CUDA 13 needs compute capability 7.5, and PyTorch's CUDA 12.8+ builds dropped Volta and older
        /// (https://github.com/pytorch/pytorch/issues/172352): such a card is not one to buy today, whatever its price. It can still
        /// be rated as the user's card, and rented (free tiers run some).
        /// </summary>
        public static bool SupportedByCurrentCuda(GpuSpec card) =>
            double.TryParse(card.ComputeCapability, NumberStyles.Float, CultureInfo.InvariantCulture, out double cc) && cc >= 7.5;

        private static List<GpuRecommendation> Upgrades(Context c, List<GpuRecommendation> buys, GpuRecommendation current)
        {
            double currentSpeed = current.Speed ?? 0;
            bool llm = WorkloadProfile.MemoryFirst(c.Request.Workload);
            var upgrades = buys.Where(b =>
                (b.Speed ?? 0) >= UpgradeFactor * currentSpeed
                || (!current.FitsModel && b.FitsModel && b.GpusNeeded == 1)
                || (llm && c.Methods.Count == 0 && b.FitsRank > current.FitsRank && b.Card != current.Card)).ToList();
            foreach (GpuRecommendation u in upgrades)
            {
                u.RecommendationKind = RecommendationKind.Upgrade;
                string what = currentSpeed > 0
                    ? string.Format(CultureInfo.InvariantCulture, "{0:0.0}x the expected speed of your {1}", u.Speed / currentSpeed,
                        current.Card)
                    : "An upgrade";
                if (llm && u.FitsRank > current.FitsRank) what += string.Format(CultureInfo.InvariantCulture,
                    ", holds {0} where yours holds {1}", u.Fits, current.Fits ?? "less");
                if (current.PriceUsd is double resale && u.PriceUsd is double price && u.Card != current.Card)
                    what += string.Format(CultureInfo.InvariantCulture, "; ${0:N0} net if you sell yours at about ${1:N0}", Math.Max(0,
                        price - resale), resale);
                u.Reason = what + ". " + u.Reason;
            }

            return upgrades;
        }

        private GpuRecommendation RateCurrent(Context c)
        {
            RecommendationRequest request = c.Request;
            CardLookup lookup = _catalog.Find(request.CurrentCard ?? string.Empty, request.CurrentCardMemoryGiB);
            GpuSpec card = lookup.Card ?? throw new CardLookupException(lookup);
            Fit fit = Economical(card, c.Methods, 1) ?? new Fit(null, 1);
            GpuRecommendation r = Describe(RecommendationKind.Current, card, c, fit, rented: false)
                ?? new GpuRecommendation { RecommendationKind = RecommendationKind.Current, Card = card.Name,
                    ShortCard = CardCatalog.ShortName(card.Name),
                    MemoryGB = card.MemoryGB, TotalMemoryGB = card.MemoryGB };
            r.FitsModel = card.MemoryGB >= c.Floor && (c.Methods.Count == 0 || (fit.Method != null && fit.Gpus == 1));
            PriceEvidence? price = _prices.Evidence(card, request.Now);
            if (price != null && price.Gpus == 1)
            {
                r.PriceUsd = RankingPrice(price);
                r.PriceLowUsd = price.LowUsd;
                r.PriceHighUsd = price.HighUsd;
                r.RecommendationPriceKind = PriceKindText.From(price.PriceCondition);
                r.PriceDate = price.PriceDate;
                r.Provider = price.Provider;
            }

            r.Reason = string.Format(CultureInfo.InvariantCulture, "Your card for {0}: expected speed {1:0.00}x an RTX 3090 ({2}). {3}",
                request.Workload, r.Speed, r.ModelInputs,
                r.FitsModel ? FitText(r, c.Floor) : "It does not hold the workload on its own: " + FitText(r, c.Floor));
            return r;
        }

        private static string BuyReason(GpuRecommendation r, PriceEvidence price) =>
            string.Format(CultureInfo.InvariantCulture,
                "{0} Expected speed {1:0.00}x an RTX 3090 ({2}). ${3:N0} {4}, the midpoint of the recent range ${7:N0}-{8:N0} (chosen "
                    + "observation {5}, {6}): {9:0.00} per $1000.{10}",
                FitText(r, 0), r.Speed, r.ModelInputs, r.PriceUsd, price.Condition, price.PriceDate, price.Provider, r.PriceLowUsd,
                    r.PriceHighUsd, r.SpeedPer1000Usd,
                r.HostCostUsd is double host ? string.Format(CultureInfo.InvariantCulture,
                    " The host for {0} cards costs about ${1:N0} more ({2}).", r.GpusNeeded, host,
                    HostBuild.CostBasis(r.GpusNeeded)) : string.Empty);

        private static string FitText(GpuRecommendation r, double floor)
        {
            string cards = r.GpusNeeded > 1 ? $"{r.GpusNeeded} x {r.MemoryGB:0.#} GB ({r.Interconnect})" : $"{r.MemoryGB:0.#} GB";
            if (r.Method == null)
                return string.Format(CultureInfo.InvariantCulture, "{0} (workload floor {1:0} GB a card){2}.", cards, Math.Max(floor,
                    r.RequiredMemoryGB ?? 0),
                    r.Fits != null ? "; holds " + r.FitsDetail : string.Empty);
            return string.Format(CultureInfo.InvariantCulture, "{0} hold(s) it by {1}: {2:0.#} GB a card.", cards, r.Method,
                r.RequiredMemoryGB);
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
    }
}
