namespace DlGpuTools
{
    /// <summary>Which market a chosen price is from: shown in lower case, as the price table spells its conditions.</summary>
    internal enum PriceCondition
    {
        New,
        Used,

        /// <summary>No market price is known: the card table's launch price (or an MSRP row) stands in.</summary>
        Launch,
    }
}
