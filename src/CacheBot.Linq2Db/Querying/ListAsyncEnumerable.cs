namespace CacheBot.Linq2Db.Querying;

/// <summary>An already materialised result exposed as <see cref="IAsyncEnumerable{T}"/> (what linq2db's async operators consume).</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class ListAsyncEnumerable<T> : IAsyncEnumerable<T>
{
    private readonly List<T> _items;

    public ListAsyncEnumerable(List<T> items)
    {
        _items = items;
    }

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(_items, cancellationToken);

    private sealed class Enumerator(List<T> items, CancellationToken cancellationToken) : IAsyncEnumerator<T>
    {
        private int _index = -1;

        public T Current => items[_index];

        public ValueTask<bool> MoveNextAsync()
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new(++_index < items.Count);
        }

        public ValueTask DisposeAsync() => default;
    }
}
