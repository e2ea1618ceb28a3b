using System;
using System.Collections.Generic;

namespace DlGpuTools.Interop
{
    /// <summary>When a declared native function is looked up in its library.</summary>
    internal enum NativeBinding
    {
        /// <summary>At load: a library without it is refused there, with the function and its release named.</summary>
        Eager,

        /// <summary>On first call: a library without it fails only that call, with the library's "too old" answer.</summary>
        Lazy,
    }

    /// <summary>
    /// One native function as Interop/Bindings/*.bindings declares it: the export's name, the release of its
    /// library that introduced it, and when it is resolved. The generated stubs and the binding tests read these.
    /// Where vendors spell one function differently (CPU BLAS: sgemm_, sgemm or SGEMM; a renamed copy's
    /// scipy_cblas_sgemm64_), the declaration lists the candidate exports and says whether the library's spelling
    /// applies; the table tries them in order.
    /// </summary>
    internal sealed class NativeFunction
    {
        private static readonly char[] ExportSeparator = { '|' };

        public NativeFunction(string name, string introducedIn, NativeBinding binding, string? exports = null, bool spelled = false)
        {
            Name = name;
            IntroducedIn = introducedIn;
            Binding = binding;
            Exports = exports == null ? new[] { name } : exports.Split(ExportSeparator, StringSplitOptions.RemoveEmptyEntries);
            Spelled = spelled;
        }

        /// <summary>The declaration's name: its stub's name, and the export's unless <see cref="Exports"/> says otherwise.</summary>
        public string Name { get; }

        /// <summary>The export names tried, in order, for this function (its own name unless declared otherwise).</summary>
        public IReadOnlyList<string> Exports { get; }

        /// <summary>True when the exports go through the spelling the library gives its table (a prefix or suffix).</summary>
        public bool Spelled { get; }

        /// <summary>The release that added the function, as users know it ("CUDA 3.2", "NCCL 2.7").</summary>
        public string IntroducedIn { get; }

        public NativeBinding Binding { get; }

        public override string ToString() => $"{Name} ({IntroducedIn}, {Binding})";
    }
}
