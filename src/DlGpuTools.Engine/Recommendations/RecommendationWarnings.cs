using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DlGpuTools.Catalog;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// What a recommendation must say besides its rows: nothing fits, nothing beats the card you have, nothing to buy
    /// holds the model, or the most faithful method fits no option listed (and how many nodes it would take).
    /// </summary>
    public static class RecommendationWarnings
    {
        /// <summary>The warnings for these results, in the order they are to be read.</summary>
        public static IReadOnlyList<string> For(RecommendationRequest request, IReadOnlyList<GpuRecommendation> results, CardCatalog cards)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (results == null) throw new ArgumentNullException(nameof(results));
            if (cards == null) throw new ArgumentNullException(nameof(cards));
            var warnings = new List<string>();
            if (results.Count == 1 && results[0].IsCurrentCard())
            {
                warnings.Add(F("No card within these limits beats your {0} by 1.5x for {1}: keep it, or raise -Budget.", results[0].Card,
                    request.Workload));
            }
            else if (results.Count == 0)
            {
                warnings.Add(F("No card in the table meets these conditions for "
                    + "{0}: raise -Budget, lower -MinimumMemoryGB, or add -IncludeCloud to rent.", request.Workload));
            }

            if (request.ModelParameters != null && !request.IncludeCloud && !results.Any(r => r.IsPurchase()))
            {
                warnings.Add(F("Nothing to buy holds this within 8 "
                    + "cards{0}: add -IncludeCloud to rent (H200 141 GB, B200 180 GB), or use a smaller method "
                    + "(the memory line lists LoRA/QLoRA or 4-bit estimates).", request.BudgetUsd is double b ? F(" and ${0:N0}",
                        b) : string.Empty));
            }

            // The most faithful method (full fine-tuning, or the asked precision) that no row uses: say what it needs.
            IReadOnlyList<MemoryEstimate> methods = Recommender.MethodsFor(request);
            MemoryEstimate? first = methods.Count > 0 ? methods[0] : null;
            // A data-centre-scale model is served at FP8 by choice where a node holds it: that is not a method that failed to fit.
            bool servedAtFp8 = Recommender.DataCentreScale(request) && results.Any(r => r.ServedPrecision == ModelPrecision.FP8);
            // Nor is a precision above the one the publisher ships (gpt-oss in MXFP4): it is left out on purpose.
            bool asShipped = !request.IsTraining && request.Shape is ModelShape served && served.NativePrecision != ModelPrecision.BF16
                             && results.Any(r => r.ServedPrecision == served.NativePrecision);
            if (first != null && results.Count > 0 && !servedAtFp8 && !asShipped && !results.Any(r => r.Method == first.Method))
            {
                string cloud = request.IncludeCloud
                    ? string.Empty
                    : " Add -IncludeCloud to see rentals of large cards (H200 141 GB, B200 180 GB), alone or several together.";
                warnings.Add(F("{0} needs {1:0.#} GB on one card: no option listed here holds it, "
                    + "so the rows use the smaller methods named in the memory line.{2}",
                    first.Method, first.TotalGB, cloud));
                if (Recommender.NodesNeeded(cards, first) is (int nodes, GpuSpec largest))
                {
                    warnings.Add(F("{0} needs {1:0.#} GB in all: one 8-GPU node does not hold it; "
                        + "it takes {2} nodes of 8 x {3} ({4:0} GB a GPU) "
                        + "with FSDP/ZeRO-3 across a 400 Gb/s-per-GPU InfiniBand or RoCE fabric.",
                        first.Method, first.TotalGB, nodes, CardCatalog.ShortName(largest.Name), largest.MemoryGB));
                }
            }

            return warnings;
        }

        // For the person at the console, so in the current culture (numbers as the user writes them).
        private static string F(string format, params object?[] args) => string.Format(CultureInfo.CurrentCulture, format, args);
    }
}
