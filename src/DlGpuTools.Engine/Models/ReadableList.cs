using System.Collections.Generic;

namespace DlGpuTools
{
    /// <summary>
    /// A list property that reads well as text: Export-Csv, string interpolation and Format-Table's fallback use
    /// ToString, which for an array only says "DlGpuTools.GpuProcess[]". JSON and remoting see a plain list.
    /// </summary>
    public sealed class ReadableList<T> : List<T>
    {
        public ReadableList()
        {
        }

        public ReadableList(IEnumerable<T> items)
            : base(items)
        {
        }

        public override string ToString() => string.Join("; ", this);

        /// <summary>The engine builds these as arrays; a null array becomes an empty list.</summary>
        public static implicit operator ReadableList<T>(T[] items) => items == null ? new ReadableList<T>() : new ReadableList<T>(items);
    }
}
