using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The engine's one way to hold native resources for the length of a measurement: each is added to a list as it
    /// is created and the list is disposed in reverse, so plans and streams go before the memory they use, on every way
    /// out (an exception or Ctrl+C included). Used with <c>using static DlGpuTools.Interop.Ownership;</c>.
    /// </summary>
    internal static class Ownership
    {
        /// <summary>Adds <paramref name="item"/> to <paramref name="owned"/> and returns it.</summary>
        public static T Own<T>(List<IDisposable> owned, T item)
            where T : IDisposable
        {
            owned.Add(item);
            return item;
        }

        /// <summary>Disposes everything in <paramref name="owned"/>, newest first.</summary>
        public static void DisposeAll(List<IDisposable> owned)
        {
            for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        }
    }
}
