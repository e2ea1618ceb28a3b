using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;
using DlGpuTools.Registration;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class RegistryTests
    {
        private static readonly ErrorEntry Unknown = ErrorCatalogue.UnknownHealthCheck;

        private sealed class Item : IRegistered
        {
            public Item(string id, params string[] needs)
            {
                Id = id;
                Needs = needs;
            }

            public string Id { get; }

            public string Description => "checks " + Id;

            public IReadOnlyList<string> Needs { get; }
        }

        [Fact]
        public void Items_come_after_what_they_need_and_otherwise_keep_declaration_order()
        {
            var registry = new Registry<Item>("test check", Unknown,
                new[] { new Item("c", "b"), new Item("a"), new Item("b", "a"), new Item("d") });

            Assert.Equal(new[] { "a", "b", "c", "d" }, registry.Ids);
        }

        [Fact]
        public void Declaration_order_is_kept_when_nothing_is_needed()
        {
            var registry = new Registry<Item>("test check", Unknown, new[] { new Item("z"), new Item("y"), new Item("x") });

            Assert.Equal(new[] { "z", "y", "x" }, registry.Ids);
        }

        [Fact]
        public void Duplicate_ids_missing_needs_and_cycles_are_refused_at_registration()
        {
            Assert.Contains("Two",
                Assert.Throws<ArgumentException>(() => new Registry<Item>("test check", Unknown, new[] { new Item("a"), new Item("A") }))
                    .Message);
            Assert.Contains("'b', which is not registered",
                Assert.Throws<ArgumentException>(() => new Registry<Item>("test check", Unknown, new[] { new Item("a", "b") })).Message);
            Assert.Contains("cycle", Assert.Throws<ArgumentException>(() =>
                new Registry<Item>("test check", Unknown, new[] { new Item("a", "b"), new Item("b", "a"), new Item("c") })).Message);
        }

        [Fact]
        public void Select_keeps_run_order_and_ignores_case_and_duplicates()
        {
            var registry = new Registry<Item>("test check", Unknown, new[] { new Item("a"), new Item("b"), new Item("c") });

            Assert.Equal(new[] { "a", "c" }, registry.Select(new[] { "C", "a", "c" }).Select(i => i.Id));
            Assert.Equal(3, registry.Select(null).Count);
        }

        [Fact]
        public void An_unknown_id_is_a_described_user_error_listing_the_ids()
        {
            var registry = new Registry<Item>("install check", ErrorCatalogue.UnknownInstallCheck,
                new[] { new Item("driver"), new Item("cudnn") });

            var error = Assert.Throws<UnknownRegisteredIdException>(() => registry.Get("nccl"));

            Assert.Equal("UnknownInstallCheck", error.ErrorId);
            Assert.Contains("driver, cudnn", error.Remedy);
            Assert.Equal("checks cudnn", registry.DescriptionOf("CUDNN"));
            Assert.Null(registry.DescriptionOf("nccl"));
        }
    }
}
