using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Tests.Coordination;

/// <summary>
/// An in-memory stand-in for a shared backend (what Redis is to CacheBot.Redis): an ordered log of published writes and
/// the set of announced writes, shared by the coordinators of several caches ("processes").
/// </summary>
public sealed class SharedLog
{
    private readonly object _gate = new();
    private readonly List<(long Position, WriteRecord[] Writes)> _entries = [];
    private readonly Dictionary<long, WriteRecord[]> _intents = [];
    private long _position;
    private long _nextIntent;

    /// <summary>Gets or sets the position of the oldest entry kept (entries below it are trimmed).</summary>
    public long TrimmedBelow { get; private set; }

    public long Announce(WriteRecord[] intents)
    {
        lock (_gate)
        {
            var id = ++_nextIntent;
            _intents[id] = intents;
            return id;
        }
    }

    public long Publish(long intent, WriteRecord[] writes)
    {
        lock (_gate)
        {
            _intents.Remove(intent);
            _entries.Add((++_position, writes));
            return _position;
        }
    }

    public void Withdraw(long intent)
    {
        lock (_gate)
        {
            _intents.Remove(intent);
        }
    }

    /// <summary>Drops every entry (as a trimmed stream or a flushed backend would).</summary>
    public void Trim()
    {
        lock (_gate)
        {
            _entries.Clear();
            TrimmedBelow = _position + 1;
        }
    }

    /// <summary>Reads the entries after <paramref name="cursor"/>; <paramref name="gap"/> says entries were lost.</summary>
    public (List<(long Position, WriteRecord[] Writes)> Entries, WriteRecord[] Unsettled, long Head, bool Gap) ReadAfter(long cursor, long ownIntent = 0)
    {
        lock (_gate)
        {
            var entries = _entries.Where(e => e.Position > cursor).ToList();
            var unsettled = _intents.Where(i => i.Key != ownIntent).SelectMany(i => i.Value).ToArray();
            return (entries, unsettled, _position, cursor + 1 < TrimmedBelow);
        }
    }

    public long Head
    {
        get
        {
            lock (_gate)
            {
                return _position;
            }
        }
    }
}
