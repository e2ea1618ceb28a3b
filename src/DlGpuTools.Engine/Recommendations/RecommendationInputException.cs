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
        public const string InvalidModel = nameof(ErrorCatalogue.InvalidModel);
        public const string ModelPresetNotFound = nameof(ErrorCatalogue.ModelPresetNotFound);

        public RecommendationInputException(string message, string remedy, string errorId = InvalidModel)
            : base(ErrorCatalogue.Get(errorId), message, remedy)
        {
        }
    }
}
