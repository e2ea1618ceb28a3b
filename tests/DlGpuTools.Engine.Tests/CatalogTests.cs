using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DlGpuTools.Catalog;
using DlGpuTools.Devices;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class CatalogTests
    {
        private static readonly CardCatalog Catalog = CardCatalog.BuiltIn;

        [Theory]
        [InlineData("GeForce GTX 970")] [InlineData("GeForce GTX 980")] [InlineData("GeForce GTX 980 Ti")]
        [InlineData("GeForce GTX Titan X (Maxwell)")]
        [InlineData("GeForce GTX 1050 Ti")] [InlineData("GeForce GTX 1060 6GB")] [InlineData("GeForce GTX 1070")]
        [InlineData("GeForce GTX 1070 Ti")]
        [InlineData("GeForce GTX 1080")] [InlineData("GeForce GTX 1080 Ti")] [InlineData("GeForce GTX 1660 Ti")]
        [InlineData("NVIDIA Titan Xp")] [InlineData("NVIDIA Titan V")] [InlineData("NVIDIA Titan RTX")]
        [InlineData("GeForce RTX 2060")] [InlineData("GeForce RTX 2070")] [InlineData("GeForce RTX 2070 Super")]
        [InlineData("GeForce RTX 2080")]
        [InlineData("GeForce RTX 2080 Super")] [InlineData("GeForce RTX 2080 Ti")]
        [InlineData("GeForce RTX 3060 12GB")] [InlineData("GeForce RTX 3060 Ti")] [InlineData("GeForce RTX 3070")]
        [InlineData("GeForce RTX 3080 10GB")]
        [InlineData("GeForce RTX 3080 Ti")] [InlineData("GeForce RTX 3090")] [InlineData("GeForce RTX 3090 Ti")]
        [InlineData("GeForce RTX 4060")] [InlineData("GeForce RTX 4060 Ti 16GB")] [InlineData("GeForce RTX 4070")]
        [InlineData("GeForce RTX 4070 Super")]
        [InlineData("GeForce RTX 4070 Ti")] [InlineData("GeForce RTX 4070 Ti Super")] [InlineData("GeForce RTX 4080")]
        [InlineData("GeForce RTX 4080 Super")]
        [InlineData("GeForce RTX 4090")]
        [InlineData("GeForce RTX 5060 Ti 16GB")] [InlineData("GeForce RTX 5070")] [InlineData("GeForce RTX 5070 Ti")]
        [InlineData("GeForce RTX 5080")]
        [InlineData("GeForce RTX 5090")]
        [InlineData("NVIDIA RTX A4000")] [InlineData("NVIDIA RTX A5000")] [InlineData("NVIDIA RTX A6000")]
        [InlineData("NVIDIA RTX 6000 Ada Generation")]
        [InlineData("NVIDIA Tesla K80")] [InlineData("NVIDIA Tesla P100 PCIe 16GB")] [InlineData("NVIDIA Tesla P100 SXM2 16GB")]
        [InlineData("NVIDIA Tesla V100 PCIe 16GB")] [InlineData("NVIDIA Tesla V100 PCIe 32GB")] [InlineData("NVIDIA Tesla V100 SXM2 16GB")]
        [InlineData("NVIDIA Tesla V100 SXM2 32GB")]
        [InlineData("NVIDIA T4")] [InlineData("NVIDIA A10")] [InlineData("NVIDIA A30")] [InlineData("NVIDIA A40")]
        [InlineData("NVIDIA A100 40GB SXM4")] [InlineData("NVIDIA A100 40GB PCIe")] [InlineData("NVIDIA A100 80GB SXM4")]
        [InlineData("NVIDIA A100 80GB PCIe")]
        [InlineData("NVIDIA L4")] [InlineData("NVIDIA L40")] [InlineData("NVIDIA L40S")] [InlineData("NVIDIA H100 PCIe")]
        [InlineData("NVIDIA H100 SXM5 80GB")]
        [InlineData("NVIDIA H200 SXM 141GB")] [InlineData("NVIDIA B200 (HGX)")] [InlineData("AMD Radeon RX 7900 XTX")]
        [InlineData("AMD Instinct MI300X")]
        [InlineData("GeForce RTX 5060")] [InlineData("GeForce RTX 5060 Ti 8GB")] [InlineData("GeForce RTX 4060 Ti 8GB")]
        [InlineData("GeForce RTX 3060 8GB")]
        [InlineData("GeForce RTX 3080 12GB")] [InlineData("GeForce GTX 1060 3GB")] [InlineData("NVIDIA RTX PRO 6000 Blackwell")]
        [InlineData("NVIDIA A10G")]
        [InlineData("NVIDIA H100 NVL")] [InlineData("NVIDIA GH200 96GB")]
        public void The_table_has_every_card_the_issue_lists(string name)
        {
            Assert.Contains(Catalog.Cards, c => c.Name == name);
        }

        [Theory]
        [InlineData("Ampere With FP8,,NVIDIA,Ampere,8.6,24,GDDR6X,936,35.6,71,71,35.5,,,142,350,2020,1499,consumer,x,",
            "FP8 figure before Ada")]
        [InlineData("Turing With BF16,,NVIDIA,Turing,7.5,24,GDDR6,672,16.3,130.5,130.5,,,,,280,2018,2499,prosumer,x,",
            "BF16/TF32 figures before Ampere")]
        [InlineData("Sparse Blackwell,,NVIDIA,Blackwell,10.0,180,HBM3e,7700,75,4500,4500,1100,37,37,9000,1000,2024,,datacenter,x,",
            "outside 1..35")]
        [InlineData("Odd BF16,,NVIDIA,Ampere,8.6,24,GDDR6X,936,35.6,71,142,35.5,,,,350,2020,1499,consumer,x,",
            "BF16 and FP16 tensor rates differ")]
        [InlineData("Not A Number,,NVIDIA,Ampere,8.6,NaN,GDDR6X,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,",
            "memory_gb 'NaN' is not a finite number")]
        [InlineData("Infinite,,NVIDIA,Ampere,8.6,24,GDDR6X,Infinity,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,",
            "bandwidth_gbs 'Infinity' is not a finite number")]
        [InlineData("Megabytes,,NVIDIA,Ampere,8.6,24576,GDDR6X,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,",
            "memory_gb 24576 is outside 1..1024")]
        public void A_user_row_that_breaks_a_rule_is_refused_with_the_rule(string row, string problem)
        {
            var e = Assert.Throws<CardTableException>(() => WithTable(new[] { Header, row }, CardCatalog.Load));
            Assert.Contains(e.Problems, p => p.Contains(problem));
        }

        [Fact]
        public void The_widest_real_tensor_to_fp32_ratio_is_accepted()
        {
            // B200: 2250 dense FP16 tensor against 75 FP32 (Blackwell datasheet, per-GPU column) = 30.
            CardCatalog merged = WithTable(new[] { Header,
                "B200 Copy,,NVIDIA,Blackwell,10.0,180,HBM3e,7700,75,2250,2250,1100,37,37,4500,1000,2024,,datacenter,x," },
                    CardCatalog.Load);
            Assert.Equal(75, merged.Card("B200 Copy").Fp32Tflops);
        }

        [Fact]
        public void Empty_files_repeated_names_and_oversized_files_are_reported()
        {
            Assert.Contains("no rows", Assert.Throws<CardTableException>(() => WithTable(new[] { Header }, CardCatalog.Load)).Message);
            Assert.Contains("no header line",
                Assert.Throws<CardTableException>(() => WithTable(Array.Empty<string>(), CardCatalog.Load)).Message);
            var twice = Assert.Throws<CardTableException>(() =>
                WithTable(new[] { Header, "Twin,,NVIDIA,Hopper,9.0,96,HBM3,4000,60,900,900,450,30,,1800,700,2025,,datacenter,x,",
                "twin,,NVIDIA,Hopper,9.0,96,HBM3,4000,60,900,900,450,30,,1800,700,2025,,datacenter,y," }, CardCatalog.Load));
            Assert.Contains(twice.Problems, p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("the same name as line 2"));
            string big = Path.GetTempFileName();
            try
            {
                using (var stream = File.OpenWrite(big)) stream.SetLength(CsvTable.MaxFileBytes + 1);
                var e = Assert.Throws<CardTableException>(() => CardCatalog.Load(big));
                Assert.Contains("the limit; reading stopped there", e.Message);
            }
            finally
            {
                File.Delete(big);
            }
        }

        [Fact]
        public void A_table_written_with_property_names_reads_back_as_a_template()
        {
            // Get-GpuSpec | Export-Csv writes the properties' names; the export is the template for -CardTable.
            string header = "Name,Aliases,DeviceNames,Vendor,Architecture,ComputeCapability,IsCudaCapable,MemoryGB,MemoryType,"
                + "MemoryBandwidthGBps,Fp32Tflops,Fp16TensorTflops,Bf16TensorTflops,Tf32TensorTflops,Fp64Tflops,Fp64TensorTflops,"
                + "Fp8TensorTflops,TdpW,LaunchYear,LaunchPriceUsd,Segment,Source,Notes,Origin";
            string row = "My 4090,NVIDIA My 4090,System.String[],NVIDIA,Ada "
                + "Lovelace,8.9,True,24,GDDR6X,1008,82.6,165.2,165.2,82.6,,,330.3,450,2022,1599,consumer,my receipt,,built-in";
            CardCatalog merged = WithTable(new[] { header, row }, CardCatalog.Load);
            GpuSpec card = merged.Card("NVIDIA My 4090");
            Assert.Equal("My 4090", card.Name);
            Assert.Equal(1008, card.MemoryBandwidthGBps);
            Assert.Equal(330.3, card.Fp8TensorTflops);
            Assert.Equal(1599, card.LaunchPriceUsd);
        }

        [Fact]
        public void Datasheet_figures_of_well_known_cards_are_right()
        {
            GpuSpec h100 = Catalog.Card("NVIDIA H100 80GB HBM3");
            Assert.Equal("NVIDIA H100 SXM5 80GB", h100.Name);
            Assert.Equal(989.4, h100.Bf16TensorTflops);
            Assert.Equal(3350, h100.MemoryBandwidthGBps);
            GpuSpec rtx4090 = Catalog.Card("NVIDIA GeForce RTX 4090");
            Assert.Equal(165.2, rtx4090.Fp16TensorTflops); // FP32 accumulate: half the marketing figure
            Assert.Equal(1599, rtx4090.LaunchPriceUsd);
            Assert.Equal(330.3, rtx4090.Fp8TensorTflops); // Ada whitepaper, FP32 accumulate
            Assert.Null(Catalog.Card("NVIDIA H200").LaunchPriceUsd);
            Assert.Equal(2250, Catalog.Card("RTX A5000").LaunchPriceUsd);
            Assert.Equal(75, Catalog.Card("B200").Fp32Tflops);
            Assert.Equal(181.05, Catalog.Card("L40").Fp16TensorTflops); // half rate with FP32 accumulate
            Assert.Equal(362.05, Catalog.Card("L40S").Fp16TensorTflops); // same die, full rate
            Assert.Equal(96, Catalog.Card("RTX PRO 6000").MemoryGB);
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
        // a driver name over variants: the first, for callers without memory
        [InlineData("NVIDIA GeForce RTX 3060", "GeForce RTX 3060 12GB")]
        [InlineData("NVIDIA TITAN RTX", "NVIDIA Titan RTX")]
        [InlineData("h100 pcie 80gb", "NVIDIA H100 PCIe")]
        [InlineData("H100 80GB PCIe", "NVIDIA H100 PCIe")]
        [InlineData("'H100 PCIe 80GB'", "NVIDIA H100 PCIe")]
        [InlineData("rtx4090", "GeForce RTX 4090")]
        [InlineData("1080ti", "GeForce GTX 1080 Ti")]
        [InlineData("RTX 3090", "GeForce RTX 3090")]
        [InlineData("3090", "GeForce RTX 3090")]
        [InlineData("4090 rtx", "GeForce RTX 4090")]
        [InlineData("A10", "NVIDIA A10")]
        [InlineData("L4", "NVIDIA L4")]
        [InlineData("H200", "NVIDIA H200 SXM 141GB")]
        [InlineData("NVIDIA RTX A6000", "NVIDIA RTX A6000")]
        public void Driver_names_and_loose_spellings_resolve(string input, string expected)
        {
            Assert.Equal(expected, Catalog.Resolve(input)?.Name);
        }

        [Theory]
        [InlineData("RTX 40")]
        [InlineData("A100")]
        [InlineData("H100")]
        [InlineData("titan")]
        [InlineData("RTX 3060")]
        [InlineData("NVIDIA Fake GPU")]
        [InlineData("")]
        public void Ambiguous_or_unknown_names_resolve_to_nothing(string input)
        {
            Assert.Null(Catalog.Resolve(input));
        }

        [Fact]
        public void Every_card_a_loose_name_can_mean_is_found()
        {
            Assert.Equal(new[] { "NVIDIA H100 SXM5 80GB", "NVIDIA H100 PCIe", "NVIDIA H100 NVL" }.OrderBy(n => n),
                Catalog.Find("H100").Matches.Select(c => c.Name).OrderBy(n => n));
            Assert.Equal(4, Catalog.Find("a100").Matches.Count);
            Assert.Equal(4, Catalog.Find("V100").Matches.Count);
            Assert.Contains(Catalog.Find("titan").Matches, c => c.Name == "NVIDIA Titan RTX");
            Assert.Equal(2, Catalog.Find("RTX 3060").Matches.Count); // 8 GB and 12 GB, not the 3060 Ti
        }

        [Theory]
        [InlineData("NVIDIA GeForce RTX 3060", 7.8, "GeForce RTX 3060 8GB")]
        [InlineData("NVIDIA GeForce RTX 3060", 11.8, "GeForce RTX 3060 12GB")]
        [InlineData("NVIDIA GeForce RTX 4060 Ti", 7.6, "GeForce RTX 4060 Ti 8GB")]
        [InlineData("NVIDIA GeForce RTX 4060 Ti", 15.6, "GeForce RTX 4060 Ti 16GB")]
        [InlineData("NVIDIA GeForce RTX 3080", 9.8, "GeForce RTX 3080 10GB")]
        [InlineData("NVIDIA GeForce RTX 3080", 11.8, "GeForce RTX 3080 12GB")]
        [InlineData("NVIDIA GeForce GTX 1060", 2.9, "GeForce GTX 1060 3GB")]
        [InlineData("NVIDIA GeForce GTX 1060", 5.9, "GeForce GTX 1060 6GB")]
        public void The_memory_a_device_reports_picks_the_variant(string driverName, double memoryGiB, string expected)
        {
            Assert.Equal(expected, Catalog.Resolve(driverName, memoryGiB)?.Name);
        }

        [Fact]
        public void An_unknown_name_comes_with_the_closest_cards()
        {
            CardLookup lookup = Catalog.Find("RTX 4900");
            Assert.Empty(lookup.Matches);
            Assert.Contains("GeForce RTX 4090", lookup.Closest);
            Assert.Contains("NVIDIA A10", Catalog.Find("A10X").Closest.Take(3));
        }

        [Fact]
        public void Wildcards_match_names_and_driver_names()
        {
            Assert.Contains(Catalog.FindByPattern("RTX*"), c => c.Name == "GeForce RTX 4090");
            Assert.Equal(3, Catalog.FindByPattern("H100*").Count());
            Assert.Equal(4, Catalog.FindByPattern("*A100*").Count());
            Assert.Contains(Catalog.FindByPattern("nvidia geforce rtx 50*"), c => c.Name == "GeForce RTX 5090");
        }

        private static T WithTable<T>(string[] lines, Func<string, T> load)
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path, lines);
                return load(path);
            }
            finally
            {
                File.Delete(path);
            }
        }

        private const string Header = "name,aliases,vendor,architecture,compute_capability,memory_gb,memory_type,bandwidth_gbs,fp32_tflops,"
            + "fp16_tensor_tflops_dense,bf16_tensor_tflops_dense,tf32_tensor_tflops_dense,fp64_tflops,fp64_tensor_tflops,"
            + "fp8_tensor_tflops_dense,tdp_w,launch_year,launch_msrp_usd,segment,source,notes";

        [Fact]
        public void A_user_table_replaces_and_adds_cards()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllLines(path, new[]
                {
                    Header,
                    "GeForce RTX 4090,,NVIDIA,Ada Lovelace,8.9,24,GDDR6X,1008,82.6,165.2,165.2,82.6,,,,450,2022,1799,consumer,my "
                        + "receipt,\"street price, with a comma\"",
                    "Lab Card X,NVIDIA Lab X,NVIDIA,Hopper,9.0,96,HBM3,4000,60,900,900,450,30,,1800,700,2025,,datacenter,vendor sheet,",
                });
                CardCatalog merged = CardCatalog.Load(path);
                Assert.Equal(CardCatalog.BuiltIn.Cards.Count + 1, merged.Cards.Count);
                Assert.Equal(1799, merged.Card("RTX 4090").LaunchPriceUsd);
                Assert.Equal("street price, with a comma", merged.Card("RTX 4090").Notes);
                Assert.Equal(Path.GetFullPath(path), merged.Card("NVIDIA Lab X").Origin);
                Assert.Equal(1599, CardCatalog.BuiltIn.Card("RTX 4090").LaunchPriceUsd); // the built-in table is untouched
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
                Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("without tensor cores"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("is Ampere, not Turing"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 4", StringComparison.Ordinal) && p.Contains("sparse"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 5", StringComparison.Ordinal) && p.Contains("no source"));
                Assert.Contains(e.Problems, p => p.StartsWith("line 5", StringComparison.Ordinal) && p.Contains("memory_gb"));
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

        // Names are taken as PowerShell users type them.

        [Theory]
        [InlineData("Radeon", "AMD Radeon RX 7900 XTX")]
        [InlineData("GeForce", "GeForce RTX 4090")]
        [InlineData("AMD", "AMD Instinct MI300X")]
        [InlineData("Tesla", "NVIDIA Tesla K80")]
        [InlineData("NVIDIA", "NVIDIA H100 PCIe")]
        public void A_vendor_or_brand_word_alone_finds_its_family(string word, string member)
        {
            CardLookup lookup = Catalog.Find(word);
            Assert.Contains(lookup.Matches, c => c.Name == member);
            Assert.DoesNotContain(lookup.Matches, c => c.Name == "NVIDIA A100 80GB SXM4" && word != "NVIDIA");
        }

        [Fact]
        public void GeForce_alone_is_every_GeForce_card_and_nothing_else()
        {
            string[] geforce = Catalog.Cards.Where(c => c.Name.StartsWith("GeForce ", StringComparison.Ordinal)).Select(c => c.Name)
                .OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(geforce, Catalog.Find("GeForce").Matches.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(geforce.Where(n => n.Contains(" RTX ")),
                Catalog.Find("GeForce RTX").Matches.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Theory]
        [InlineData("A100 80", "NVIDIA A100 80GB PCIe;NVIDIA A100 80GB SXM4")]
        [InlineData("a100 40", "NVIDIA A100 40GB PCIe;NVIDIA A100 40GB SXM4")]
        [InlineData("RTX 3060 12", "GeForce RTX 3060 12GB")]
        [InlineData("V100 PCIe 32", "NVIDIA Tesla V100 PCIe 32GB")]
        public void A_bare_number_after_the_model_is_its_memory_size(string query, string expected)
        {
            Assert.Equal(expected.Split(';'), Catalog.Find(query).Matches.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void The_closest_names_share_the_words_of_the_query()
        {
            CardLookup lookup = Catalog.Find("A100 90");
            Assert.Empty(lookup.Matches);
            Assert.All(lookup.Closest.Take(4), n => Assert.Contains("A100", n));
            Assert.DoesNotContain("GeForce GTX 1080", lookup.Closest);
        }

        [Theory]
        [InlineData("4090*", "GeForce RTX 4090")]
        [InlineData("40*", "GeForce RTX 4060 Ti 16GB")]
        [InlineData("7900*", "AMD Radeon RX 7900 XTX")]
        [InlineData("MI300*", "AMD Instinct MI300X")]
        [InlineData("A6000*", "NVIDIA RTX A6000")]
        [InlineData("RTX [34]090", "GeForce RTX 3090")]
        [InlineData("RTX [34]090", "GeForce RTX 4090")]
        [InlineData("NVIDIA GeForce RTX 409?", "GeForce RTX 4090")]
        public void A_wildcard_may_leave_out_the_vendor_and_family_words(string pattern, string member)
        {
            Assert.Contains(Catalog.Find(pattern).Matches, c => c.Name == member);
        }

        [Fact]
        public void A_wildcard_matches_from_the_start_of_the_model_not_inside_a_word()
        {
            Assert.Equal(new[] { "GeForce RTX 4090" }, Catalog.Find("4090*").Matches.Select(c => c.Name));
            // the RTX 4000 Ada workstation cards start with 40 too
            Assert.All(Catalog.Find("40*").Matches, c => Assert.Matches("^(GeForce RTX 40|NVIDIA RTX 40)", c.Name));
            Assert.Empty(Catalog.Find("090*").Matches);
            Assert.Equal(4, Catalog.Find("A100*").Matches.Count);
        }

        public static TheoryData<string> EveryWordOfEveryName()
        {
            var words = new TheoryData<string>();
            foreach (string word in Catalog.Cards.SelectMany(c => c.Name.Split(' ')).Distinct(StringComparer.OrdinalIgnoreCase))
                words.Add(word);
            return words;
        }

        [Theory]
        [MemberData(nameof(EveryWordOfEveryName))]
        public void Every_word_Tab_completes_from_a_name_finds_cards_and_Tab_offers_them_all(string word)
        {
            // The one rule: what Get-GpuSpec finds for a word, Tab offers for it; and a word of a card's name finds something.
            CardLookup lookup = Catalog.Find(word);
            Assert.NotEmpty(lookup.Matches);
            var offered = Catalog.Complete(word).Select(c => c.Name).ToList();
            Assert.All(lookup.Matches, c => Assert.Contains(c.Name, offered));
            Assert.All(Catalog.Cards.Where(c => c.Name.Split(' ').Contains(word, StringComparer.OrdinalIgnoreCase)),
                c => Assert.Contains(c.Name, offered));
        }

        [Fact]
        public void Tab_offers_a_card_at_every_letter_of_its_name_and_of_its_driver_names()
        {
            foreach (GpuSpec card in Catalog.Cards)
            {
                foreach (string name in new[] { card.Name, CardCatalog.ShortName(card.Name) }.Concat(card.DeviceNames))
                {
                    for (int length = 1; length <= name.Length; length++)
                    {
                        string typed = name.Substring(0, length);
                        Assert.True(Catalog.Complete(typed).Contains(card), $"'{typed}' does not offer {card.Name}");
                        Assert.All(Catalog.Find(typed).Matches, c => Assert.Contains(c, Catalog.Complete(typed)));
                    }
                }
            }
        }

        [Theory]
        [InlineData("rtx 409", "GeForce RTX 4090")]
        [InlineData("Rad", "AMD Radeon RX 7900 XTX")]
        [InlineData("A100 8", "NVIDIA A100 80GB PCIe")]
        [InlineData("4090*", "GeForce RTX 4090")]
        [InlineData("H100 80GB HBM", "NVIDIA H100 SXM5 80GB")]
        public void Tab_completes_words_in_any_order_and_wildcards(string typed, string expected)
        {
            Assert.Contains(Catalog.Complete(typed), c => c.Name == expected);
        }

        // A bad table is one bounded error naming every fault; never a raw exception or a changed value.

        private const string PriceHeader = "card,condition,price_usd,price_date,provider,source,notes";

        private static CardTableException CardTableFault(params string[] lines) =>
            Assert.Throws<CardTableException>(() => WithTable(lines, CardCatalog.Load));

        private static CardTableException PriceTableFault(params string[] lines) =>
            Assert.Throws<CardTableException>(() => WithTable(lines, p => PriceTable.Load(p, CardCatalog.BuiltIn)));

        [Fact]
        public void A_table_with_another_separator_is_one_fault_about_the_separator()
        {
            var e = PriceTableFault("card;condition;price_usd;price_date;provider;source;notes", "RTX 3090;used;700;2026-11;x;y;",
                "RTX 4090;new;1800;2026-11;x;y;");
            Assert.Single(e.Problems);
            Assert.Contains("';'", e.Problems[0]);
            Assert.DoesNotContain(e.Problems, p => p.Contains("is empty"));
        }

        [Fact]
        public void A_table_missing_a_column_says_which_once()
        {
            var e = PriceTableFault("model,condition,price_usd,price_date,provider,source,notes", "RTX 3090,used,700,2026-11,x,y,",
                "RTX 4090,new,1800,2026-11,x,y,");
            Assert.Contains(e.Problems, p => p.Contains("no 'card' column"));
            Assert.Contains(e.Problems, p => p.Contains("'model'"));
            Assert.DoesNotContain(e.Problems, p => p.Contains("is empty"));
            Assert.True(e.Problems.Count <= 2, string.Join(" | ", e.Problems));
            var cards = CardTableFault("name,vendor,architecture,compute_capability,memroy_gb,segment,source",
                "Lab,NVIDIA,Ampere,8.6,24,consumer,x", "Lab 2,NVIDIA,Ampere,8.6,24,consumer,x");
            Assert.Contains(cards.Problems, p => p.Contains("no 'memory_gb' column"));
            Assert.Contains(cards.Problems, p => p.Contains("'memroy_gb'"));
            Assert.DoesNotContain(cards.Problems, p => p.Contains("memory_gb is empty"));
        }

        [Fact]
        public void A_price_table_written_by_Export_Csv_reads_back()
        {
            string header = "\"Card\",\"Condition\",\"PriceUsd\",\"PriceDate\",\"Provider\",\"Source\",\"Notes\",\"Origin\"";
            PriceTable prices = WithTable(new[] { header,
                "\"GeForce RTX 3090\",\"used\",\"640\",\"2026-11\",\"classifieds\",\"my notes\",\"\",\"built-in\"" }, p =>
                PriceTable.Load(p, CardCatalog.BuiltIn));
            Assert.Equal(640, Must.Exist(prices.BestFor(Catalog.Card("RTX 3090"))).PriceUsd);
        }

        [Fact]
        public void Every_fault_of_a_row_is_reported()
        {
            var e = CardTableFault(Header, "Four Faults,,NVIDIA,Ampere,8.6,abc,GDDR6,xyz,35.6,71,71,35.5,,,,qq,2020,1499,gaming,,");
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("memory_gb 'abc'"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("bandwidth_gbs 'xyz'"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("tdp_w 'qq'"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("segment 'gaming'"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("no source"));
        }

        [Theory]
        [InlineData("99999999999.6")]
        [InlineData("8.99999999999")]
        [InlineData("eight")]
        [InlineData("8.6.1")]
        public void A_compute_capability_that_is_not_major_minor_is_a_fault(string cc)
        {
            var e = CardTableFault(Header, $"Odd CC,,NVIDIA,Ampere,{cc},24,GDDR6,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,");
            Assert.Contains(e.Problems,
                p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("compute_capability '" + cc + "'"));
        }

        [Fact]
        public void Thousands_of_bad_rows_give_the_first_twenty_and_a_count()
        {
            var lines = new[] { PriceHeader }.Concat(Enumerable.Repeat("x,,,,,,", 170000)).ToArray();
            var e = PriceTableFault(lines);
            Assert.True(e.Message.Length < 8000, $"{e.Message.Length:N0} characters");
            Assert.Contains("line 2", e.Message);
            Assert.DoesNotContain("line 30:", e.Message);
            Assert.Matches(@"and [\d,]+ more", e.Message);
            Assert.Matches(@"has [\d,]+ problems", e.Message);
        }

        [Fact]
        public void A_price_seen_in_the_future_is_refused()
        {
            var e = PriceTableFault(PriceHeader, "RTX 3090,used,400,2099-01,x,y,", "RTX 4090,used,1400,2099-01-15,x,y,");
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("in the future"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("in the future"));
        }

        [Theory]
        [InlineData("=HYPERLINK(\"\"http://example.org\"\")", "", "name")]
        [InlineData("Lab Card", "=1+2", "source")]
        [InlineData("Lab Card", "@SUM(1)", "source")]
        [InlineData("Lab Card", "+cmd|' /C calc'!A0", "source")]
        [InlineData("Lab Card", "-2+3", "source")]
        [InlineData("NVIDIA =HYPERLINK(1)", "", "name")] // Get-GpuRecommendation's ShortCard drops the vendor word
        public void Text_a_spreadsheet_would_run_as_a_formula_is_refused(string name, string source, string column)
        {
            string quotedName = "\"" + name + "\"";
            string quotedSource = "\"" + (source.Length == 0 ? "x" : source.Replace("\"", "\"\"")) + "\"";
            var e = CardTableFault(Header,
                $"{quotedName},,NVIDIA,Ampere,8.6,24,GDDR6,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,{quotedSource},");
            Assert.Contains(e.Problems,
                p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains(column) && p.Contains("formula"));
        }

        [Fact]
        public void Formula_text_in_a_price_table_is_refused()
        {
            var e = PriceTableFault(PriceHeader, "RTX 3090,used,400,2026-11,=HYPERLINK(1),y,", "RTX 4090,used,1400,2026-11,x,y,@cmd");
            Assert.Contains(e.Problems,
                p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("provider") && p.Contains("formula"));
            Assert.Contains(e.Problems,
                p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("notes") && p.Contains("formula"));
        }

        [Fact]
        public void A_fractional_whole_number_is_a_fault_not_truncated()
        {
            var e = CardTableFault(Header, "Frac,,NVIDIA,Ampere,8.6,24,GDDR6,936,35.6,71,71,35.5,,,,350.7,2020.5,1499,consumer,x,");
            Assert.Contains(e.Problems,
                p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("tdp_w 350.7") && p.Contains("whole number"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("launch_year 2020.5")
                && p.Contains("whole number"));
            CardCatalog whole = WithTable(new[] { Header,
                "Whole,,NVIDIA,Ampere,8.6,24,GDDR6,936,35.6,71,71,35.5,,,,350.0,2020,1499,consumer,x," }, CardCatalog.Load);
            Assert.Equal(350, whole.Card("Whole").TdpW);
        }

        [Fact]
        public void A_folder_is_said_to_be_a_folder()
        {
            string folder = Path.Combine(Path.GetTempPath(), "dlgpu-catalog-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var e = Assert.Throws<CardTableException>(() => CardCatalog.Load(folder));
                Assert.Equal(CardTableProblem.NotAFile, e.Problem);
                Assert.Contains("is a folder, not a regular file", e.Message);
                Assert.DoesNotContain("does not exist", e.Message);
            }
            finally
            {
                Directory.Delete(folder);
            }
        }

        // Cases the issue does not list.

        [Fact]
        public void A_byte_order_mark_crlf_and_quoted_headers_are_read()
        {
            string text = "\uFEFF\"card\",\"condition\",\"price_usd\",\"price_date\",\"provider\",\"source\",\"notes\"\r\nRTX "
                + "3090,used,610,2026-11,x,y,\r\n";
            foreach (Encoding encoding in new Encoding[] { new UTF8Encoding(false), Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                PriceTable prices = WithBytes(encoding.GetBytes(text), p => PriceTable.Load(p, CardCatalog.BuiltIn));
                Assert.Equal(610, Must.Exist(prices.BestFor(Catalog.Card("RTX 3090"))).PriceUsd);
            }
        }

        [Fact]
        public void Text_that_is_not_UTF8_is_a_fault_with_its_line()
        {
            // "café" in Latin-1, as an ANSI editor saves it
            byte[] latin1 = Encoding.ASCII.GetBytes(PriceHeader
                + "\nRTX 3090,used,610,2026-11,x,y,\nRTX 4090,used,1500,2026-11,x,y,caf?\n");
            latin1[Array.LastIndexOf(latin1, (byte)'?')] = 0xE9;
            var e = Assert.Throws<CardTableException>(() => WithBytes(latin1, p => PriceTable.Load(p, CardCatalog.BuiltIn)));
            Assert.Contains(e.Problems, p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("UTF-8"));
        }

        [Fact]
        public void Duplicate_and_unnamed_columns_are_faults()
        {
            var e = PriceTableFault("card,condition,price_usd,price_usd,price_date,provider,source,notes",
                "RTX 3090,used,610,700,2026-11,x,y,");
            Assert.Contains(e.Problems, p => p.Contains("price_usd") && p.Contains("twice"));
            var synonyms = PriceTableFault("card,condition,price_usd,PriceUsd,price_date,provider,source,notes",
                "RTX 3090,used,610,700,2026-11,x,y,");
            Assert.Contains(synonyms.Problems, p => p.Contains("PriceUsd") && p.Contains("price_usd"));
            var unnamed = PriceTableFault(PriceHeader + ",", "RTX 3090,used,610,2026-11,x,y,,surprise");
            Assert.Contains(unnamed.Problems,
                p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("column 8") && p.Contains("no name"));
            // Excel leaves empty columns and rows behind: ignored when they hold nothing.
            PriceTable fine = WithTable(new[] { PriceHeader + ",,", "RTX 3090,used,610,2026-11,x,y,,,", ",,,,,,,,", "" }, p =>
                PriceTable.Load(p, CardCatalog.BuiltIn));
            Assert.Equal(610, Must.Exist(fine.BestFor(Catalog.Card("RTX 3090"))).PriceUsd);
        }

        [Theory]
        [InlineData("-650", "outside 10..500000")]
        [InlineData("NaN", "not a finite number")]
        [InlineData("1e400", "not a finite number")]
        [InlineData("1,650", "thousands")]
        [InlineData("$650", "not a finite number")]
        public void Prices_that_are_not_plain_positive_numbers_are_faults(string price, string problem)
        {
            var e = PriceTableFault(PriceHeader, $"RTX 3090,used,\"{price}\",2026-11,x,y,");
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains(problem));
        }

        [Fact]
        public void Every_ragged_line_and_an_unclosed_quote_are_reported_with_their_lines()
        {
            var e = PriceTableFault(PriceHeader, "RTX 3090,used,610,2026-11,x,y", "RTX 4090,used,1500,2026-11,x,y,,extra",
                "RTX 4080,used,900,2026-11,x,y,\"open");
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("6 fields"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 3", StringComparison.Ordinal) && p.Contains("8 fields"));
            Assert.Contains(e.Problems, p => p.StartsWith("line 4", StringComparison.Ordinal) && p.Contains("not closed"));
        }

        [Fact]
        public void Control_characters_and_long_values_are_shown_safely_and_briefly()
        {
            string longName = new string('x', 5000);
            var e = CardTableFault(Header,
                "Esc\u001b]0;owned\u0007Card,,NVIDIA,Ampere,8.6,24,GDDR6,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,",
                $"Long,,NVIDIA,Ampere,8.6,{longName},GDDR6,936,35.6,71,71,35.5,,,,350,2020,1499,consumer,x,");
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("control character"));
            Assert.DoesNotContain('\u001b', e.Message);
            Assert.True(e.Message.Length < 2000, $"{e.Message.Length:N0} characters");
        }

        [Fact]
        public void Negative_or_zero_figures_are_faults()
        {
            var e = CardTableFault(Header, "Negative,,NVIDIA,Ampere,8.6,24,GDDR6,936,35.6,71,71,35.5,-1,,,350,2020,1499,consumer,x,");
            Assert.Contains(e.Problems, p => p.StartsWith("line 2", StringComparison.Ordinal) && p.Contains("fp64_tflops -1"));
        }

        private static T WithBytes<T>(byte[] bytes, Func<string, T> load)
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, bytes);
                return load(path);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Every_cloud_offer_names_a_card_of_the_table_a_date_and_a_source()
        {
            Assert.NotEmpty(CardCatalog.CloudOffers);
            foreach (CloudOffer offer in CardCatalog.CloudOffers)
            {
                Assert.NotNull(offer.Card);
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
