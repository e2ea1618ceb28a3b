namespace DlGpuTools.Interop
{
    /// <summary>
    /// Turns a call expression captured by CallerArgumentExpression ("driver.cuDeviceGetName(dev, out name)")
    /// into the native function's name ("cuDeviceGetName"). The binding methods carry the native names, so
    /// error messages name the function users can look up in NVIDIA's documentation.
    /// </summary>
    internal static class NativeCall
    {
        public static string Name(string? expression)
        {
            if (Strings.IsNullOrEmpty(expression)) return "a native call";
            int paren = expression.IndexOf('(');
            string head = paren >= 0 ? expression.Substring(0, paren) : expression;
            int dot = head.LastIndexOf('.');
            return dot >= 0 ? head.Substring(dot + 1) : head;
        }
    }
}
