using System;
using System.Globalization;
using System.IO;
using System.Linq;
using DlGpuTools.Catalog;
using DlGpuTools.Devices;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class CatalogTests
    {
        private static readonly CardCatalog Catalog = CardCatalog.BuiltIn;

        [Theory]
        [InlineData("GeForce GTX 970")] [InlineData("GeForce GTX 980")] [InlineData("GeForce GTX 980 Ti")] [InlineData("GeForce GTX Titan X (Maxwell)")]
        [InlineData("GeForce GTX 1050 Ti")] [InlineData("GeForce GTX 1060 6GB")] [InlineData("GeForce GTX 1070")] [InlineData("GeForce GTX 1070 Ti")]
        [InlineData("GeForce GTX 1080")] [InlineData("GeForce GTX 1080 Ti")] [InlineData("GeForce GTX 1660 Ti")]
        [InlineData("NVIDIA Titan Xp")] [InlineData("NVIDIA Titan V")] [InlineData("NVIDIA Titan RTX")]
        [InlineData("GeForce RTX 2060")] [InlineData("GeForce RTX 2070")] [InlineData("GeForce RTX 2070 Super")] [InlineData("GeForce RTX 2080")]
        [InlineData("GeForce RTX 2080 Super")] [InlineData("GeForce RTX 2080 Ti")]
        [InlineData("GeForce RTX 3060 12GB")] [InlineData("GeForce RTX 3060 Ti")] [InlineData("GeForce RTX 3070")] [InlineData("GeForce RTX 3080 10GB")]
        [InlineData("GeForce RTX 3080 Ti")] [InlineData("GeForce RTX 3090")] [InlineData("GeForce RTX 3090 Ti")]
        [InlineData("GeForce RTX 4060")] [InlineData("GeForce RTX 4060 Ti 16GB")] [InlineData("GeForce RTX 4070")] [InlineData("GeForce RTX 4070 Super")]
        [InlineData("GeForce RTX 4070 Ti")] [InlineData("GeForce RTX 4070 Ti Super")] [InlineData("GeForce RTX 4080")] [InlineData("GeForce RTX 4080 Super")]
        [InlineData("GeForce RTX 4090")]
        [InlineData("GeForce RTX 5060 Ti 16GB")] [InlineData("GeForce RTX 5070")] [InlineData("GeForce RTX 5070 Ti")] [InlineData("GeForce RTX 5080")] [InlineData("GeForce RTX 5090")]
        [InlineData("NVIDIA RTX A4000")] [InlineData("NVIDIA RTX A5000")] [InlineData("NVIDIA RTX A6000")] [InlineData("NVIDIA RTX 6000 Ada Generation")]
        [InlineData("NVIDIA Tesla K80")] [InlineData("NVIDIA Tesla P100 PCIe 16GB")] [InlineData("NVIDIA Tesla P100 SXM2 16GB")]
        [InlineData("NVIDIA Tesla V100 PCIe 16GB")] [InlineData("NVIDIA Tesla V100 PCIe 32GB")] [InlineData("NVIDIA Tesla V100 SXM2 16GB")] [InlineData("NVIDIA Tesla V100 SXM2 32GB")]
        [InlineData("NVIDIA T4")] [InlineData("NVIDIA A10")] [InlineData("NVIDIA A30")] [InlineData("NVIDIA A40")]
        [InlineData("NVIDIA A100 40GB SXM4")] [InlineData("NVIDIA A100 40GB PCIe")] [InlineData("NVIDIA A100 80GB SXM4")] [InlineData("NVIDIA A100 80GB PCIe")]
        [InlineData("NVIDIA L4")] [InlineData("NVIDIA L40")] [InlineData("NVIDIA L40S")] [InlineData("NVIDIA H100 PCIe")] [InlineData("NVIDIA H100 SXM5 80GB")]
        [InlineData("NVIDIA H200 SXM 141GB")] [InlineData("NVIDIA B200 (HGX)")] [InlineData("AMD Radeon RX 7900 XTX")] [InlineData("AMD Instinct MI300X")]
        public void The_table_has_every_card_the_issue_lists(string name)
        {
            Assert.Contains(Catalog.Cards, c => c.Name == name);
        }

        [Fact]
        public void Every_built_in_card_passes_the_sanity_checks_and_names_a_source()
        {
            foreach (GpuSpec card in Catalog.Cards)
            {
                Assert.Empty(CardValidation.Check(card));
                Assert.False(string.IsNullOrWhiteSpace(card.Source), card.Name);
                Assert.Equal(CardCatalog.BuiltInOrigin, card.Origin);
            }

            Assert.Equal(Catalog.Cards.Count, Catalog.Cards.Select(c => c.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }

        [Fact]
        public void Cuda_cards_compute_capability_matches_their_architecture()
        {
            foreach (GpuSpec card in Catalog.Cards.Where(c => c.IsCudaCapable))
            {
                string[] p = card.ComputeCapability.Split('.');
                Assert.Equal(card.Architecture, GpuArchitecture.FromComputeCapability(int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)));
            }
        }

        [Fact]
        public void Tensor_peaks_are_consistent_with_fp32_and_architecture()
        {
            foreach (GpuSpec card in Catalog.Cards.Where(c => c.IsCudaCapable))
            {
                double cc = double.Parse(card.ComputeCapability, CultureInfo.InvariantCulture);
                if (card.Fp16TensorTflops is double t && card.Fp32Tflops is double f) Assert.InRange(t / f, 1, 20);
                if (cc < 7.0) Assert.Null(card.Fp16TensorTflops);
                if (cc < 8.0) Assert.Null(card.Bf16TensorTflops);
                if (cc >= 8.0 && card.Fp16TensorTflops != null) Assert.Equal(card.Fp16TensorTflops, card.Bf16TensorTflops);
                if (card.Tf32TensorTflops is double tf32) Assert.True(tf32 <= card.Fp16TensorTflops, card.Name);
            }
        }

        [Fact]
        public void Datasheet_figures_of_well_known_cards_are_right()
        {
            GpuSpec h100 = Catalog.Resolve("NVIDIA H100 80GB HBM3");
            Assert.Equal("NVIDIA H100 SXM5 80GB", h100.Name);
            Assert.Equal(989.4, h100.Bf16TensorTflops);
            Assert.Equal(3350, h100.MemoryBandwidthGBps);
            GpuSpec rtx4090 = Catalog.Resolve("NVIDIA GeForce RTX 4090");
            Assert.Equal(165.2, rtx4090.Fp16TensorTflops); // FP32 accumulate: half the marketing figure
            Assert.Equal(1599, rtx4090.LaunchPriceUsd);
            Assert.Null(Catalog.Resolve("NVIDIA H200").LaunchPriceUsd);
        }

        [Theory]
        [InlineData("NVIDIA H200", "NVIDIA H200 SXM 141GB")]
        [InlineData("NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM5 80GB")]
        [InlineData("NVIDIA H100 PCIe", "NVIDIA H100 PCIe")]
        [InlineData("NVIDIA A100-SXM4-80GB", "NVIDIA A100 80GB SXM4")]
        [InlineData("NVIDIA A100-PCIE-40GB", "NVIDIA A100 40GB PCIe")]
        [InlineData("Tesla T4", "NVIDIA T4")]
        [InlineData("Tesla V100-SXM2-16GB", "NVIDIA Tesla V100 SXM2 16GB")]
        [InlineData("NVIDIA GeForce RTX 4090", "GeForce RTX 4090")]
        [InlineData("nvidia geforce rtx 3090 ti", "GeForce RTX 3090 Ti")]
        [InlineData("RTX 4090", "GeForce RTX 4090")]
        [InlineData("NVIDIA GeForce RTX 3060", "GeForce RTX 3060 12GB")]
        [InlineData("NVIDIA TITAN RTX", "NVIDIA Titan RTX")]
        [InlineData("NVIDIA RTX A6000", "NVIDIA RTX A6000")]
        public void Driver_names_and_loose_spellings_resolve(string input, string expected)
        {
            Assert.Equal(expected, Catalog.Resolve(input)?.Name);
        }

        [Theory]
        [InlineData("RTX 40")]
        [InlineData("A100")]
        [InlineData("NVIDIA Fake GPU")]
        [InlineData("")]
        public void Ambiguous_or_unknown_names_resolve_to_nothing(string input)
        {
            Assert.Null(Catalog.Resolve(input));
        }

        [Fact]
        public void Wildcards_match_names_and_driver_names()
        {
            Assert.Equal(4, Catalog.FindByPattern("*A100*").Count());
            Assert.Contains(Catalog.FindByPattern("nvidia geforce rtx 50*"), c => c.Name == "GeForce RTX 5090");
        }

        private const string Header = "name,aliases,vendor,architecture,compute_capability,memory_gb,memory_type,bandwidth_gbs,fp32_tflops,fp16_tensor_tflops_dense,bf16_tensor_tflops_dense,tf32_tensor_tflops_dense,fp64_tflops,fp64_tensor_tflops,fp8_tensor_tflops_dense,tdp_w,launch_year,launch_msrp_usd,segment,source,notes";

        [Fact]
        public void A_user_table_replaces_and_adds_cards()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path, new[]
                {
                    Header,
                    "GeForce RTX 4090,,NVIDIA,Ada Lovelace,8.9,24,GDDR6X,1008,82.6,165.2,165.2,82.6,,,,450,2022,1799,consumer,my receipt,\"street price, with a comma\"",
                    "Lab Card X,NVIDIA Lab X,NVIDIA,Hopper,9.0,96,HBM3,4000,60,900,900,450,30,,1800,700,2025,,datacenter,vendor sheet,",
                });
                CardCatalog merged = CardCatalog.Load(path);
                Assert.Equal(CardCatalog.BuiltIn.Cards.Count + 1, merged.Cards.Count);
                Assert.Equal(1799, merged.Resolve("RTX 4090").LaunchPriceUsd);
                Assert.Equal("street price, with a comma", merged.Resolve("RTX 4090").Notes);
                Assert.Equal(Path.GetFullPath(path), merged.Resolve("NVIDIA Lab X").Origin);
                Assert.Equal(1599, CardCatalog.BuiltIn.Resolve("RTX 4090").LaunchPriceUsd); // the built-in table is untouched
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void A_bad_user_table_lists_every_problem_with_its_line()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path, new[]
                {
                    Header,
                    "Pascal With Tensors,,NVIDIA,Pascal,6.1,8,GDDR5,256,8,60,,,,,,150,2016,399,consumer,x,",
                    "Wrong Arch,,NVIDIA,Turing,8.6,8,GDDR6,448,20,40,40,20,,,,200,2020,499,consumer,x,",
                    "Sparse Figure,,NVIDIA,Ampere,8.0,40,HBM2,1555,19.5,624,624,312,,,,400,2020,,datacenter,x,",
                    "No Source,,NVIDIA,Ampere,8.6,8000,GDDR6,448,20,40,40,20,,,,200,2020,499,consumer,,",
                });
                var e = Assert.Throws<CardTableException>(() => CardCatalog.Load(path));
                Assert.Contains(e.Problems, p => p.StartsWith("line 2") && p.Contains("without tensor cores"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 3") && p.Contains("is Ampere, not Turing"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 4") && p.Contains("sparse"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 5") && p.Contains("no source"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 5") && p.Contains("memory_gb"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Csv_reader_handles_quotes_and_reports_unclosed_ones()
        {
            var rows = CsvTable.Read(new StringReader("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n"));
            Assert.Equal("x, y", rows[0].Fields["a"]);
            Assert.Equal("say \"hi\"", rows[0].Fields["b"]);
            Assert.Throws<InvalidDataException>(() => CsvTable.Read(new StringReader("a\n\"open\n")));
            Assert.Throws<InvalidDataException>(() => CsvTable.Read(new StringReader("a,b\n1,2,3\n")));
        }

        [Fact]
        public void Every_cloud_offer_names_a_card_of_the_table_a_date_and_a_source()
        {
            Assert.NotEmpty(CardCatalog.CloudOffers);
            foreach (CloudOffer offer in CardCatalog.CloudOffers)
            {
                Assert.NotNull(Catalog.Resolve(offer.Card));
                Assert.False(string.IsNullOrWhiteSpace(offer.PriceDate), offer.Offer);
                Assert.False(string.IsNullOrWhiteSpace(offer.Source), offer.Offer);
                Assert.InRange(offer.UsdPerGpuHour, 0, 20);
                Assert.Contains(offer.Reliability, new[] { "P", "R", "S" });
            }

            Assert.Contains(CardCatalog.CloudOffers, o => o.UsdPerGpuHour == 0 && o.Provider == "Google Colab");
        }
    }
}
