using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Serialization;

namespace DlGpuTools.Commands.Remoting
{
    /// <summary>
    /// Turns a rank's result as remoting delivers it (a deserialized property bag: numbers, strings, lists of bags)
    /// back into the engine's own type, so the engine merges typed results and never sees PowerShell. Properties are
    /// matched by name; a property the remote side did not send keeps its default, and one that arrived as text
    /// where an object was due (a serialization depth too small) is an error, not a silent loss.
    /// </summary>
    internal static class RankResultReader
    {
        private const int MaxDepth = 8;

        /// <summary>
        /// Rank <paramref name="rank"/>'s result as <typeparamref name="T"/>; one that cannot be read back is
        /// CollectiveRankResultsDiffer, saying which rank and what arrived.
        /// </summary>
        public static T Read<T>(PSObject source, int rank) where T : class
        {
            try
            {
                object? read = Convert(source, typeof(T), 0);
                return (T)(read ?? throw new RankResultException($"A rank returned nothing where a {typeof(T).Name} was due."));
            }
            catch (RankResultException e)
            {
                throw RankErrors.ResultsDiffer($"rank {rank}: {e.Message}");
            }
        }

        private static object? Convert(object? value, Type type, int depth)
        {
            if (value == null) return null;
            if (depth > MaxDepth) throw new RankResultException($"{type.Name} nests deeper than {MaxDepth} levels.");
            object bare = value is PSObject wrapped ? wrapped.BaseObject : value;
            Type target = Nullable.GetUnderlyingType(type) ?? type;
            if (!(bare is PSCustomObject) && target.IsInstanceOfType(bare)) return bare;
            if (target.IsEnum) return ToEnum(bare, target);
            if (IsScalar(target)) return ToScalar(bare, target);
            if (target.IsArray)
            {
                Type element = target.GetElementType()!; // an array type has one
                List<object?> items = Items(bare, target).Select(i => Convert(i, element, depth + 1)).ToList();
                var array = Array.CreateInstance(element, items.Count);
                for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
                return array;
            }

            Type? listElement = ListElement(target);
            if (listElement != null)
            {
                // The type itself when it is a list class (ReadableList<T>), else a List<T> for an interface.
                Type made = target.IsInterface ? typeof(List<>).MakeGenericType(listElement) : target;
                var list = (IList)Activator.CreateInstance(made)!; // list classes the models use have a public constructor
                foreach (object? item in Items(bare, target)) list.Add(Convert(item, listElement, depth + 1));
                return list;
            }

            Type[]? entry = DictionaryTypes(target);
            if (entry != null)
            {
                if (!(bare is IDictionary sentEntries))
                {
                    throw new RankResultException($"A {target.Name} arrived as '{Shorten(bare.ToString())}'.");
                }


                // Dictionary classes the models use have a public constructor, and deserialized keys are never null.
                var dictionary = (IDictionary)Activator.CreateInstance(target)!;
                foreach (DictionaryEntry e in sentEntries)
                {
                    dictionary[Convert(e.Key, entry[0], depth + 1)!] = Convert(e.Value, entry[1], depth + 1);
                }
                return dictionary;
            }

            if (bare is string text)
            {
                throw new RankResultException($"A {target.Name} arrived as the text '{Shorten(text)}': raise its SerializationDepth.");
            }

            if (!(value is PSObject bag)) return ToScalar(bare, target);
            return Build(bag, target, depth);
        }

        // What a rank sent is data from another process: a value that does not fit its property is that rank's bad result.
        private static object ToEnum(object bare, Type target)
        {
            if (!(bare is string name)) return Enum.ToObject(target, bare);
            string? known = Enum.GetNames(target).FirstOrDefault(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
            return known != null
                ? Enum.Parse(target, known)
                : throw new RankResultException($"A {target.Name} arrived as '{Shorten(name)}', which is none of its values.");
        }

        private static object ToScalar(object bare, Type target)
        {
            try
            {
                return LanguagePrimitives.ConvertTo(bare, target, CultureInfo.InvariantCulture);
            }
            catch (PSInvalidCastException)
            {
                throw new RankResultException($"A {target.Name} arrived as '{Shorten(bare.ToString())}'.");
            }
        }

        private static object Build(PSObject bag, Type target, int depth)
        {
            const BindingFlags AnyConstructor = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            object instance = target.GetConstructor(AnyConstructor, null, Type.EmptyTypes, null) is ConstructorInfo constructor
                ? constructor.Invoke(null)
                : FormatterServices.GetUninitializedObject(target);
            foreach (PropertyInfo property in target.GetProperties(BindingFlags.Instance | BindingFlags.Public))
            {
                if (property.GetIndexParameters().Length > 0) continue;
                PSPropertyInfo? sent = bag.Properties[property.Name];
                if (sent == null) continue;
                object? converted = Convert(sent.Value, property.PropertyType, depth + 1);
                MethodInfo? setter = property.GetSetMethod(nonPublic: true);
                if (setter != null)
                {
                    try
                    {
                        setter.Invoke(instance, new[] { converted });
                    }
                    catch (TargetInvocationException e) when (e.InnerException is ArgumentException refused)
                    {
                        // A model's setter refuses text it has no value for (EnumText.Parse): the rank sent a bad value.
                        throw new RankResultException($"{target.Name}.{property.Name}: {refused.Message}");
                    }

                    continue;
                }

                // A get-only auto-property: its compiler-made field.
                FieldInfo? field = target.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);
                field?.SetValue(instance, converted);
            }

            return instance;
        }

        private static IEnumerable<object?> Items(object bare, Type target)
        {
            if (bare is string || !(bare is IEnumerable items))
            {
                throw new RankResultException($"A list ({target.Name}) arrived as '{Shorten(bare.ToString())}'.");
            }

            foreach (object? item in items) yield return item;
        }

        /// <summary>The element type of a list class (List&lt;T&gt; or derived) or list interface; null for anything else.</summary>
        private static Type? ListElement(Type type)
        {
            if (type.IsInterface && type.IsGenericType)
            {
                Type definition = type.GetGenericTypeDefinition();
                bool list = definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>)
                    || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>);
                return list ? type.GetGenericArguments()[0] : null;
            }

            for (Type? t = type; t != null; t = t.BaseType)
            {
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)) return t.GetGenericArguments()[0];
            }

            return null;
        }

        /// <summary>Key and value types of a dictionary class (Dictionary&lt;K,V&gt; or derived); null otherwise.</summary>
        private static Type[]? DictionaryTypes(Type type)
        {
            for (Type? t = type; t != null; t = t.BaseType)
            {
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return t.GetGenericArguments();
            }

            return null;
        }

        private static bool IsScalar(Type type) =>
            type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset)
            || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Version);

        private static string Shorten(string? text) =>
            text == null ? string.Empty : text.Length <= 60 ? text : text.Substring(0, 60) + "...";
    }

    /// <summary>A rank's result that cannot be read back into the engine's type; <see cref="RankResultReader.Read{T}"/> words it.</summary>
    internal sealed class RankResultException : Exception
    {
        public RankResultException(string message)
            : base(message)
        {
        }
    }
}
