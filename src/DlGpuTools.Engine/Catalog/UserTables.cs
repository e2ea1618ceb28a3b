namespace DlGpuTools.Catalog
{
    /// <summary>
    /// The card and price tables as a command loads them, the built-in one (null path) or a user's file: a table that
    /// cannot be used is a <see cref="TableLoadException"/> (CardTableInvalid, PriceTableInvalid) with the category and
    /// remedy its problem calls for, so a command only calls and writes.
    /// </summary>
    public static class UserTables
    {
        public static CardCatalog LoadCards(string? path)
        {
            try
            {
                return CardCatalog.Load(path);
            }
            catch (CardTableException e)
            {
                throw TableLoadException.From(e, priceTable: false);
            }
        }

        public static PriceTable LoadPrices(string? path, CardCatalog catalog)
        {
            try
            {
                return PriceTable.Load(path, catalog);
            }
            catch (CardTableException e)
            {
                throw TableLoadException.From(e, priceTable: true);
            }
        }
    }
}
