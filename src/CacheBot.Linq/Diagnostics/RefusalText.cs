using CacheBot.Linq.Analysis;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// The words for each <see cref="RefusalReason"/>, as <c>Explain()</c>, <c>TopShapes()</c> and traces show them:
/// "<c>{words}: {detail}</c>", e.g. "DateTime.Now is not deterministic" or "unknown table: cannot identify the table of ...".
/// </summary>
internal static class RefusalText
{
    /// <summary>The detail the read path gives a refusal remembered per shape (the shape's statistics keep the first words).</summary>
    public const string RefusedEarlier = "shape refused earlier";

    /// <summary>Returns the words of <paramref name="reason"/> (never the enum name).</summary>
    public static string Words(RefusalReason reason) => reason switch
    {
        RefusalReason.None => "cacheable",
        RefusalReason.NonDeterministic => "not deterministic",
        RefusalReason.UnidentifiedTable => "unknown table",
        RefusalReason.IgnoredTable => "ignored table",
        RefusalReason.UnsupportedOperator => "not analysable",
        RefusalReason.Unhashable => "cannot be keyed",
        RefusalReason.InsideTransaction => "inside a transaction",
        RefusalReason.StoreFailure => "result store failed",
        RefusalReason.CoordinatorUnavailable => "coordinator unavailable",
        _ => reason.ToString(),
    };

    /// <summary>Returns "<c>{words}: {detail}</c>", or the words alone when there is no detail.</summary>
    public static string Describe(RefusalReason reason, string? detail) =>
        string.IsNullOrEmpty(detail) ? Words(reason) : Words(reason) + ": " + detail;
}
