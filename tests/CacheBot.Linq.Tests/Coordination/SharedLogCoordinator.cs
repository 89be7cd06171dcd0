using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Tests.Coordination;

/// <summary>
/// A strict coordinator over a <see cref="SharedLog"/>: every read catches up with the log first, announced writes of other
/// caches are unsettled, publishes return the log position. Faults are injected with <see cref="Unreachable"/> and
/// <see cref="FailPublish"/>.
/// </summary>
public sealed class SharedLogCoordinator(SharedLog log) : CacheCoordinator
{
    private readonly object _gate = new();
    private CoordinatorLink? _link;
    private long _cursor;

    /// <summary>Gets or sets whether the backend is unreachable: reads run uncached, announcements fail.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Gets or sets whether publishing fails (after the commit).</summary>
    public bool FailPublish { get; set; }

    public int Reads { get; private set; }

    protected override void Attach(CoordinatorLink link)
    {
        _link = link;
        _cursor = log.Head;
        link.AdvanceReadPosition(_cursor);
        link.Reset();
    }

    public override ValueTask<bool> EnterReadAsync(bool async, CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            return new(false);
        }

        lock (_gate)
        {
            Reads++;
            var (entries, unsettled, head, gap) = log.ReadAfter(_cursor);
            if (gap)
            {
                _cursor = head;
                _link!.AdvanceReadPosition(head);
                _link.Reset();
            }
            else
            {
                foreach (var (position, writes) in entries)
                {
                    _link!.Apply(writes, position);
                    _cursor = position;
                }

                _link!.AdvanceReadPosition(_cursor);
            }

            _link.SetUnsettled(unsettled);
        }

        return new(true);
    }

    public override ValueTask<object?> BeginCommitAsync(IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            throw new CacheBotException("The shared log is unreachable: the write was not committed.");
        }

        return new(log.Announce([.. intents]));
    }

    public override ValueTask<long?> CompleteCommitAsync(object? token, IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken)
    {
        var intent = token is long id ? id : log.Announce([.. writes]);
        if (!committed)
        {
            log.Withdraw(intent);
            return new((long?)null);
        }

        if (FailPublish || Unreachable)
        {
            return new((long?)null); // the announcement stays: other caches keep the tables unsettled
        }

        return new(log.Publish(intent, [.. writes]));
    }
}
