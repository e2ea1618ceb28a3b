using System.Linq;
using DlGpuTools.GpuWork;
using Xunit;

namespace DlGpuTools.Engine.Tests.FakePort
{
    /// <summary>The shared sampled check (what Measure-GpuBandwidth verifies its copies with) against a fake with a bad cell.</summary>
    public class FakePortVerificationTests
    {
        private const ulong Bytes = 1UL << 20;

        [Fact]
        public void A_correct_copy_passes_and_a_stuck_bit_in_a_sampled_element_fails_with_its_word()
        {
            foreach (bool faulty in new[] { false, true })
            {
                var gpu = new ManagedFakeGpu();
                using (var lease = gpu.Lease(0))
                using (lease.Enter())
                using (var stream = new OwnedStream(gpu))
                using (var source = DeviceMemory.Allocate(gpu, Bytes))
                using (var target = DeviceMemory.Allocate(gpu, Bytes))
                {
                    ulong n = Bytes / 16;
                    // The last element is always sampled; its third word gets a stuck bit 4 in the faulty run.
                    if (faulty) gpu.StuckLow = (target.Pointer + (n - 1) * 16 + 8, 0x10u);
                    gpu.Fill(source.Pointer, 0xFF, Bytes, stream.Stream);
                    gpu.CopyOnDevice(target.Pointer, source.Pointer, Bytes, stream.Stream);
                    stream.Synchronize();

                    WordCheck check = SampledWords.OnDevice(gpu, target.Pointer, SampledWords.Elements(n, 32, 7), _ => 0xFFFFFFFFu);

                    Assert.Equal(34, check.Elements);
                    Assert.Equal(faulty, !check.Passed);
                    if (!faulty) continue;
                    Assert.Equal(1, check.WrongWords);
                    Assert.Equal((n - 1) * 4 + 2, check.FirstWrongWord);
                    Assert.Equal(0xFFFFFFEFu, check.FirstActual);
                }
            }
        }

        [Fact]
        public void Sampled_elements_include_both_ends_and_stay_inside()
        {
            var elements = SampledWords.Elements(1000, 100, 3).ToList();

            Assert.Equal(0UL, elements[0]);
            Assert.Equal(999UL, elements[1]);
            Assert.All(elements, e => Assert.InRange(e, 0UL, 999UL));
            Assert.Equal(102, elements.Count);
        }
    }
}
