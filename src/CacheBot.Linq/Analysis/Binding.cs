using System.Reflection;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>What a lambda parameter (or a member of it) stands for: a row of an occurrence, an object of bound members, or unknown.</summary>
internal abstract class Binding
{
    public static readonly Binding Unknown = new UnknownBinding();

    /// <summary>Marks every occurrence the binding stands for as frozen: later predicates no longer narrow them.</summary>
    public static void Freeze(Binding binding)
    {
        switch (binding)
        {
            case RowBinding row:
                row.Occurrence.Frozen = true;
                break;
            case ObjectBinding obj:
                obj.ForEachMember(Freeze);
                break;
            case GroupBinding group:
                Freeze(group.Element);
                Freeze(group.Key);
                break;
        }
    }

    /// <summary>Marks every occurrence the binding stands for as optional (outer join): a missing row reads as a row of nulls.</summary>
    public static void MarkOptional(Binding binding)
    {
        switch (binding)
        {
            case RowBinding row:
                row.Occurrence.Optional = true;
                break;
            case ObjectBinding obj:
                obj.ForEachMember(MarkOptional);
                break;
            case GroupBinding group:
                MarkOptional(group.Element);
                MarkOptional(group.Key);
                break;
        }
    }

    /// <summary>Adds every occurrence the binding stands for to <paramref name="into"/>.</summary>
    public static void CollectOccurrences(Binding binding, HashSet<Occurrence> into)
    {
        switch (binding)
        {
            case RowBinding row:
                into.Add(row.Occurrence);
                break;
            case ObjectBinding obj:
                obj.ForEachMember(b => CollectOccurrences(b, into));
                break;
            case GroupBinding group:
                CollectOccurrences(group.Element, into);
                CollectOccurrences(group.Key, into);
                break;
        }
    }

    private sealed class UnknownBinding : Binding;
}

/// <summary>A row of <see cref="Occurrence"/>.</summary>
internal sealed class RowBinding(Occurrence occurrence) : Binding
{
    public Occurrence Occurrence { get; } = occurrence;
}

/// <summary>An object (anonymous type, transparent identifier, DTO) whose members are bound.</summary>
internal sealed class ObjectBinding(Dictionary<MemberInfo, Binding> members) : Binding
{
    public Binding Member(MemberInfo member) =>
        members.TryGetValue(member, out var b) ? b : FindByName(member.Name);

    public void ForEachMember(Action<Binding> action)
    {
        foreach (var b in members.Values)
        {
            action(b);
        }
    }

    private Binding FindByName(string name)
    {
        foreach (var pair in members)
        {
            if (pair.Key.Name == name)
            {
                return pair.Value;
            }
        }

        return Unknown;
    }
}

/// <summary>
/// A group of rows: what a <c>GroupJoin</c> hands to its result selector, or an <c>IGrouping</c> of <c>GroupBy</c>. Reading
/// it as a sequence (<c>g.Count()</c>, <c>g.Sum(...)</c>, <c>g.Select(...)</c>) reads <see cref="Element"/>s; <c>g.Key</c> is <see cref="Key"/>.
/// </summary>
internal sealed class GroupBinding(Binding element, Binding key) : Binding
{
    public Binding Element { get; } = element;

    public Binding Key { get; } = key;
}

/// <summary>The lambda-parameter environment: a persistent linked list.</summary>
internal sealed class Env(System.Linq.Expressions.ParameterExpression parameter, Binding binding, Env? next)
{
    public Binding? Find(System.Linq.Expressions.ParameterExpression p)
    {
        for (var e = this; e is not null; e = e.Next)
        {
            if (ReferenceEquals(e.Parameter, p))
            {
                return e.Binding;
            }
        }

        return null;
    }

    public System.Linq.Expressions.ParameterExpression Parameter { get; } = parameter;

    public Binding Binding { get; } = binding;

    public Env? Next { get; } = next;
}

/// <summary>A column of an occurrence, as referenced by a predicate.</summary>
internal readonly record struct ColumnRef(Occurrence Occurrence, ColumnModel Column);
