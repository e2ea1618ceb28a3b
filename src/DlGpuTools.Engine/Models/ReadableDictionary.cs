using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools
{
    /// <summary>
    /// A name-to-value property that reads well as text: Export-Csv and string interpolation use ToString, which for a
    /// Dictionary only says its type name. It gives "Count=2; TorchCuda=13.0"; JSON and remoting see the entries.
    /// </summary>
    public sealed class ReadableDictionary : Dictionary<string, string?>
    {
        public ReadableDictionary()
            : base(StringComparer.Ordinal)
        {
        }

        public override string ToString() =>
            string.Join("; ", this.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }
}
