using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using DlGpuTools.Diagnostics;
using DlGpuTools.Health;
using DlGpuTools.Recommendations;
using DlGpuTools.Scheduling;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>
    /// Domain values (statuses, verdicts, actions, kinds) are enums the engine compares, shown by name in a text
    /// property: ConvertTo-Json writes an enum as its number in both PowerShell editions, and a deserialized object
    /// converted back into a model sets the text property.
    /// </summary>
    public class DomainEnumTests
    {
        private static readonly Type[] Models = typeof(GpuHealthReport).Assembly.GetTypes()
            .Where(t => t.Namespace == "DlGpuTools" && t.IsClass && t.IsPublic && !t.IsAbstract
                && t.GetConstructor(Type.EmptyTypes) != null)
            .ToArray();

        public static IEnumerable<object[]> TypedValues() =>
            from model in Models
            from property in model.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            where EnumOf(property).IsEnum && property.CanRead && property.CanWrite
            select new object[] { model.Name, property.Name };

        private static Type EnumOf(PropertyInfo property) => Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;

        [Fact]
        public void The_models_keep_domain_values_as_enums()
        {
            // The rule below must have something to hold: the health, install, collective, Slurm and recommendation models.
            string[] typed = TypedValues().Select(v => $"{v[0]}.{v[1]}").ToArray();
            Assert.Contains("GpuHealthReport.HealthVerdict", typed);
            Assert.Contains("InstallCheck.CheckStatus", typed);
            Assert.Contains("GpuRecommendation.RecommendationKind", typed);
            Assert.Contains("SlurmNodeSync.NodeChange", typed);
            Assert.Contains("CollectiveResult.CheckStatus", typed);
            Assert.Contains("GpuSpec.GpuFormFactor", typed);
            Assert.Contains("GpuSpec.CardSegment", typed);
        }

        [Theory]
        [MemberData(nameof(TypedValues))]
        public void Each_typed_value_is_shown_by_name_in_one_text_property_that_reads_it_back(string modelName, string propertyName)
        {
            Type model = Models.Single(m => m.Name == modelName);
            PropertyInfo typed = model.GetProperty(propertyName, BindingFlags.Instance | BindingFlags.NonPublic)!;
            PropertyInfo[] texts = model.GetProperties().Where(p => p.PropertyType == typeof(string) && p.CanWrite).ToArray();
            object instance = Activator.CreateInstance(model)!;
            Array values = Enum.GetValues(EnumOf(typed));
            foreach (object value in values)
            {
                object other = values.GetValue(value.Equals(values.GetValue(0)) ? values.Length - 1 : 0)!;
                typed.SetValue(instance, other);
                Dictionary<PropertyInfo, string?> before = texts.ToDictionary(p => p, p => (string?)p.GetValue(instance));
                typed.SetValue(instance, value);
                PropertyInfo shown = Assert.Single(texts, p => (string?)p.GetValue(instance) != before[p]);
                // The name as the enum spells it, or in the lower case of the table it came from (a card's segment).
                Assert.Equal(value.ToString(), (string?)shown.GetValue(instance), ignoreCase: true);
                typed.SetValue(instance, other);
                shown.SetValue(instance, value.ToString()!.ToUpperInvariant());
                Assert.Equal(value, typed.GetValue(instance));
            }
        }

        [Fact]
        public void No_model_shows_a_domain_value_as_a_number()
        {
            // The price table's rows, which the recommender reads and no command writes, are the only models with enum-typed
            // public properties; a command's output type may not gain one.
            string[] allowed = { "CardPrice.Kind", "PriceEvidence.Flags", "PriceEvidence.Kind" };
            string[] numeric = (from model in Models
                                from p in model.GetProperties()
                                let type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType
                                where type.IsEnum
                                orderby model.Name, p.Name
                                select $"{model.Name}.{p.Name}").ToArray();
            Assert.Equal(allowed, numeric);
        }

        [Theory]
        [InlineData("Fine")]
        [InlineData("")]
        [InlineData("42")]
        public void A_name_the_enum_does_not_define_is_refused_not_stored(string text)
        {
            var report = new GpuHealthReport();
            ArgumentException e = Assert.Throws<ArgumentException>(() => report.Verdict = text);
            Assert.Contains("Healthy, Degraded, Unhealthy", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => new InstallCheck { Status = text });
        }

        [Fact]
        public void Slurm_sync_drains_by_the_verdict_whatever_case_its_text_came_in()
        {
            // A report rebuilt from JSON a script edited: the verdict is the enum's, not the text's spelling.
            var report = new GpuHealthReport { Verdict = "unhealthy", Reason = "GPU 0: ECC errors: 1" };
            SlurmNodeSync plan = SlurmHealthSync.Plan(report, "n1", new SlurmNodeStatus("idle", null), SlurmHealthSync.DefaultReasonPrefix);
            Assert.Equal("Drained", plan.Change);
            Assert.Equal("Unhealthy", plan.Verdict);
            Assert.False(plan.Passed);
            Assert.True(plan.ChangesNode());
            Assert.False(report.IsUsable());
        }

        [Fact]
        public void The_install_verdict_counts_checks_by_their_status()
        {
            var checks = new[]
            {
                new InstallCheck { Name = "a", Status = "Passed" }, new InstallCheck { Name = "b", Status = "warning" },
                new InstallCheck { Name = "c", Status = "Skipped" }, new InstallCheck { Name = "d", Status = "FAILED", Remedy = "fix d" },
            };
            InstallCheck verdict = InstallChecker.Verdict(checks);
            Assert.Equal("Failed", verdict.Status);
            Assert.True(verdict.IsFailed());
            Assert.EndsWith("(1 passed, 1 warning(s), 1 failed, 1 skipped).", verdict.Detail, StringComparison.Ordinal);
            Assert.Equal("d: fix d", InstallChecker.CombinedRemedy(checks));
        }

        [Fact]
        public void Health_rows_fold_by_status_and_action_whatever_case_their_text_came_in()
        {
            var rows = new[]
            {
                new GpuHealthCheck { Check = "A", Status = "warning", Action = "configure", Detail = "a" },
                new GpuHealthCheck { Check = "B", Status = "Failed", Action = "resetgpu", Detail = "b" },
            };
            HealthChecker.Fold(rows, out HealthVerdict verdict, out HealthAction action, out string? reason);
            Assert.Equal(HealthVerdict.Unhealthy, verdict);
            Assert.Equal(HealthAction.ResetGpu, action);
            Assert.Equal("B: b", reason);
            Assert.Equal("ResetGpu", rows[1].Action);
        }

        [Fact]
        public void A_recommendation_says_what_it_offers_from_its_kind()
        {
            var rent = new GpuRecommendation { Kind = "rent" };
            var upgrade = new GpuRecommendation { Kind = "Upgrade" };
            var current = new GpuRecommendation { Kind = "Current" };
            Assert.True(rent.IsRental());
            Assert.False(rent.IsPurchase());
            Assert.True(upgrade.IsPurchase());
            Assert.True(current.IsCurrentCard());
            Assert.False(current.IsPurchase());
            Assert.Equal("Rent", rent.Kind);
        }

        [Fact]
        public void The_recommender_compares_methods_and_price_conditions_as_typed_values()
        {
            // A method is compared through its typed ServedPrecision and a chosen price's condition as PriceCondition; text compares of
            // either are what this finds (the price table's own condition column, external text, is read in Catalog).
            var compare = new Regex(@"\b(Method|Condition|PriceKind)\s*(==|!=)\s*""", RegexOptions.CultureInvariant);
            Assert.Matches(compare, "if (m.Method == \"FP8\")");
            var found = SourceLines.Matching(compare, Path.Combine("src", "DlGpuTools.Engine"));

            Assert.True(found.Count == 0, "Domain values compared as text:\n" + string.Join("\n", found));
        }

        [Fact]
        public void A_price_condition_is_shown_in_the_price_tables_lower_case_and_read_back_in_any_case()
        {
            var evidence = new PriceEvidence { Condition = "USED" };
            Assert.Equal(PriceCondition.Used, evidence.PriceCondition);
            Assert.Equal("used", evidence.Condition);
            evidence.PriceCondition = PriceCondition.Launch;
            Assert.Equal("launch", evidence.Condition);
            Assert.Throws<ArgumentException>(() => evidence.Condition = "refurbished");
        }
    }
}
