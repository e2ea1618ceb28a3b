using System;
using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Errors;

namespace DlGpuTools.Registration
{
    /// <summary>
    /// The list of one feature's tests or checks, in an order where every item comes after the items it needs
    /// (declaration order otherwise, so output stays stable). Everything else reads from it: parameter
    /// validation and completion, progress totals, the docs' tables. Adding an item is adding it to the list.
    /// </summary>
    public sealed class Registry<T> : IRegistry
        where T : class, IRegistered
    {
        private readonly Dictionary<string, T> _byId;

        /// <param name="feature">What the items are, for messages: "bandwidth test".</param>
        /// <param name="unknownItem">The catalogue entry of a user error naming an id the registry lacks.</param>
        /// <param name="items">The items, in declaration order.</param>
        public Registry(string feature, ErrorEntry unknownItem, IEnumerable<T> items)
        {
            Feature = feature ?? throw new ArgumentNullException(nameof(feature));
            UnknownItem = unknownItem ?? throw new ArgumentNullException(nameof(unknownItem));
            var declared = (items ?? throw new ArgumentNullException(nameof(items))).ToList();
            _byId = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
            foreach (T item in declared)
            {
                if (string.IsNullOrWhiteSpace(item.Id))
                    throw new ArgumentException($"A {feature} item of type {item.GetType().Name} has no id.", nameof(items));
                if (_byId.ContainsKey(item.Id)) throw new ArgumentException($"Two {feature} items have the id '{item.Id}'.", nameof(items));
                _byId.Add(item.Id, item);
            }

            All = DependencyOrder(declared);
            Ids = All.Select(i => i.Id).ToArray();
        }

        /// <summary>What the items are, for messages: "bandwidth test", "install check", "health check".</summary>
        public string Feature { get; }

        public ErrorEntry UnknownItem { get; }

        /// <summary>Every item, each after the items it needs.</summary>
        public IReadOnlyList<T> All { get; }

        /// <summary>Every id, in run order (validation and completion read this).</summary>
        public IReadOnlyList<string> Ids { get; }

        public bool TryGet(string id, out T item)
        {
            bool found = _byId.TryGetValue(id ?? string.Empty, out T? value);
            item = value!;
            return found;
        }

        public string? DescriptionOf(string id) => TryGet(id, out T item) ? item.Description : null;

        /// <summary>The item with this id (any case), or a user error that lists the ids there are.</summary>
        public T Get(string id) => TryGet(id, out T item) ? item : throw new UnknownRegisteredIdException(UnknownItem, Feature, id, Ids);

        /// <summary>
        /// The asked-for items in run order, without duplicates; null or empty asks for all. Items they need are
        /// not added: a runner that finds a needed result missing reports the item as not run, with the reason.
        /// </summary>
        public IReadOnlyList<T> Select(IEnumerable<string>? ids)
        {
            var asked = (ids ?? Enumerable.Empty<string>()).ToList();
            if (asked.Count == 0) return All;
            var wanted = new HashSet<T>(asked.Select(Get));
            return All.Where(wanted.Contains).ToArray();
        }

        /// <summary>A stable topological order: repeatedly take the first declared item whose needs are placed.</summary>
        private List<T> DependencyOrder(List<T> declared)
        {
            foreach (T item in declared)
            {
                foreach (string need in item.Needs ?? Array.Empty<string>())
                {
                    if (!_byId.ContainsKey(need))
                        throw new ArgumentException($"The {Feature} '{item.Id}' needs '{need}', which is not registered.",
                            nameof(declared));
                }
            }

            var placed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var order = new List<T>(declared.Count);
            var left = new List<T>(declared);
            while (left.Count > 0)
            {
                T? next = left.FirstOrDefault(i => (i.Needs ?? Array.Empty<string>()).All(placed.Contains));
                if (next == null)
                    throw new ArgumentException($"The {Feature} items {string.Join(", ", left.Select(i => i.Id))} need "
                        + "each other in a cycle.",
                    nameof(declared));
                order.Add(next);
                placed.Add(next.Id);
                left.Remove(next);
            }

            return order;
        }
    }
}
