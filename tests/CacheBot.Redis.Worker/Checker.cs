namespace CacheBot.Redis.Worker;

/// <summary>
/// Decides whether a cached answer C is at least as new as the truth T read just before the cached read started.
/// </summary>
/// <remarks>
/// <para>Every row carries the version of its last write; versions come from one counter taken inside each writing
/// transaction, so they commit in order and kT (the counter in T's snapshot) bounds every version committed before T.
/// C equals the query at some database state k; C is stale when k &lt; kT. Provable cases, per row r:</para>
/// <list type="bullet">
/// <item>(a) r in both, a single-row component lower in C than in T: rows only move forward, so C is older. For an
/// aggregate component (newest matching tag) a lower value is stale only if a second truth T2 shows the row unchanged.
/// Equal versions with different content are wrong answers.</item>
/// <item>(b) r in T, not in C: stale if T2 (read after C) shows r with the same versions (r did not change between T and
/// T2, and C was computed in between if it was fresh).</item>
/// <item>(c) r in C, not in T, every component at most kT: the state C shows for r existed at kT, where r did not match.</item>
/// </list>
/// <para>Scalar answers: C differs from T while no write committed between T and T2 (kT = kT2). Anything else that
/// differs is inconclusive (counted, not judged): concurrent writes may explain it.</para>
/// </remarks>
public static class Checker
{
    public static bool NeedsSecondTruth(Answer cached, Answer truth)
    {
        if (truth.Scalar is not null)
        {
            return cached.Scalar != truth.Scalar;
        }

        foreach (var (key, row) in truth.Rows!)
        {
            if (!cached.Rows!.TryGetValue(key, out var c))
            {
                return true;
            }

            for (var i = 0; i < row.Versions.Length; i++)
            {
                if (row.Versions[i].Key is null && c.Versions[i].Version < row.Versions[i].Version)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Returns the provable stale observations; <paramref name="inconclusive"/> counts unexplained differences.</summary>
    public static List<Observation> Check(string shape, Answer cached, Answer truth, long kT, Answer? truth2, long kT2, long readStart, out int inconclusive)
    {
        inconclusive = 0;
        var found = new List<Observation>();
        if (truth.Scalar is not null)
        {
            if (cached.Scalar != truth.Scalar)
            {
                if (kT == kT2)
                {
                    found.Add(new("scalar", shape, "", readStart, [], kT, $"cached {cached.Scalar} truth {truth.Scalar}"));
                }
                else if (cached.Scalar != truth2!.Scalar)
                {
                    inconclusive++;
                }
            }

            return found;
        }

        foreach (var (key, c) in cached.Rows!)
        {
            if (truth.Rows!.TryGetValue(key, out var t))
            {
                var judged = false;
                for (var i = 0; i < t.Versions.Length && !judged; i++)
                {
                    var (componentKey, tv) = t.Versions[i];
                    var cv = c.Versions[i].Version;
                    if (cv >= tv || (componentKey is not null && c.Versions[i].Key != componentKey))
                    {
                        // Newer, or another row in this position: a photo that moved to another user after the truth was
                        // read joins that user, whose version says nothing about the first one's.
                        continue;
                    }

                    judged = true;
                    if (componentKey is not null)
                    {
                        found.Add(new("older-row", shape, key, readStart, [new Component(componentKey, cv)], tv, $"component {i}: cached v{cv}, truth v{tv}"));
                    }
                    else if (truth2?.Rows is { } rows2 && rows2.TryGetValue(key, out var t2) && SameVersions(t2, t))
                    {
                        found.Add(new("older-aggregate", shape, key, readStart, [], tv, $"component {i}: cached v{cv}, truth v{tv} (unchanged in T2)"));
                    }
                    else
                    {
                        inconclusive++;
                    }
                }

                if (!judged && SameVersions(c, t) && c.Content != t.Content)
                {
                    found.Add(new("wrong-content", shape, key, readStart, [], 0, $"cached {c.Content} truth {t.Content}"));
                }
            }
            else if (AllAtMost(c, kT))
            {
                // Missed: the earliest write above the cached version on one of the row's components.
                found.Add(new("extra-row", shape, key, readStart, [.. c.Versions.Where(v => v.Key is not null)], 0, $"cached row {c.Content} absent at kT={kT}"));
            }
        }

        foreach (var (key, t) in truth.Rows!)
        {
            if (cached.Rows!.ContainsKey(key))
            {
                continue;
            }

            if (truth2?.Rows is { } rows2 && rows2.TryGetValue(key, out var t2) && SameVersions(t2, t))
            {
                var max = 0L;
                foreach (var v in t.Versions)
                {
                    max = Math.Max(max, v.Version);
                }

                found.Add(new("missing-row", shape, key, readStart, [], max, $"truth row {t.Content} missing from the cached answer"));
            }
            else
            {
                inconclusive++;
            }
        }

        return found;
    }

    private static bool SameVersions(Row a, Row b)
    {
        for (var i = 0; i < a.Versions.Length; i++)
        {
            if (a.Versions[i].Version != b.Versions[i].Version)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllAtMost(Row row, long k)
    {
        foreach (var v in row.Versions)
        {
            if (v.Version > k)
            {
                return false;
            }
        }

        return true;
    }
}
