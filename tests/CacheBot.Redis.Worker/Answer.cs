using System.Text.Json;

namespace CacheBot.Redis.Worker;

/// <summary>
/// One component of a row's version vector: the version of one row (Key = "P:5", "U:3", "T:77") or an aggregate of
/// several rows (Key = null, e.g. the newest matching tag).
/// </summary>
public readonly record struct Component(string? Key, long Version);

/// <summary>A result row: its identity, the versions of every row its presence and content depend on, and its content.</summary>
public sealed record Row(string Key, Component[] Versions, string Content);

/// <summary>A query answer: a set of rows with version vectors (row shapes), or a whole value (scalar shapes).</summary>
public sealed class Answer
{
    private static readonly JsonSerializerOptions Json = new() { ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles };

    public Dictionary<string, Row>? Rows { get; init; }

    public string? Scalar { get; init; }

    public static Answer Of(IEnumerable<Row> rows)
    {
        var map = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            map[row.Key] = row;
        }

        return new Answer { Rows = map };
    }

    public static Answer Value(object? value) => new() { Scalar = JsonSerializer.Serialize(value, Json) };

    public static string Content(object? value) => JsonSerializer.Serialize(value, Json);
}
