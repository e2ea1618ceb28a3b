using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using DlGpuTools.Bandwidth;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Checks of the hand-written PTX that the machines without a GPU can make (the driver compiles it only on a
    /// GPU): registers within their declarations, branch targets defined, parameters declared and as many as the
    /// engine passes, and only instructions of PTX ISA 6.0 that the kernels are meant to use.
    /// </summary>
    public sealed class BandwidthKernelTextTests
    {
        private static readonly string Ptx = BandwidthModule.PtxText();

        private static Dictionary<string, string> Entries()
        {
            var entries = new Dictionary<string, string>();
            // Parameters, then any performance directives (.maxntid, .minnctapersm) before the body.
            foreach (Match m in Regex.Matches(Ptx, @"\.visible \.entry (\w+)\(([^)]*)\)([^{]*)\{(.*?)\n\}", RegexOptions.Singleline))
                entries[m.Groups[1].Value] = m.Groups[2].Value + m.Groups[3].Value + "\n{" + m.Groups[4].Value;
            return entries;
        }

        private static string Code(string text) => Regex.Replace(text, @"//[^\n]*", string.Empty);

        [Fact]
        public void The_module_declares_the_portable_directives_and_every_kernel_the_engine_uses()
        {
            Assert.Matches(@"(?m)^\.version 6\.0$", Ptx);
            Assert.Matches(@"(?m)^\.target sm_50$", Ptx);
            Assert.Matches(@"(?m)^\.address_size 64$", Ptx);
            Assert.Equal(new[] { "dlgpu_copy", "dlgpu_copy_strided", "dlgpu_read", "dlgpu_spin", "dlgpu_triad", "dlgpu_write" },
                Entries().Keys.OrderBy(k => k));
        }

        /// <summary>
        /// The pipelined copy is launched as two 512-thread blocks an SM and relies on every block being resident at
        /// once; its directives are what make ptxas fit two blocks' registers, and a launch above .maxntid fails.
        /// </summary>
        [Fact]
        public void The_pipelined_copy_promises_ptxas_the_launch_the_engine_makes()
        {
            string head = Entries()["dlgpu_copy_strided"];
            head = head.Substring(0, head.IndexOf('{'));
            Assert.Matches(@"\.maxntid 512, 1, 1\s", head);
            Assert.Matches(@"\.minnctapersm 2\s", head);
        }

        [Theory]
        [InlineData("dlgpu_write", 3)]
        [InlineData("dlgpu_read", 3)]
        [InlineData("dlgpu_copy", 3)]
        [InlineData("dlgpu_copy_strided", 6)]
        [InlineData("dlgpu_triad", 5)]
        [InlineData("dlgpu_spin", 3)]
        public void Each_kernel_takes_the_parameters_the_engine_passes_and_uses_only_what_it_declares(string kernel, int parameters)
        {
            string text = Code(Entries()[kernel]);
            string head = text.Substring(0, text.IndexOf('{'));
            string body = text.Substring(text.IndexOf('{'));
            var declared = Regex.Matches(head, @"\.param \.(u32|u64) (\w+)").Cast<Match>().Select(m => m.Groups[2].Value).ToList();
            Assert.Equal(parameters, declared.Count);
            foreach (Match use in Regex.Matches(body, @"ld\.param\.\w+ %\w+, \[(\w+)\]"))
                Assert.Contains(use.Groups[1].Value, declared);

            var registers = Regex.Matches(body, @"\.reg \.\w+ %(\w+)<(\d+)>").Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            foreach (Match use in Regex.Matches(body, @"%(p|r|rd)(\d+)\b"))
            {
                Assert.True(registers.TryGetValue(use.Groups[1].Value, out int count), $"{kernel}: %{use.Groups[1].Value} is not declared");
                Assert.True(int.Parse(use.Groups[2].Value, CultureInfo.InvariantCulture) < count,
                    $"{kernel}: {use.Value} is beyond %{use.Groups[1].Value}<{count}>");
            }

            var labels = new HashSet<string>(Regex.Matches(body, @"(?m)^(\w+):").Cast<Match>().Select(m => m.Groups[1].Value));
            foreach (Match branch in Regex.Matches(body, @"\bbra(?:\.uni)? (\w+);"))
                Assert.Contains(branch.Groups[1].Value, labels);

            string[] allowed =
            {
                "ld.param.u64", "ld.param.u32", "cvta.to.global.u64", "mov.u32", "mov.u64", "mul.wide.u32", "cvt.u64.u32", "cvt.u32.u64",
                "add.u64", "add.u32", "sub.u64", "mul.lo.u64", "shr.u64", "selp.b64", "shl.b32", "shl.b64", "shr.u32", "and.b32",
                    "xor.b32", "mad.lo.u32",
                "setp.ge.u64", "setp.lt.u64", "setp.lt.u32", "setp.ne.u32", "bra", "bra.uni", "ret", "bar.sync",
                "ld.global.v4.u32", "st.global.v4.u32", "st.global.u32", "ld.shared.u32", "st.shared.u32",
                "ld.volatile.global.u32", "st.volatile.global.u32", "shfl.sync.bfly.b32",
            };
            foreach (Match instruction in Regex.Matches(body, @"(?m)^\s+(?:@%p\d+ )?([a-z][\w.]*)[ ;]"))
                Assert.Contains(instruction.Groups[1].Value, allowed);
        }
    }
}
