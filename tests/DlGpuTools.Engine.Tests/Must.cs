using Xunit.Sdk;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// A value the test needs: a null fails the test at this line with a plain message instead of a
    /// NullReferenceException or InvalidOperationException further on.
    /// </summary>
    internal static class Must
    {
        public static T Exist<T>(T? value)
            where T : class =>
            value ?? throw new XunitException($"Expected a {typeof(T).Name}, got null.");

        public static T HaveValue<T>(T? value)
            where T : struct =>
            value ?? throw new XunitException($"Expected a {typeof(T).Name} value, got null.");
    }
}
