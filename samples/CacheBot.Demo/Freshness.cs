using System.Text.Json;
using System.Text.Json.Nodes;

namespace CacheBot.Demo;

/// <summary>A cached answer that differed from the database.</summary>
public sealed record StaleAnswer(string Shape, QueryArgs Args, bool FromHit, string Cached, string Fresh, long FoundAtOp, long LastMissOp);

/// <summary>Turns any query result (entity, list, anonymous projection, scalar) into text that compares by value, ignoring list order.</summary>
public static class Canonical
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Of(object? result)
    {
        if (result is null)
        {
            return "null";
        }

        var node = JsonSerializer.SerializeToNode(result, result.GetType(), Json);
        return Normalize(node)?.ToJsonString(Json) ?? "null";
    }

    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonArray array => new JsonArray(array
            .Select(item => Normalize(item?.DeepClone()))
            .OrderBy(item => item?.ToJsonString(Json) ?? "null", StringComparer.Ordinal)
            .ToArray()),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value?.DeepClone())))),
        _ => node?.DeepClone(),
    };
}
