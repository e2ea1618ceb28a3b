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
    /// </summary>
    internal sealed class NativeFunction
    {
        public NativeFunction(string name, string introducedIn, NativeBinding binding)
        {
            Name = name;
            IntroducedIn = introducedIn;
            Binding = binding;
        }

        public string Name { get; }

        /// <summary>The release that added the function, as users know it ("CUDA 3.2", "NCCL 2.7").</summary>
        public string IntroducedIn { get; }

        public NativeBinding Binding { get; }

        public override string ToString() => $"{Name} ({IntroducedIn}, {Binding})";
    }
}
