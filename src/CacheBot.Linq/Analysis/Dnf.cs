namespace CacheBot.Linq.Analysis;

/// <summary>
/// A predicate in disjunctive normal form over equality atoms: a list of conjunctions, each mapping a column of an
/// occurrence to the values it must take. <see cref="True"/> (one empty conjunction) constrains nothing.
/// </summary>
/// <remarks>
/// Soundness: every operation may only weaken the predicate (drop atoms, keep the smaller of two value sets for one
/// column, collapse to <see cref="True"/> beyond <see cref="MaxConjunctions"/>); a weaker predicate means coarser,
/// never missing, invalidation.
/// </remarks>
internal sealed class Dnf
{
    public const int MaxConjunctions = 32;

    public static readonly Dnf True = new([new Dictionary<ColumnRef, IReadOnlyList<object?>>()]);

    private Dnf(List<Dictionary<ColumnRef, IReadOnlyList<object?>>> conjunctions) => Conjunctions = conjunctions;

    public List<Dictionary<ColumnRef, IReadOnlyList<object?>>> Conjunctions { get; }

    public bool IsTrue => Conjunctions.Count == 1 && Conjunctions[0].Count == 0;

    public static Dnf Atom(ColumnRef column, IReadOnlyList<object?> values) => new([new() { [column] = values }]);

    public static Dnf And(Dnf left, Dnf right)
    {
        if (left.IsTrue)
        {
            return right;
        }

        if (right.IsTrue)
        {
            return left;
        }

        if (left.Conjunctions.Count * right.Conjunctions.Count > MaxConjunctions)
        {
            // Too many combinations: keep the side with fewer disjuncts (a weaker predicate, still sound).
            return left.Conjunctions.Count <= right.Conjunctions.Count ? left : right;
        }

        var result = new List<Dictionary<ColumnRef, IReadOnlyList<object?>>>();
        foreach (var l in left.Conjunctions)
        {
            foreach (var r in right.Conjunctions)
            {
                var merged = new Dictionary<ColumnRef, IReadOnlyList<object?>>(l);
                foreach (var pair in r)
                {
                    merged[pair.Key] = merged.TryGetValue(pair.Key, out var existing) && existing.Count <= pair.Value.Count
                        ? existing
                        : pair.Value;
                }

                result.Add(merged);
            }
        }

        return new Dnf(result);
    }

    public static Dnf Or(Dnf left, Dnf right)
    {
        if (left.IsTrue || right.IsTrue || left.Conjunctions.Count + right.Conjunctions.Count > MaxConjunctions)
        {
            return True;
        }

        return new Dnf([.. left.Conjunctions, .. right.Conjunctions]);
    }

    /// <summary>Keeps only the atoms accepted by <paramref name="keep"/>; a conjunction left empty makes the whole predicate <see cref="True"/>.</summary>
    public Dnf Project(Func<ColumnRef, bool> keep)
    {
        var result = new List<Dictionary<ColumnRef, IReadOnlyList<object?>>>(Conjunctions.Count);
        foreach (var conjunction in Conjunctions)
        {
            var projected = new Dictionary<ColumnRef, IReadOnlyList<object?>>();
            foreach (var pair in conjunction)
            {
                if (keep(pair.Key))
                {
                    projected[pair.Key] = pair.Value;
                }
            }

            if (projected.Count == 0)
            {
                return True;
            }

            result.Add(projected);
        }

        return new Dnf(result);
    }
}
