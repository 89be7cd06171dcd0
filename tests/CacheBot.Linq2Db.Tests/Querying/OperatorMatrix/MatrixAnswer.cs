using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheBot.Linq2Db.Tests.Querying.OperatorMatrix;

/// <summary>
/// A query's answer in a comparable form: JSON of the value (sequences as a sorted multiset unless the shape is ordered,
/// dictionaries sorted by key), or the type of the exception it threw.
/// </summary>
public static class MatrixAnswer
{
    private static readonly JsonSerializerOptions Json = new()
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        IncludeFields = true,
    };

    public static async Task<string> OfAsync(MatrixShape shape, MatrixContext context, CancellationToken ct)
    {
        try
        {
            return Of(await shape.Run(context, ct), shape.Ordered);
        }
        catch (Exception ex)
        {
            return "!" + ex.GetType().FullName;
        }
    }

    public static bool IsException(string answer) => answer.StartsWith('!');

    public static string Of(object? value, bool ordered)
    {
        switch (value)
        {
            case null or string:
                return JsonSerializer.Serialize(value, Json);
            case IDictionary dictionary:
            {
                var pairs = new List<string>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    pairs.Add(JsonSerializer.Serialize(entry.Key, Json) + ":" + JsonSerializer.Serialize(entry.Value, Json));
                }

                pairs.Sort(StringComparer.Ordinal);
                return "{" + string.Join(",", pairs) + "}";
            }

            case IEnumerable sequence:
            {
                var items = new List<string>();
                foreach (var item in sequence)
                {
                    items.Add(JsonSerializer.Serialize(item, Json));
                }

                if (!ordered)
                {
                    items.Sort(StringComparer.Ordinal);
                }

                return "[" + string.Join(",", items) + "]";
            }

            default:
                return JsonSerializer.Serialize(value, value.GetType(), Json);
        }
    }
}
