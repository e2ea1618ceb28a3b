using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Catalog;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// Ranks cards and multi-card sets to buy (at the price the price evidence chooses) and offers to rent, among
    /// those that hold the workload: its 2026 memory floor, or a model by one of the methods that fit. Two goals:
    /// Best (the default with a budget) spends the budget on capability, memory first for language-model work and
    /// speed for vision; Value ranks by speed per dollar. Under either, where two options are within 20% of each
    /// other the one with more memory goes first. Models too large for a home (over 96 GB at 4 bits) are served at
    /// FP8 or better on one 8-GPU node before 4-bit on fewer cards. Learners see the free tiers first. SXM modules
    /// are bought only as 8-GPU servers. Rates the user's card and names upgrades, adding a second of the same card.
    /// </summary>
    public sealed partial class Recommender
    {
        /// <summary>Under the Value goal with a budget, single cards below this share of the best affordable per-card speed are not
        /// ranked.</summary>
        public const double ThroughputFloorShare = 0.5;

        /// <summary>An upgrade must beat the current card's speed by this factor (or hold more, or fit a model it cannot).</summary>
        public const double UpgradeFactor = 1.5;

        /// <summary>Two options whose ranking figure is within this share of each other rank by memory.</summary>
        public const double MemoryTieShare = 0.8;

        /// <summary>Under this budget (or for Learning) the free and cheap rentals come first.</summary>
        public const double LearnerBudgetUsd = 400;

        /// <summary>Rentals at or under this per GPU-hour count as cheap tiers for learners.</summary>
        public const double CheapRentUsdPerHour = 0.5;

        /// <summary>A model over this many GB at 4 bits does not fit four 24 GB cards: it is served in a data centre, at FP8 or
        /// better.</summary>
        public const double DataCentreScaleGB = 96;

        /// <summary>
        /// US average residential electricity price, $0.1883/kWh (EIA Electric Power Monthly, Table 5.6.A, April 2026,
        /// https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_6_a), rounded; -ElectricityPrice overrides it.
        /// </summary>
        public const double DefaultElectricityUsdPerKwh = 0.19;

        /// <summary>The rest of a one-card desktop (CPU, board, disks, fans) under load, counted once per machine, in watts.</summary>
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

        /// <summary>The workload a preset implies: its task (encoders NLP, vision encoders ComputerVision, diffusion ImageGeneration), or
        /// for a language model its size.</summary>
        public static Workload ImpliedWorkload(ModelShape shape, bool training)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            switch (shape.Task)
            {
                case ModelTask.Encoder: return Workload.NLP;
                case ModelTask.VisionEncoder: return Workload.ComputerVision;
                case ModelTask.ImageGeneration: return Workload.ImageGeneration;
                default: return ImpliedWorkload(shape.Parameters, training);
            }
        }

        /// <summary>The methods the request's model can run by, most faithful first; empty without a model.</summary>
        public static IReadOnlyList<MemoryEstimate> MethodsFor(RecommendationRequest request) =>
            MemoryEstimator.MethodsFor(request);

        /// <summary>
        /// Where a method does not fit one 8-GPU node of the largest-memory NVSwitch card, the nodes of that card it needs
        /// (sharded weights and state over all GPUs); null where one node holds it.
        /// </summary>
        public static (int Nodes, GpuSpec Card)? NodesNeeded(CardCatalog catalog, MemoryEstimate method)
        {
            GpuSpec? largest = catalog.Cards.Where(k => k.IsCudaCapable
                && k.GpuInterconnect == GpuInterconnect.NvSwitch).OrderByDescending(k => k.MemoryGB).FirstOrDefault();
            if (largest == null || method.RequiredPerCardGB(8) <= CapacityGB(largest)) return null;
            for (int nodes = 2; nodes <= 64; nodes++)
                if (method.RequiredPerCardGB(8 * nodes) <= CapacityGB(largest)) return (nodes, largest);
            return null;
        }

        /// <summary>Whether the request's model is too large for a home: it is then served at FP8 or better on one node.</summary>
        public static bool DataCentreScale(RecommendationRequest request) =>
            !request.IsTraining && request.Shape is ModelShape shape
            && MemoryEstimator.Estimate(new MemoryQuery(shape) { Precision = ModelPrecision.INT4, ContextLength = request.ContextLength,
                BatchSize = request.BatchSize }).TotalGB > DataCentreScaleGB;

        /// <summary>Learning, or a budget under $400: start free, rent cheap, then buy.</summary>
        public static bool LearnerFirst(RecommendationRequest request) =>
            request.CurrentCard == null && (request.Workload == Workload.Learning || request.BudgetUsd < LearnerBudgetUsd);

        public IReadOnlyList<GpuRecommendation> Recommend(RecommendationRequest request)
        {
            IReadOnlyList<MemoryEstimate> methods = MethodsFor(request);
            var context = new Context(request, methods);
            var results = new List<GpuRecommendation>();

            GpuRecommendation? current = null;
            if (!Strings.IsNullOrWhiteSpace(request.CurrentCard))
            {
                current = RateCurrent(context);
                results.Add(current);
            }

            List<GpuRecommendation> buys = BuyOptions(context);
            if (current != null)
            {
                buys = Upgrades(context, buys, current);
                if (AddAnother(context, current) is GpuRecommendation another) buys.Add(another);
            }

            List<GpuRecommendation> ranked = Rank(context, buys);
            if (current != null) AddAnotherFirstInItsClass(ranked, current);
            List<GpuRecommendation> shownBuys = Shown(context, ranked);
            string? alsoConsider = request.IncludeNonCuda ? null : AlsoConsider(context, shownBuys);

            bool learner = LearnerFirst(request);
            List<GpuRecommendation> rents = request.IncludeCloud || learner ? RentOptions(context,
                learner).Take(request.Top).ToList() : new List<GpuRecommendation>();
            if (learner) results.AddRange(rents);
            results.AddRange(shownBuys);
            if (!learner) results.AddRange(rents);

            int rank = 1;
            string goal = request.EffectiveGoal.ToString();
            foreach (GpuRecommendation r in results)
            {
                r.MethodEstimates = context.Summary;
                r.MemorySummary = context.MemoryLine;
                r.RankingBasis = Basis(context, r.IsRental(), learner);
                r.Goal = goal;
                if (r.IsPurchase() && alsoConsider != null) r.AlsoConsider = alsoConsider;
                if (!r.IsCurrentCard()) r.Rank = rank++;
            }

            return results;
        }

        /// <summary>Adding a second of the user's card leads the options that hold as much: it costs one card, not a set.</summary>
        private static void AddAnotherFirstInItsClass(List<GpuRecommendation> ranked, GpuRecommendation current)
        {
            int at = ranked.FindIndex(r => r.Card == current.Card && r.GpusNeeded == 2
                && r.RecommendationKind == RecommendationKind.Upgrade);
            if (at <= 0) return;
            GpuRecommendation another = ranked[at];
            int first = ranked.FindIndex(r => r.FitsRank == another.FitsRank && r.Method == another.Method);
            if (first < 0 || first >= at) return;
            ranked.RemoveAt(at);
            ranked.Insert(first, another);
        }

        /// <summary>
        /// The options the table shows: those at the memory floor first; cards under it only to fill the list, flagged.
        /// Training a model, the first 8-GPU server keeps the last place if none made the list: it is how the most faithful
        /// method is bought, and its hours and cost belong beside the cards'.
        /// </summary>
        private static List<GpuRecommendation> Shown(Context c, List<GpuRecommendation> ranked)
        {
            var atFloor = ranked.Where(r => r.MemoryGB >= c.Floor || r.IsCurrentCard()).ToList();
            var under = ranked.Where(r => r.MemoryGB < c.Floor).ToList();
            List<GpuRecommendation> shown = atFloor.Take(c.Request.Top).Concat(under.Take(Math.Max(0,
                c.Request.Top - atFloor.Count))).ToList();
            GpuRecommendation? server = ranked.FirstOrDefault(IsServer);
            bool training = c.Request.IsTraining && c.Methods.Count > 0;
            if (training && server != null && !shown.Any(IsServer) && shown.Count >= 2 && c.Request.Top >= 3)
                shown[shown.Count - 1] = server;
            return shown;
        }

        /// <summary>A whole 8-GPU SXM/OAM server bought as one unit.</summary>
        private static bool IsServer(GpuRecommendation o) => o.IsPurchase() && o.SoldAsSystem;

        /// <summary>
        /// The order of the options. A data-centre-scale model served at FP8 or better ranks first. Then, under Best,
        /// capability: for language-model work the largest model class held (or, with a model, the most faithful
        /// method), then speed; for vision, speed. Under Value, speed per dollar. Last, options within 20% of each
        /// other on that figure go by memory.
        /// </summary>
        private static List<GpuRecommendation> Rank(Context c, List<GpuRecommendation> options)
        {
            RecommendationRequest request = c.Request;
            IEnumerable<GpuRecommendation> list = options;
            if (request.EffectiveGoal == RecommendationGoal.Value && request.BudgetUsd != null)
            {
                var singles = options.Where(o => o.GpusNeeded == 1).ToList();
                double best = singles.Count == 0 ? 0 : singles.Max(o => o.SpeedPerCard ?? 0);
                list = options.Where(o => o.GpusNeeded > 1 || (o.SpeedPerCard ?? 0) >= ThroughputFloorShare * best);
            }

            Func<GpuRecommendation, double> figure = request.EffectiveGoal == RecommendationGoal.Value
                ? (Func<GpuRecommendation, double>)(o => o.SpeedPer1000Usd ?? 0)
                : o => o.Speed ?? 0;
            // With a model to train, the most faithful method leads under both goals (LoRA over QLoRA): it trains better and faster.
            bool memoryFirst = (request.EffectiveGoal == RecommendationGoal.Best && WorkloadProfile.MemoryFirst(request.Workload))
                               || (request.IsTraining && c.Methods.Count > 0);
            var ordered = list
                .OrderByDescending(o => c.DataCentreScale && DeployGrade(o.ServedPrecision))
                .ThenBy(o => !c.DataCentreScale && IsServer(o)) // a $200k+ server follows the cards a home or lab can hold the work on
                .ThenBy(o => c.Methods.Count == 0 && o.PassivelyCooled) // a desktop buyer's card needs its own fans
                .ThenByDescending(o => memoryFirst ? Capability(c, o) : 0)
                .ThenBy(o => c.Methods.Count > 0 && !c.DataCentreScale ? o.GpusNeeded : 0) // one card that holds the model beats a set
                // a price worked out from a bundle ("2x for $1,800") is not an observation: it never decides
                .ThenBy(o => o.PriceDerived)
                .ThenByDescending(figure)
                .ThenBy(o => o.PriceUsd ?? double.MaxValue)
                .ToList();
            // The tie-break keeps every key above it: more memory never lifts a set of cards over one card that holds the model.
            return MemoryTieBreak(ordered, figure,
                o => (c.DataCentreScale && DeployGrade(o.ServedPrecision) ? 4000 : 0) + (!c.DataCentreScale && IsServer(o) ? 0 : 2000)
                + (c.Methods.Count == 0 && o.PassivelyCooled ? 0 : 1000)
                + (memoryFirst ? Capability(c,
                    o) : 0) - (c.Methods.Count > 0
                    && !c.DataCentreScale ? 10000 * o.GpusNeeded : 0) - (o.PriceDerived ? 100 : 0));
        }

        /// <summary>
        /// Where a later option's figure is within 20% of the one before it and it has more memory (and the same
        /// class of capability), it moves up. Each swap moves memory forward, so this ends.
        /// </summary>
        internal static List<GpuRecommendation> MemoryTieBreak(List<GpuRecommendation> ordered, Func<GpuRecommendation, double> figure,
            Func<GpuRecommendation, int> tier)
        {
            bool swapped = true;
            for (int pass = 0; swapped && pass < ordered.Count * ordered.Count; pass++)
            {
                swapped = false;
                for (int i = 0; i + 1 < ordered.Count; i++)
                {
                    GpuRecommendation a = ordered[i], b = ordered[i + 1];
                    if (tier(a) != tier(b) || b.TotalMemoryGB <= a.TotalMemoryGB) continue;
                    if (figure(b) < MemoryTieShare * figure(a)) continue;
                    ordered[i] = b;
                    ordered[i + 1] = a;
                    swapped = true;
                }
            }

            return ordered;
        }

        /// <summary>How much a set can do: the method's faithfulness with a model, the model class it holds without one.</summary>
        private static int Capability(Context c, GpuRecommendation o)
        {
            if (c.Methods.Count > 0)
            {
                int index = c.Methods.ToList().FindIndex(m => m.Method == o.Method);
                return index < 0 ? 0 : c.Methods.Count - index;
            }

            // FLUX.1 is deployed at 8 bits with output close to 16 bits: a card that also holds it at 16 bits gains no rank
            // for that, so speed decides between them (a 48 GB RTX A6000 does not lead a 24 GB RTX 4090 twice its speed).
            if (c.Request.Workload == Workload.ImageGeneration && !c.Request.IsTraining)
                return Math.Min(o.FitsRank, ModelFit.ImageGenerationDeployRank);
            return o.FitsRank;
        }

        /// <summary>FP8 or 16-bit weights: what production serving deploys.</summary>
        public static bool DeployGrade(ModelPrecision? served) => served is ModelPrecision p
            && (p == ModelPrecision.BF16 || p == ModelPrecision.FP16 || p == ModelPrecision.FP8 || p == ModelPrecision.FP32
                || p == ModelPrecision.TF32);

        private static string Basis(Context c, bool rent, bool learner)
        {
            RecommendationRequest request = c.Request;
            if (rent && learner)
                return "Start free: Colab and Kaggle give a T4 or P100 at no cost (quota-limited); then rent a card by the hour before "
                    + "buying one. Speed = x one RTX 3090";
            string speed = c.Absolute
                ? "Tok/s = one stream's decode speed" + (c.Methods.Count == 0
                    ? " of the model class in Fits, 70B at most (4-bit, 8k context)" : string.Empty)
                : c.Job
                    ? "Hours = the job's hours on these cards"
                    : "Speed = expected " + request.Workload + " throughput x one RTX 3090";
            string rankBy = c.DataCentreScale
                ? "FP8 or better on one node first, then "
                : string.Empty;
            rankBy += request.EffectiveGoal == RecommendationGoal.Best
                ? (WorkloadProfile.MemoryFirst(request.Workload) ? (c.Methods.Count > 0
                    ? "Best: most faithful method, then speed" : "Best: largest model held, then speed") : "Best: speed")
                  + (request.BudgetUsd is double b ? string.Format(CultureInfo.InvariantCulture, " within ${0:N0} of cards",
                      b) : string.Empty)
                : "Value: speed per dollar";
            return string.Format(CultureInfo.InvariantCulture,
                "{0} (\u00b1 beside each: the model's error on published measurements); ranked {1}; within 20%, more memory first", speed,
                rankBy);
        }

        private static string ModelName(RecommendationRequest request)
        {
            ModelShape? shape = request.Shape;
            if (shape == null) return string.Empty;
            string size = shape.IsMixtureOfExperts
                ? string.Format(CultureInfo.InvariantCulture, "{0:0.##e0} parameters ({1:0.##e0} active)", shape.Parameters,
                    shape.ActiveParameters)
                : string.Format(CultureInfo.InvariantCulture, "{0:0.##e0} parameters", shape.Parameters);
            return shape.IsPreset ? shape.Name + ", " + size : size;
        }

        /// <summary>What the whole request needs, worked out once.</summary>
        private sealed class Context
        {
            public Context(RecommendationRequest request, IReadOnlyList<MemoryEstimate> methods)
            {
                Request = request;
                Methods = methods;
                bool model = methods.Count > 0;
                Floor = request.MinimumMemoryGB ?? (model ? 0 : WorkloadProfile.MemoryFloorGB(request.Workload));
                WarnedFloor = request.MinimumMemoryGB ?? (model ? 0 : WorkloadProfile.WarnedFloorGB(request.Workload));
                DataCentreScale = Recommender.DataCentreScale(request);
                Absolute = request.Workload == Workload.LLMInference;
                Job = request.IsTraining && (request.JobTokens != null || request.TrainingHours != null);
                Summary = new ReadableList<string>(methods.Select(m => m.Formula).OfType<string>());
                MemoryLine = !model
                    ? string.Format(CultureInfo.InvariantCulture, "no model given; {0} needs {1:0} GB a card{2}", request.Workload, Floor,
                        WarnedFloor < Floor ? string.Format(CultureInfo.InvariantCulture, " ({0:0} GB flagged)",
                            WarnedFloor) : string.Empty)
                    : string.Format(CultureInfo.InvariantCulture, "{0}, {1} x {2}: ", ModelName(request),
                        request.Shape?.Task == ModelTask.ImageGeneration && methods[0].ContextLength > 0
                            ? methods[0].ContextLength.ToString(CultureInfo.InvariantCulture) + " px images"
                            : request.ContextLength.ToString(CultureInfo.InvariantCulture) + " tokens",
                        request.BatchSize)
                      + string.Join(", ", methods.Select(m => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.#} GB", m.Method,
                          m.TotalGB))) + " on one card";
            }

            public RecommendationRequest Request { get; }

            public IReadOnlyList<MemoryEstimate> Methods { get; }

            public double Floor { get; }

            public double WarnedFloor { get; }

            public bool DataCentreScale { get; }

            /// <summary>LLM serving: the answer is tokens a second.</summary>
            public bool Absolute { get; }

            /// <summary>A training job of known size: the answer is hours and dollars.</summary>
            public bool Job { get; }

            public ReadableList<string> Summary { get; }

            public string MemoryLine { get; }
        }
    }
}
