using System;

namespace DlGpuTools.Recommendations
{
    /// <summary>
    /// The precision an inference estimate serves the weights at. A method is shown by its short name (Full BF16, LoRA BF16,
    /// QLoRA NF4 for training; the precision's own name for inference), so the engine reads the typed precision back here,
    /// in one place, rather than comparing names where it decides.
    /// </summary>
    internal static class ServedPrecision
    {
        /// <summary>The precision <paramref name="method"/> names, or null for a training method (or none).</summary>
        public static ModelPrecision? Of(string? method)
        {
            // Enum.TryParse would also take a number or a comma-separated list, which no method name is.
            if (string.IsNullOrEmpty(method) || !char.IsLetter(method![0]) || method.IndexOf(',') >= 0) return null;
            return Enum.TryParse(method, false, out ModelPrecision precision) && Enum.IsDefined(typeof(ModelPrecision), precision)
                ? precision : (ModelPrecision?)null;
        }

        /// <summary>As <see cref="Of(string)"/>, for an estimate: only inference estimates serve at a precision.</summary>
        public static ModelPrecision? Of(MemoryEstimate? estimate) => estimate == null || estimate.Training ? null : Of(estimate.Method);
    }
}
