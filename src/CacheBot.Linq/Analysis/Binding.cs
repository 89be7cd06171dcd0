using System.Reflection;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>What a lambda parameter (or a member of it) stands for: a row of an occurrence, an object of bound members, or unknown.</summary>
internal abstract class Binding
{
    public static readonly Binding Unknown = new UnknownBinding();

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

    public void FreezeAll()
    {
        foreach (var b in members.Values)
        {
            switch (b)
            {
                case RowBinding row:
                    row.Occurrence.Frozen = true;
                    break;
                case ObjectBinding obj:
                    obj.FreezeAll();
                    break;
                case GroupBinding group:
                    group.Element.Occurrence.Frozen = true;
                    break;
            }
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

/// <summary>The group of inner rows a <c>GroupJoin</c> hands to its result selector.</summary>
internal sealed class GroupBinding(RowBinding element) : Binding
{
    public RowBinding Element { get; } = element;
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
