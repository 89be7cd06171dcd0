using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// One place a table is read in a query: a chain root, a join side, or a navigation from another occurrence.
/// Constraints are recorded per occurrence; a table read twice has two occurrences with their own constraints.
/// </summary>
internal sealed class Occurrence
{
    private Dictionary<AssociationModel, Occurrence>? _children;

    public Occurrence(TableModel table, int scope, Occurrence? parent, AssociationModel? via, string? path)
    {
        Table = table;
        Scope = scope;
        Parent = parent;
        Via = via;
        Path = path;
    }

    public TableModel Table { get; }

    /// <summary>Gets the analysis scope (chain) that created it; predicates of other scopes never narrow it.</summary>
    public int Scope { get; }

    public Occurrence? Parent { get; }

    public AssociationModel? Via { get; }

    /// <summary>Gets the member path from the cached query's root (<c>""</c> for the root, <c>"Message.Sender"</c>), or null when not reachable from it.</summary>
    public string? Path { get; }

    /// <summary>Gets or sets whether later predicates can no longer narrow it (after <c>Take</c>, <c>Skip</c>, ...).</summary>
    public bool Frozen { get; set; }

    public bool IsFrozen => Frozen || (Parent?.IsFrozen ?? false);

    /// <summary>Gets or sets whether a missing row reads as a row of nulls (outer join via <c>DefaultIfEmpty</c>).</summary>
    public bool Optional { get; set; }

    /// <summary>
    /// Gets whether a null constraint on this occurrence cannot narrow: the row may be missing (outer join, or a
    /// navigation whose target may not exist), and a missing row compares like a row of nulls.
    /// </summary>
    public bool NullMayMeanMissing => Optional || Parent is not null;

    public Occurrence Navigate(AssociationModel association, TableModel target, int scope, List<Occurrence> all)
    {
        _children ??= [];
        if (!association.IsCollection && _children.TryGetValue(association, out var existing))
        {
            return existing;
        }

        var path = Path is null ? null : Path.Length == 0 ? association.Member.Name : Path + "." + association.Member.Name;
        var child = new Occurrence(target, association.IsCollection ? scope : Scope, this, association, path);
        if (!association.IsCollection)
        {
            _children[association] = child;
        }

        all.Add(child);
        return child;
    }
}
