namespace CacheBot.Redis.Worker;

/// <summary>
/// A cached answer provably older than the truth read before the cached read started. For each of <see cref="Floors"/>
/// (a row and the version the cached answer shows for it), the earliest write on that row above that version is provably
/// missed; <see cref="MissedVersion"/> is a write provably missed when no row can be named (0: none).
/// </summary>
public sealed record Observation(string Kind, string Shape, string Row, long ReadStart, Component[] Floors, long MissedVersion, string Detail);
