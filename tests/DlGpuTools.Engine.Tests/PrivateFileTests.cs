using System;
using System.IO;
using DlGpuTools.Interop;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public sealed class PrivateFileTests
    {
        [Fact]
        public void ANewFileIsOwnerOnlyAndALinkOrFileInItsPlaceIsRefused()
        {
            if (!OperatingSystem.IsLinux()) return;
            string root = Path.Combine(Path.GetTempPath(), "dlgpu-private-" + Guid.NewGuid().ToString("N")[..16]);
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            try
            {
                string path = Path.Combine(root, "state");
                using (FileStream stream = PrivateFile.CreateNew(path)) stream.WriteByte(42);
                uint mode = FileStatus.Of(path).Mode;
                Assert.Equal(0x100u, mode & 0x100);  // the owner reads it
                Assert.Equal(0u, mode & 0x3F);       // no one else can, from its creation (0600 less the umask)
                Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(path));
                Assert.Throws<IOException>(() => PrivateFile.CreateNew(path));

                string target = Path.Combine(root, "target");
                File.WriteAllText(target, "untouched");
                string link = Path.Combine(root, "link");
                File.CreateSymbolicLink(link, target);
                Assert.Throws<IOException>(() => PrivateFile.CreateNew(link));
                Assert.Equal("untouched", File.ReadAllText(target));

                string dangling = Path.Combine(root, "dangling");
                File.CreateSymbolicLink(dangling, Path.Combine(root, "would-be-created"));
                Assert.Throws<IOException>(() => PrivateFile.CreateNew(dangling));
                Assert.False(File.Exists(Path.Combine(root, "would-be-created")));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
