using System;
using System.IO;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The checkout the tests run from: the folder above the test binaries that holds DlGpuTools.sln.</summary>
    internal static class RepositoryRoot
    {
        /// <summary>The checkout's root, or null when the tests run outside one (a copied test folder).</summary>
        public static string? Find()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "DlGpuTools.sln"))) dir = dir.Parent;
            return dir?.FullName;
        }

        /// <summary>The checkout's root; a test that reads the sources fails here when there is none.</summary>
        public static string Get()
        {
            string? root = Find();
            Assert.NotNull(root);
            return root!;
        }
    }
}
