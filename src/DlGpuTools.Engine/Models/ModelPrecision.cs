namespace DlGpuTools
{
    /// <summary>
    /// Numeric format of the model's weights. With the models, as the memory estimates and recommendation rows carry the
    /// precision they serve at.
    /// </summary>
    public enum ModelPrecision
    {
        FP32,
        TF32,
        FP16,
        BF16,
        FP8,
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
            Justification = "INT8 is the precision's own name, which users type as -Precision INT8; renaming it would break their "
                + "scripts.")]
        INT8,
        INT4,

        /// <summary>NVFP4 (Blackwell): 4-bit E2M1 values with one FP8 E4M3 scale per 16, 4.5 bits a weight.</summary>
        FP4,

        /// <summary>MXFP4 (OCP microscaling): 4-bit E2M1 values with one 8-bit power-of-two scale per 32, 4.25 bits a weight.</summary>
        MXFP4,
    }
}
