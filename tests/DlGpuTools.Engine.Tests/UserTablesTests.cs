using System;
using System.IO;
using DlGpuTools.Catalog;
using DlGpuTools.Errors;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// A command loads the card and price tables through <see cref="UserTables"/>, which words every refusal as the
    /// table's own catalogue error: the id says which table, the category and remedy say what is wrong with it.
    /// </summary>
    public sealed class UserTablesTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "dlgpu-usertables-" + Guid.NewGuid().ToString("N"));

        public UserTablesTests() => Directory.CreateDirectory(_folder);

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        [Fact]
        public void The_built_in_tables_load_without_a_path()
        {
            CardCatalog cards = UserTables.LoadCards(null);
            Assert.NotEmpty(cards.Cards);
            Assert.NotNull(UserTables.LoadPrices(null, cards));
        }

        [Fact]
        public void A_missing_card_table_is_CardTableInvalid_not_found_with_the_path_remedy()
        {
            string path = Path.Combine(_folder, "no-such-cards.csv");

            var e = Assert.Throws<TableLoadException>(() => UserTables.LoadCards(path));

            Assert.Same(ErrorCatalogue.CardTableInvalid, e.Entry);
            Assert.Equal(FailureCategory.ObjectNotFound, e.Category);
            Assert.Contains("no-such-cards.csv", e.Message, StringComparison.Ordinal);
            Assert.Contains("-CardTable ./my-cards.csv", e.Remedy, StringComparison.Ordinal);
        }

        [Fact]
        public void A_price_table_with_bad_rows_is_PriceTableInvalid_invalid_data_with_the_price_remedy()
        {
            string path = Path.Combine(_folder, "prices.csv");
            File.WriteAllText(path, "card,condition,price_usd,price_date,source\nRTX 4090,mint,abc,2026-13,\n");

            var e = Assert.Throws<TableLoadException>(() => UserTables.LoadPrices(path, CardCatalog.BuiltIn));

            Assert.Same(ErrorCatalogue.PriceTableInvalid, e.Entry);
            Assert.Equal(FailureCategory.InvalidData, e.Category);
            Assert.Contains("condition is new or used", e.Remedy, StringComparison.Ordinal);
        }
    }
}
