using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Querying;

/// <summary>
/// Copies results so callers may mutate what they get without changing what the next caller gets.
/// </summary>
/// <remarks>
/// Immutable types (primitives, strings, enums, dates, Guid, anonymous types and records whose members are all
/// immutable) are returned as they are. A class whose fields are all immutable is copied with one
/// <c>MemberwiseClone</c>. Other objects (entities with loaded navigations, collections) are deep-copied field by
/// field, preserving shared references and cycles through a reference map. Plans are computed once per type.
/// </remarks>
internal static class ResultCopier
{
    private static readonly ConcurrentDictionary<Type, TypePlan> Plans = new();

    public static bool IsImmutable(Type type) => GetPlan(type).Kind == PlanKind.Immutable;

    public static T Copy<T>(T value)
    {
        if (value is null || TypeInfoCache<T>.Immutable)
        {
            return value;
        }

        if (TypeInfoCache<T>.SealedFlat || (TypeInfoCache<T>.NoReferenceSet is { } unloaded && unloaded(value)))
        {
            return (T)ShallowCopy.Of(value);
        }

        Dictionary<object, object>? map = null;
        return (T)CopyObject(value, ref map)!;
    }

    public static List<T> CopyList<T>(T[] source)
    {
        var list = new List<T>(source.Length);
        if (TypeInfoCache<T>.Immutable)
        {
            list.AddRange(source);
            return list;
        }

        // Rows are written straight into the list's backing array (no per-row Add).
        CollectionsMarshal.SetCount(list, source.Length);
        var target = CollectionsMarshal.AsSpan(list);
        if (TypeInfoCache<T>.SealedFlat)
        {
            // The common case (sealed entities of scalar columns): one MemberwiseClone per row, no per-row plan lookup.
            for (var i = 0; i < source.Length; i++)
            {
                var item = source[i];
                target[i] = item is null ? item : (T)ShallowCopy.Of(item);
            }

            return list;
        }

        var unloaded = TypeInfoCache<T>.NoReferenceSet;
        Dictionary<object, object>? map = null;
        for (var i = 0; i < source.Length; i++)
        {
            var item = source[i];
            if (item is null)
            {
                target[i] = item;
            }
            else if (map is null && unloaded is not null && unloaded(item))
            {
                // A sealed entity whose navigations are not loaded: one MemberwiseClone, as for a flat one. Once a row shared
                // references (the map exists), rows go through the map so shared objects stay shared in the copy.
                target[i] = (T)ShallowCopy.Of(item);
            }
            else
            {
                target[i] = (T)CopyObject(item, ref map)!;
            }
        }

        return list;
    }

    private static object? CopyObject(object? value, ref Dictionary<object, object>? map)
    {
        if (value is null)
        {
            return null;
        }

        var plan = GetPlan(value.GetType());
        switch (plan.Kind)
        {
            case PlanKind.Immutable:
                return value;
            case PlanKind.Flat:
                return ShallowCopy.Of(value);
        }

        if (map is not null && map.TryGetValue(value, out var existing))
        {
            return existing;
        }

        if (value is Array array)
        {
            map ??= new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
            var copy = (Array)array.Clone();
            map[value] = copy;
            for (var i = 0; i < copy.Length; i++)
            {
                copy.SetValue(CopyObject(array.GetValue(i), ref map), i);
            }

            return copy;
        }

        if (plan.Kind == PlanKind.Collection && value is IList list && Activator.CreateInstance(value.GetType()) is IList target)
        {
            map ??= new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
            map[value] = target;
            foreach (var item in list)
            {
                target.Add(CopyObject(item, ref map));
            }

            return target;
        }

        // The map (shared references, cycles) is made when the first reference field holds something: an entity whose
        // navigations are not loaded is one shallow copy.
        var clone = ShallowCopy.Of(value);
        map?.Add(value, clone);
        foreach (var field in plan.DeepFields)
        {
            var child = field.GetValue(value);
            if (child is null)
            {
                continue; // the shallow copy holds null already
            }

            if (map is null)
            {
                map = new Dictionary<object, object>(ReferenceEqualityComparer.Instance) { [value] = clone };
            }

            field.SetValue(clone, CopyObject(child, ref map));
        }

        return clone;
    }

    private static TypePlan GetPlan(Type type) => Plans.GetOrAdd(type, static t => BuildPlan(t, 0));

    private static TypePlan BuildPlan(Type type, int depth)
    {
        if (IsScalar(type))
        {
            return TypePlan.Immutable;
        }

        if (type.IsArray || (typeof(IList).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null))
        {
            return new TypePlan(PlanKind.Collection, []);
        }

        if (typeof(IEnumerable).IsAssignableFrom(type) || type.IsInterface || type.IsAbstract || depth > 8)
        {
            // Unknown collections and open hierarchies: copy deeply by fields (sound default).
            return new TypePlan(PlanKind.Deep, AllFields(type));
        }

        var deep = new List<FieldInfo>();
        var allReadOnly = true;
        foreach (var field in AllFields(type))
        {
            allReadOnly &= field.IsInitOnly;
            var fieldType = field.FieldType;
            if (!IsScalar(fieldType) && !(fieldType.IsValueType && BuildPlan(fieldType, depth + 1).Kind == PlanKind.Immutable))
            {
                deep.Add(field);
            }
        }

        if (deep.Count == 0)
        {
            return allReadOnly || type.IsValueType ? TypePlan.Immutable : new TypePlan(PlanKind.Flat, []);
        }

        return new TypePlan(PlanKind.Deep, [.. deep]);
    }

    private static FieldInfo[] AllFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }

        return [.. fields];
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(DateOnly)
            || type == typeof(TimeOnly) || type == typeof(Type) || type == typeof(UInt128) || type == typeof(Int128);
    }

    private enum PlanKind
    {
        Immutable,
        Flat,
        Collection,
        Deep,
    }

    private sealed record TypePlan(PlanKind Kind, FieldInfo[] DeepFields)
    {
        public static readonly TypePlan Immutable = new(PlanKind.Immutable, []);
    }

    private static class TypeInfoCache<T>
    {
        public static readonly bool Immutable = !RuntimeHelpers.IsReferenceOrContainsReferences<T>() || (typeof(T).IsSealed && IsImmutable(typeof(T)));

        public static readonly bool SealedFlat = !typeof(T).IsValueType && typeof(T).IsSealed && GetPlan(typeof(T)).Kind == PlanKind.Flat;

        /// <summary>
        /// For a sealed class whose only non-scalar fields are references (navigations, collections): a compiled test that
        /// every one of them is null, in which case one <c>MemberwiseClone</c> is the whole deep copy. Otherwise null.
        /// </summary>
        public static readonly Func<T, bool>? NoReferenceSet = BuildNoReferenceSet();

        private static Func<T, bool>? BuildNoReferenceSet()
        {
            var type = typeof(T);
            if (type.IsValueType || !type.IsSealed || type.IsArray)
            {
                return null;
            }

            var plan = GetPlan(type);
            if (plan.Kind != PlanKind.Deep || plan.DeepFields.Length == 0)
            {
                return null;
            }

            var row = Expression.Parameter(type, "row");
            Expression? test = null;
            foreach (var field in plan.DeepFields)
            {
                if (field.FieldType.IsValueType || field.DeclaringType is null || !field.DeclaringType.IsAssignableFrom(type))
                {
                    return null; // a struct holding references: the general path copies it
                }

                var isNull = Expression.ReferenceEqual(Expression.Field(row, field), Expression.Constant(null, field.FieldType));
                test = test is null ? isNull : Expression.AndAlso(test, isNull);
            }

            try
            {
                return Expression.Lambda<Func<T, bool>>(test!, row).Compile();
            }
            catch (Exception)
            {
                return null; // the general path is always correct
            }
        }
    }
}
