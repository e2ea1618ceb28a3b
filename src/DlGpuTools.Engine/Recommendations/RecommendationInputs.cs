using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Recommendations
{
    /// <summary>The checks of a recommendation's input that come before any estimate, each failing with its own id.</summary>
    public static class RecommendationInputs
    {
        /// <summary>-Training and -Method describe a model, so one must be named or sized.</summary>
        public static RecommendationInputException TrainingNeedsModel() => new RecommendationInputException(
            "-Training and -Method describe a model: name it with -Model or give its size with -ModelParameters.",
            "For example: Get-GpuRecommendation -ModelParameters 7e9 -Training -Precision BF16.",
            ErrorCatalogue.TrainingNeedsModelParameters);

        /// <summary>The preset of that name; ModelPresetNotFound, with the closest names, when there is none.</summary>
        public static ModelShape FindPreset(string name)
        {
            ModelShape? shape = ModelPresets.Find(name);
            if (shape != null) return shape;
            string names = string.Join(", ", ModelPresets.Closest(name).DefaultIfEmpty(string.Join(", ", ModelPresets.Names)));
            return ThrowNotFound(name, names);
        }

        private static ModelShape ThrowNotFound(string name, string names) => throw new RecommendationInputException(
            "No model preset is named '" + name + "'.",
            "Name one of: " + names + "; or give the size with -ModelParameters (and -ActiveParameters for a mixture of experts).",
            ErrorCatalogue.ModelPresetNotFound);
    }
}
