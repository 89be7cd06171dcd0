using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// Row images built from a shared <see cref="RowLayout"/> and an array of values answer exactly as images built from a
/// dictionary: case-insensitive names, the first of a repeated name, unknown columns unknown, SQL NULL kept.
/// </summary>
public sealed class RowImageTests
{
    [Fact]
    public void LayoutImage_AnswersLikeADictionaryImage()
    {
        var random = new Random(11);
        string[] pool = ["Id", "id", "UserId", "Title", "TITLE", "Status", "Price", "Created"];
        for (var round = 0; round < 500; round++)
        {
            var names = Enumerable.Range(0, random.Next(0, 7)).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            var values = names.Select(_ => random.Next(4) == 0 ? null : (object?)random.Next(100)).ToArray();
            var dictionary = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Length; i++)
            {
                dictionary.TryAdd(names[i], values[i]);
            }

            var expected = RowValues.FromDictionary(dictionary);
            var actual = new RowValues(new RowLayout(names), values);

            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal(expected.Values.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Values.OrderBy(p => p.Key, StringComparer.Ordinal));
            foreach (var name in pool.Append("Missing"))
            {
                Assert.Equal(expected.TryGet(name, out var e), actual.TryGet(name, out var a));
                Assert.Equal(e, a);
            }
        }
    }

    [Fact]
    public void LayoutImage_WithTheWrongNumberOfValues_IsRefused()
    {
        var layout = new RowLayout(["Id", "Name"]);

        var error = Assert.Throws<ArgumentException>(() => new RowValues(layout, [1]));

        Assert.Contains("1 values for 2 columns", error.Message, StringComparison.Ordinal);
    }
}
