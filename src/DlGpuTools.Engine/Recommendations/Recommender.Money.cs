using System;
using System.Globalization;
using System.Linq;

namespace DlGpuTools.Recommendations
{
    public sealed partial class Recommender
    {
        /// <summary>Training FLOPs per token and parameter: 6 for forward and backward, 2 more to recompute checkpointed
        /// activations.</summary>
        public const double FullFlopsPerToken = 8;

        /// <summary>LoRA and QLoRA skip the weight gradients of the frozen base: 2 forward + 2 backward (input gradients) + 2
        /// recompute.</summary>
        public const double AdapterFlopsPerToken = 6;

        /// <summary>
        /// What the CPU reads from host memory for offloaded experts, GB/s: a desktop's two DDR5-5600 channels give 89.6 GB/s
        /// in theory (5600 MT/s x 8 bytes x 2, the JEDEC DDR5 data rate, JESD79-5, 2020) and about two thirds of it to one
        /// process streaming weights. An assumption, stated in the formula, not a fit: servers with more channels read faster.
        /// </summary>
        public const double HostExpertReadGBps = 60;

        /// <summary>A bought card loses about this share of its value a year (a used RTX 3090 sold near $1,000 in 2026 against $1,499 at
        /// launch in 2020 fell slower; data-centre cards fall faster).</summary>
        public const double YearlyDepreciation = 0.15;

        private static void AddTokens(GpuRecommendation r, GpuSpec card, MemoryEstimate? model, double? parameters, InferenceEngine engine,
            MultiGpuScaling scaling, ModelPrecision precision, string? label)
        {
            if (model == null) return;
            double bytes = model.BytesPerDecodedToken > 0 ? model.BytesPerDecodedToken : (model.WeightsGB + model.KvCacheGB) * 1e9;
            ThroughputEstimate? decode = PerformanceModel.DecodeTokensPerSecond(card, bytes, engine);
            if (decode == null) return;
            // Experts offloaded to host memory are read there for every token (the CPU computes them, as llama.cpp's
            // --n-cpu-moe does), after the cards' share: the slower of the two memories is in series, not in parallel.
            double hostSeconds = model.HostBytesPerDecodedToken / (HostExpertReadGBps * 1e9);
            double perToken = 1 / (decode.Value * scaling.Factor) + hostSeconds;
            r.TokensPerSecond = Math.Round(1 / perToken, 1);
            r.TokensBand = ScalingModel.BandText(decode.Band, scaling.Gpus);
            r.TokensModel = label ?? r.Fits ?? model.Method;
            string host = hostSeconds > 0
                ? string.Format(CultureInfo.InvariantCulture,
                    "; plus {0:0.0} GB of routed experts read by the CPU from host memory at an assumed {1:0} GB/s = {2:0.0} ms",
                    model.HostBytesPerDecodedToken / 1e9, HostExpertReadGBps, hostSeconds * 1e3)
                : string.Empty;
            // One card with nothing read from host memory: the decode formula already ends in the figure, so it is not said twice.
            bool adjusted = scaling.Gpus > 1 || hostSeconds > 0;
            r.TokensFormula = string.Format(CultureInfo.InvariantCulture,
                "{0} reads {1:0.0} GB a token (active weights + the {2:0.0} GB KV cache at full context): {3}{4}{8}{5} {6} with {7}",
                r.TokensModel, bytes / 1e9, model.KvCacheGB, decode.Formula,
                scaling.Gpus > 1 ? string.Format(CultureInfo.InvariantCulture, "; {0}", scaling.Describe()) : string.Empty,
                adjusted ? string.Format(CultureInfo.InvariantCulture, " = {0:0.#} tokens/s", r.TokensPerSecond) : string.Empty,
                r.TokensBand, InferenceEngines.NameOf(engine), host);
            if (parameters is double p && PerformanceModel.PrefillTokensPerSecond(card, p, precision, engine) is ThroughputEstimate prefill)
                r.PrefillTokensPerSecond = Math.Round(prefill.Value * (scaling.Use == ParallelUse.TensorParallel ? scaling.Factor : 1), 0);
        }

        /// <summary>
        /// Hours of the training job on these cards: from its tokens (FLOPs per token over the fitted sustained FLOP/s of the
        /// cards, scaled by data-parallel efficiency), or from -TrainingHours stated for one RTX 3090 and divided by the Speed.
        /// </summary>
        private static void AddJob(GpuRecommendation r, GpuSpec card, Context c, MemoryEstimate? method, MultiGpuScaling scaling,
            ModelPrecision precision)
        {
            RecommendationRequest request = c.Request;
            if (!request.IsTraining) return;
            if (request.JobTokens is double tokens && request.ComputeParameters is double parameters && method?.Method != null)
            {
                bool full = method.TrainsAllWeights;
                ThroughputEstimate? flops = PerformanceModel.TrainingFlopsPerSecond(card, full ? precision : ModelPrecision.BF16);
                if (flops == null) return;
                double perToken = (full ? FullFlopsPerToken : AdapterFlopsPerToken) * parameters;
                double rate = flops.Value * scaling.Factor * method.SpeedFactor;
                double hours = tokens * perToken / rate / 3600;
                r.JobHours = Math.Round(hours, hours < 10 ? 2 : 1);
                r.JobBand = ScalingModel.BandText(flops.Band, scaling.Gpus);
                r.JobFormula = string.Format(CultureInfo.InvariantCulture,
                    "{0:0.##e0} tokens x {1} x {2:0.##e0} parameters = {3:0.##e0} FLOPs at {4}{5}{6} = {7:0.#} h {8}",
                    tokens, full ? FullFlopsPerToken : AdapterFlopsPerToken, parameters, tokens * perToken, flops.Formula,
                    scaling.Gpus > 1 ? "; " + scaling.Describe() : string.Empty,
                        method.SpeedFactor < 1
                            ? string.Format(CultureInfo.InvariantCulture, "; x {0:0.##} for QLoRA's dequantisation (Raschka 2023)",
                                method.SpeedFactor)
                            : string.Empty,
                        hours, r.JobBand);
            }
            else if (request.TrainingHours is double reference && r.Speed is double speed && speed > 0)
            {
                r.JobHours = Math.Round(reference / speed, 1);
                r.JobBand = r.SpeedBand;
                r.JobFormula = string.Format(CultureInfo.InvariantCulture, "{0:0.#} h on one RTX 3090 / Speed {1:0.00} = {2:0.#} h",
                    reference, speed, reference / speed);
            }
        }

        private void AddBuyVersusRent(GpuRecommendation r, GpuSpec card, RecommendationRequest request)
        {
            if (!(r.PriceUsd is double priceUsd)) return;
            string cardName = card.Name;
            CloudOffer? cheapest = _offers
                .Where(o => o.UsdPerGpuHour > 0 && o.Card != null && string.Equals(_catalog.Resolve(o.Card)?.Name, cardName,
                    StringComparison.OrdinalIgnoreCase))
                .OrderBy(o => o.UsdPerGpuHour)
                .FirstOrDefault();
            int? nodePower = NodePower(card, r.GpusNeeded);
            bool node = nodePower != null;
            double watts = nodePower ?? (card.TdpW ?? 0) * r.GpusNeeded + (r.GpusNeeded > 1 ? HostBuild.HostPowerW : HostPowerW);
            double kw = watts / 1000.0;
            double power = kw * request.ElectricityUsdPerKwh;
            double host = r.HostCostUsd ?? 0;
            double resale = request.HorizonYears is double years ? priceUsd * Math.Pow(1 - YearlyDepreciation, years) : 0;
            string own = string.Format(CultureInfo.InvariantCulture, "Owning draws {0:0.00} kW ({1}): ${2:0.000}/h at ${3:0.00}/kWh",
                kw, node ? "the whole server, from its datasheet" : string.Format(CultureInfo.InvariantCulture, "{0} x {1} W + host",
                    r.GpusNeeded, card.TdpW), power, request.ElectricityUsdPerKwh);
            string outlay = string.Format(CultureInfo.InvariantCulture, "${0:N0}{1}{2}", priceUsd,
                host > 0 ? string.Format(CultureInfo.InvariantCulture, " + ${0:N0} host", host) : string.Empty,
                resale > 0 ? string.Format(CultureInfo.InvariantCulture, " - ${0:N0} resale after {1:0.#} years (15% a year)", resale,
                    request.HorizonYears) : string.Empty);
            if (r.JobHours is double hours) r.CostForHoursUsd = Math.Round(priceUsd + host - resale + hours * power, 2);
            if (cheapest == null)
            {
                r.BuyVersusRent = own + "; no rental of this card is in the price list.";
                return;
            }

            double hourly = cheapest.UsdPerGpuHour * r.GpusNeeded;
            string text = own + string.Format(CultureInfo.InvariantCulture, "; renting costs ${0:0.00}/h ({1} {2}, {3})", hourly,
                cheapest.Provider, cheapest.Offer, cheapest.PriceDate);
            if (hourly > power)
            {
                double breakEven = (priceUsd + host - resale) / (hourly - power);
                text += string.Format(CultureInfo.InvariantCulture,
                    "; buying ({0}) pays off after {1:N0} h of use: {2:0.#} months at 24 h a day, {3:0.#} years at 4 h a day (most "
                        + "personal machines run 5-15% of the time, Dettmers)",
                    outlay, breakEven, breakEven / 730, breakEven / (4 * 365));
            }
            else
            {
                text += "; renting costs less than the electricity alone, so buying never pays off on cost";
            }

            if (r.JobHours is double h)
                text += string.Format(CultureInfo.InvariantCulture,
                    ". For this job's {0:0.#} h: renting ${1:N0}, buying {2} + ${3:N0} electricity", h, h * hourly, outlay, h * power);
            r.BuyVersusRent = text + (resale > 0 ? "." : " (resale not counted; pass -HorizonYears).");
        }
    }
}
