using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DlGpuTools.Catalog;
using DlGpuTools.Interop;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// What a careless admin, an attacker on a shared node and a hostile environment hand the module: FIFOs,
    /// devices and links where files belong, crafted headers, search paths that name the current directory,
    /// control characters in process names. Each test reproduces a fault an outside review found; a hang fails
    /// within seconds instead of stopping the suite.
    /// </summary>
    public sealed class TextfileTargetTests
    {
        [Fact]
        public void AFifoADeviceALinkAndAFolderAreRefusedAndLeftAsTheyWere()
        {
            if (OperatingSystem.IsWindows()) return;
            using var files = new HostileFiles();
            string fifo = files.Fifo("fifo.prom");
            string real = files.File("real.prom", new byte[] { (byte)'x' });
            string link = files.Link("link.prom", real);
            string dangling = files.Link("dangling.prom", files.PathOf("nothing-here"));
            string folder = files.PathOf("folder.prom");
            Directory.CreateDirectory(folder);
            string? device = files.NullDevice("null.prom"); // root only, as a textfile writer in a timer often is

            foreach (string target in new[] { fifo, link, dangling,
                folder }.Concat(device == null ? Array.Empty<string>() : new[] { device }))
            {
                var e = Deadline.Run("writing to " + target, () =>
                    Assert.Throws<MetricExportException>(() => TextfileWriter.WriteAtomically(target, "DCGM_FI_DEV_GPU_UTIL 1\n")));
                Assert.Equal(Errors.ErrorCatalogue.MetricPathNotAFile.Id, e.ErrorId);
                Assert.StartsWith(target + " is ", e.Message, StringComparison.Ordinal);
                Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
            }

            Assert.Equal(FileKind.Fifo, FileStatus.OfLink(fifo).Kind);
            Assert.Equal(FileKind.SymbolicLink, FileStatus.OfLink(link).Kind);
            Assert.Equal("x", File.ReadAllText(real));
            Assert.Equal(FileKind.SymbolicLink, FileStatus.OfLink(dangling).Kind);
            Assert.False(File.Exists(files.PathOf("nothing-here")));
            Assert.Equal(FileKind.Directory, FileStatus.OfLink(folder).Kind);
            if (device != null) Assert.Equal(FileKind.CharacterDevice, FileStatus.OfLink(device).Kind);
            Assert.Empty(Directory.GetFiles(files.Folder, "*.tmp"));
        }

        [Fact]
        public void AReplacedFileKeepsItsModeAndGroup()
        {
            if (OperatingSystem.IsWindows()) return;
            using var files = new HostileFiles();
            string path = files.File("gpu.prom", new byte[] { (byte)'x' });
            HostileFiles.Run("chmod", "640", path);
            bool root = FileOperations.EffectiveUserId == 0;
            // nogroup (65534) is a group root can give a file and no test user is in: the write must keep it.
            if (root) HostileFiles.Run("chown", "0:65534", path);
            TextfileWriter.WriteAtomically(path, "DCGM_FI_DEV_GPU_UTIL 2\n");
            FileStatus after = FileStatus.Of(path);
            Assert.Equal(Convert.ToUInt32("640", 8), after.Mode);
            if (root) Assert.Equal(65534u, after.GroupId);
            Assert.Equal("DCGM_FI_DEV_GPU_UTIL 2\n", File.ReadAllText(path));
        }

        [Fact]
        public async Task TwoWritersOfANewFileBothSucceed()
        {
            using var files = new HostileFiles();
            int failures = 0;
            string? firstError = null;
            for (int round = 0; round < 300; round++)
            {
                string path = files.PathOf($"race-{round}.prom");
                using var start = new Barrier(2);
                Task[] writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
                {
                    start.SignalAndWait();
                    try
                    {
                        TextfileWriter.WriteAtomically(path, $"writer {w}\n");
                    }
                    catch (MetricExportException e)
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }
                })).ToArray();
                await Task.WhenAll(writers);
                Assert.Matches("^writer [01]\n$", File.ReadAllText(path));
            }

            Assert.True(failures == 0, $"{failures} of 600 writes failed, the first with: {firstError}");
        }
    }

    public sealed class ExpositionGroupingTests
    {
        [Fact]
        public void TwoHostsWithTheSameIndexAndNoUuidStayTwoSeries()
        {
            var a = new GpuSample { Index = 0, ComputerName = "node-a", Name = "GPU", GpuUtilizationPercent = 10,
                Timestamp = DateTimeOffset.UtcNow };
            var b = new GpuSample { Index = 0, ComputerName = "node-b", Name = "GPU", GpuUtilizationPercent = 90,
                Timestamp = DateTimeOffset.UtcNow };
            string text = PrometheusExposition.Format(new[] { a, b });
            string[] util = text.Split('\n').Where(l => l.StartsWith("DCGM_FI_DEV_GPU_UTIL{", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, util.Length);
            Assert.Contains(util,
                l => l.Contains("hostname=\"node-a\"", StringComparison.Ordinal) && l.EndsWith(" 10", StringComparison.Ordinal));
            Assert.Contains(util,
                l => l.Contains("hostname=\"node-b\"", StringComparison.Ordinal) && l.EndsWith(" 90", StringComparison.Ordinal));
        }

        [Fact]
        public void AnExportWithoutSamplesSaysSoInsteadOfBeingEmpty()
        {
            string none = PrometheusExposition.FormatExport(Array.Empty<GpuSample>());
            Assert.Contains("\ndlgputools_export_up 0\n", "\n" + none, StringComparison.Ordinal);
            Assert.DoesNotContain("DCGM_", none, StringComparison.Ordinal);
            string some = PrometheusExposition.FormatExport(
                new[] { new GpuSample { Index = 0, Uuid = "GPU-1", GpuUtilizationPercent = 5 } });
            Assert.Contains("\ndlgputools_export_up 1\n", some, StringComparison.Ordinal);
            Assert.Contains("DCGM_FI_DEV_GPU_UTIL{", some, StringComparison.Ordinal);
        }
    }

    public sealed class UserTableFileTests
    {
        [Fact]
        public void DevicesFifosAndFoldersAreRefusedWithoutReadingForever()
        {
            if (OperatingSystem.IsWindows()) return;
            using var files = new HostileFiles();
            string fifo = files.Fifo("cards.csv");
            string zeroLink = files.Link("zero.csv", "/dev/zero");
            foreach (string path in new[] { "/dev/zero", zeroLink, fifo, files.Folder })
            {
                var e = Deadline.Run("reading " + path,
                    () => Assert.Throws<CardTableException>(() => CsvTable.ReadFile(path, "card table")));
                Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
            }

            Assert.Contains("a folder", Assert.Throws<CardTableException>(() => CsvTable.ReadFile(files.Folder, "card table")).Message,
                StringComparison.Ordinal);
        }

        [Fact]
        public void AFileOverTheCapIsRefusedByTheBytesRead()
        {
            using var files = new HostileFiles();
            string big = files.File("big.csv", new byte[CsvTable.MaxFileBytes + 1]);
            var e = Assert.Throws<CardTableException>(() => CsvTable.ReadFile(big, "price table"));
            Assert.Contains("larger than 4,194,304 bytes", e.Message, StringComparison.Ordinal);
        }
    }

    public sealed class LibraryFileHardeningTests
    {
        [Fact]
        public void AFifoAtALibraryPathIsJudgedWithoutOpeningIt()
        {
            if (OperatingSystem.IsWindows()) return;
            using var files = new HostileFiles();
            string fifo = files.Fifo("libcudnn_ops.so.9");
            LibraryFileInspector.Verdict verdict = Deadline.Run("inspecting a FIFO", () => LibraryFileInspector.Inspect(fifo, false));
            Assert.StartsWith("a FIFO (named pipe), not a library file", verdict.Problem, StringComparison.Ordinal);
            string? refusal = Deadline.Run("checking a FIFO before loading", () => PlatformNativeLoader.RefuseBeforeLoading(fifo));
            Assert.Contains("a FIFO", refusal, StringComparison.Ordinal);
            Assert.Null(Deadline.Run("loading a FIFO", () => PlatformNativeLoader.Instance.TryLoad(fifo, out _)));
        }

        [Fact]
        public void AnElfHeaderWhoseOffsetsWrapAroundIsDamagedNotAnException()
        {
            // Program headers at 2^64 - 440: with 8 entries of 56 bytes the end wraps to byte 8, inside the file.
            var header = new byte[128];
            header[0] = 0x7F; header[1] = (byte)'E'; header[2] = (byte)'L'; header[3] = (byte)'F';
            header[4] = 2; header[5] = 1; header[6] = 1;
            BitConverter.GetBytes((ushort)3).CopyTo(header, 16);
            BitConverter.GetBytes((ushort)62).CopyTo(header, 18);
            BitConverter.GetBytes(ulong.MaxValue - 439).CopyTo(header, 32);
            BitConverter.GetBytes((ushort)64).CopyTo(header, 52);
            BitConverter.GetBytes((ushort)56).CopyTo(header, 54);
            BitConverter.GetBytes((ushort)8).CopyTo(header, 56);
            using var files = new HostileFiles();
            string path = files.File("libcrafted.so.1", header);
            LibraryFileInspector.Verdict verdict = LibraryFileInspector.Inspect(path, false);
            Assert.StartsWith("a damaged ELF header", verdict.Problem, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
                Assert.Contains("a damaged ELF header", PlatformNativeLoader.RefuseBeforeLoading(path), StringComparison.Ordinal);
        }
    }

    public sealed class SearchPathTests
    {
        private static ProbeEnvironment Env(string? ldLibraryPath, string? cudaPath = null, string? driverOverride = null,
            string workingDirectory = "/home/alice/work") =>
            new ProbeEnvironment(false, n => n == "LD_LIBRARY_PATH" ? ldLibraryPath : n == "CUDA_PATH" ? cudaPath
                : n == LibraryCandidates.CudaDriverOverrideVariable ? driverOverride : null,
                ProbeFileSystem.Real, false, false, Array.Empty<string>(), workingDirectory);

        [Fact]
        public void AnEmptyOrRelativeLibraryPathEntryIsSkippedAndWarnedAbout()
        {
            using var files = new HostileFiles();
            string lib = files.File("libdlgputest.so.1", new byte[] { 1 });
            // The trailing ':' of `export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH` with an empty variable.
            Assert.Equal(lib, LinuxLibrarySearch.Resolve("libdlgputest.so.1", files.Folder + ":", false, null, Array.Empty<string>));
            Assert.Null(LinuxLibrarySearch.Resolve("libdlgputest.so.1", ":relative/lib::", false, null, Array.Empty<string>));
            Assert.Contains(Env("/usr/local/cuda/lib64:").SearchPathWarnings(), w =>
                w.StartsWith("LD_LIBRARY_PATH has an empty entry", StringComparison.Ordinal));
            Assert.Contains(Env("lib:/opt/x").SearchPathWarnings(),
                w => w.Contains("'lib' is a relative folder", StringComparison.Ordinal));
            Assert.Empty(Env("/usr/local/cuda/lib64:/opt/x").SearchPathWarnings());
        }

        [Fact]
        public void ARelativeCudaPathIsNotSearchedAndARelativeOverrideIsReadWhereTheUserIs()
        {
            ProbeEnvironment relative = Env(null, cudaPath: "cuda");
            Assert.DoesNotContain(LibraryCandidates.For(NativeLibraryKind.CuDnn, relative), c =>
                c.Origin.StartsWith("$env:CUDA_PATH", StringComparison.Ordinal));
            Assert.Contains(relative.SearchPathWarnings(),
                w => w.StartsWith("CUDA_PATH is 'cuda', a relative folder", StringComparison.Ordinal));
            Assert.Contains(LibraryCandidates.For(NativeLibraryKind.CuDnn, Env(null, cudaPath: "/opt/cuda")),
                c => c.Path == "/opt/cuda/lib64/libcudnn.so.9");

            var candidate = Assert.Single(
                LibraryCandidates.For(NativeLibraryKind.CudaDriver, Env(null, driverOverride: "./drivers/libcuda.so.1")));
            Assert.Equal("/home/alice/work/drivers/libcuda.so.1", candidate.Path);
        }

        [Fact]
        public void TheLoaderIsHandedNoRelativePath()
        {
            if (OperatingSystem.IsWindows()) return;
            Assert.Null(PlatformNativeLoader.Instance.TryLoad("./libcuda.so.1", out string? error));
            Assert.Contains("only absolute paths are loaded", error, StringComparison.Ordinal);
        }

        [Fact]
        public void ThisMachinesLoaderCacheIsReadAndADamagedOneIsNot()
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/etc/ld.so.cache")) return;
            LdSoCache cache = Must.Exist(LdSoCache.Read("/etc/ld.so.cache"));
            string libc = Assert.Single(cache.Lookup("libc.so.6",
                System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64)
                    .Take(1));
            Assert.True(File.Exists(libc), libc);
            Assert.StartsWith("/", PlatformNativeLoader.Resolve("libc.so.6"), StringComparison.Ordinal);

            byte[] bytes = File.ReadAllBytes("/etc/ld.so.cache");
            int header = bytes.AsSpan().IndexOf("glibc-ld.so.cache1.1"u8);
            BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, header + 20); // an entry count far past the file's end
            Assert.Null(LdSoCache.Parse(bytes));
        }
    }

    public sealed class PrintableTextTests
    {
        [Fact]
        public void ControlCharactersOtherUsersWriteBecomeVisibleOnOneLine()
        {
            Assert.Equal("^[]0;owned^G^[[2J line two \\u009B \\u202Eevil",
                PrintableText.Of("\u001b]0;owned\u0007\u001b[2J line\ntwo\t\u009b \u202eevil"));
            Assert.Equal("python3 -c \"import os ^[[31m\"", ProcessFacts.ParseCommandLine("python3\0-c\0import os \u001b[31m\0"));
            Assert.Equal("plain text é", PrintableText.Of("plain text é"));
        }
    }
}
