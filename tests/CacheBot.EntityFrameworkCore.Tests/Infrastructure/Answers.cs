using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheBot.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Turns a query's answer (or its exception) into a comparable string.</summary>
public static class Answers
{
    private static readonly JsonSerializerOptions Json = new() { ReferenceHandler = ReferenceHandler.IgnoreCycles };

    public static string Of(object? value) => JsonSerializer.Serialize(value, Json);

    public static async Task<string> OfAsync(Func<Task<object?>> run)
    {
        try
        {
            return Of(await run());
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.IAssertionException)
        {
            return "EX:" + ex.GetType().Name;
        }
    }
}
