using System;
using DlGpuTools.Catalog;
using DlGpuTools.Collectives;
using DlGpuTools.Devices;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;
using DlGpuTools.Monitoring;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// The failures the engine describes itself, so no cmdlet builds them: the same ids (scripts match on them), the
    /// category, and a remedy, through the one classifier case every DlGpuToolsException takes.
    /// </summary>
    public class SelfDescribingFailureTests
    {
        public static TheoryData<DlGpuToolsException, string, FailureCategory> Failures() => new TheoryData<DlGpuToolsException, string,
            FailureCategory>
        {
            { DeviceSelectionException.ForIndex(7, 2), "DeviceIndexNotFound", FailureCategory.ObjectNotFound },
            { DeviceSelectionException.ForUuid("GPU-0000"), "DeviceUuidNotFound", FailureCategory.ObjectNotFound },
            { DeviceSelectionException.ForName("Tesla"), "DeviceNameNotFound", FailureCategory.ObjectNotFound },
            { DeviceSelectionException.NoDeviceVisible(), "CudaDeviceNotFound", FailureCategory.ResourceUnavailable },
            { new DeviceQueryFailedException(1, new FormatException("odd")), "CudaDeviceQueryFailed", FailureCategory.DeviceError },
            { CollectiveArgumentException.SizeRange(64, 8), "CollectiveSizeRange", FailureCategory.InvalidArgument },
            { CollectiveArgumentException.RankNeedsOneGpu(2), "CollectiveRankNeedsOneGpu", FailureCategory.InvalidArgument },
            { CollectiveArgumentException.DeviceSelectionNotRemote(), "CollectiveDeviceSelectionNotRemote",
                FailureCategory.InvalidArgument },
            { CardNameException.NotFound("RTX 9999", new[] { "GeForce RTX 4090" }), "GpuCardNotFound", FailureCategory.ObjectNotFound },
            { CardNameException.Ambiguous("A6000", new[] { "RTX A6000", "RTX 6000 Ada" }), "GpuCardAmbiguous",
                FailureCategory.InvalidArgument },
            { MetricExportException.NoSamples("/tmp/x.prom"), "NoGpuSamplesExported", FailureCategory.ResourceUnavailable },
            { MetricExportException.FileNotWritten("/tmp/x.prom", "disk full"), "MetricFileNotWritten", FailureCategory.WriteError },
            { Benchmarks.MatMulArgumentException.FastAccumulationWithoutFp8(), "FastAccumulationNeedsFP8",
                FailureCategory.InvalidArgument },
            { new Benchmarks.CpuMatMulTypeException("no BF16 GEMM"), "MatMulTypeNotSupported", FailureCategory.NotImplemented },
            { Recommendations.RecommendationInputs.TrainingNeedsModel(), "TrainingNeedsModelParameters", FailureCategory.InvalidArgument },
        };

        [Theory]
        [MemberData(nameof(Failures))]
        public void Keeps_its_id_and_category_and_says_how_to_fix_it(DlGpuToolsException failure, string errorId, FailureCategory category)
        {
            Failure described = Must.Exist(FailureClassifier.Classify(failure, false, _ => null));

            Assert.Equal(errorId, described.ErrorId);
            Assert.Equal(category, described.Category);
            Assert.False(string.IsNullOrWhiteSpace(described.RecommendedAction));
        }

        [Fact]
        public void A_missing_MIG_device_says_how_to_make_it_visible()
        {
            var missing = DeviceSelectionException.ForUuid("MIG-1234");

            Assert.Equal("MIG-1234", missing.Key);
            Assert.Contains("CUDA_VISIBLE_DEVICES=MIG-1234", missing.Remedy, StringComparison.Ordinal);
        }

        [Fact]
        public void An_unknown_preset_names_the_closest_ones()
        {
            var e = Assert.Throws<Recommendations.RecommendationInputException>(() =>
                Recommendations.RecommendationInputs.FindPreset("llama-3.1-8c"));

            Assert.Equal("ModelPresetNotFound", e.ErrorId);
            Assert.Equal(FailureCategory.ObjectNotFound, e.Category);
        }

        [Fact]
        public void A_card_name_with_control_characters_is_echoed_visibly_not_raw()
        {
            // A name typed or piped with an escape sequence must not drive the terminal that prints the error.
            var e = DlGpuTools.Catalog.CardNameException.NotFound("RTX\u001b[31m 3090", System.Array.Empty<string>());
            Assert.DoesNotContain('\u001b', e.Message);
            Assert.Contains("3090", e.Message, System.StringComparison.Ordinal);
        }
    }
}
