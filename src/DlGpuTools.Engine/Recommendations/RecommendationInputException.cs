using DlGpuTools.Errors;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// A model or method the user asked for that cannot be estimated as given (a parameter count that is not
    /// positive, full training in INT4, expert offload for a dense model). It is the user's to change; any other
    /// ArgumentException from the engine is a bug and surfaces as one.
    /// </summary>
    public sealed class RecommendationInputException : DlGpuToolsException
    {
        /// <summary>An InvalidModel failure: the model or method cannot be estimated as given.</summary>
        public RecommendationInputException(string message, string remedy)
            : this(message, remedy, ErrorCatalogue.InvalidModel)
        {
        }

        /// <summary>For InvalidModel, ModelPresetNotFound (a -Model that names no preset) or TrainingNeedsModelParameters.</summary>
        public RecommendationInputException(string message, string remedy, ErrorEntry entry)
            : base(entry, message, remedy)
        {
        }
    }
}
