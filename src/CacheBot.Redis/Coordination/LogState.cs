namespace CacheBot.Redis.Coordination;

/// <summary>
/// What this process has applied of the shared log: the epoch it follows, the revision it has fully applied (log entries
/// and announcements), the number and nonce of the last entry applied, and the offset that maps entry numbers to local
/// stamp positions.
/// </summary>
/// <remarks>
/// Immutable; replaced only by the catch-up that holds the coordinator's single-flight gate. Local positions are
/// <c>n + Offset</c>; the offset is chosen when an epoch is entered so that every position of the new epoch is above every
/// position this process used before (stamps only grow), and it stays fixed within the epoch.
/// </remarks>
internal sealed record LogState(string? Epoch, string? Rev, long Cursor, string CursorNonce, long Offset, long Start = 0)
{
    public static LogState Unsynced { get; } = new(null, null, 0, "", 0);

    // Start: the first local position mapped with this Offset (positions below it belong to an earlier epoch).

    public long Local(long entry) => entry + Offset;
}
