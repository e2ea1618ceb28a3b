using DlGpuTools.Catalog;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// A card the test names and the table must have: a missing one fails the test with its name instead of a
    /// null reference further on.
    /// </summary>
    internal static class KnownCards
    {
        public static GpuSpec Card(this CardCatalog catalog, string name) =>
            catalog.Resolve(name) ?? throw new Xunit.Sdk.XunitException($"The card table has no single card named '{name}'.");
    }
}
