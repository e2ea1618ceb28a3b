namespace DlGpuTools
{
    /// <summary>
    /// The one rule for a row's Method text, shared by <see cref="MemoryEstimate"/> and <see cref="GpuRecommendation"/>: a
    /// training label (Full BF16, QLoRA NF4, …) is shown as it is, an inference method by its precision's name; text read
    /// back (a row rebuilt after remoting or from CSV) is a precision only when it is exactly one's name.
    /// </summary>
    internal static class MethodText
    {
        public static string? Show(string? trainingLabel, ModelPrecision? servedPrecision) =>
            trainingLabel ?? servedPrecision?.ToString();

        public static (ModelPrecision? ServedPrecision, string? TrainingLabel) Read(string? text)
        {
            ModelPrecision? precision = EnumText.TryParseName<ModelPrecision>(text);
            return (precision, precision == null ? text : null);
        }
    }
}
