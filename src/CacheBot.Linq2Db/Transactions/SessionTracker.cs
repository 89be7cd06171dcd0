using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// The session state a connection changed with SQL text (search path, role, settings, temporary objects, attached
/// databases): while any is set, the connection's reads bypass the cache and its writes are database writes, since
/// names may resolve to other tables than the connection string's defaults (schema-per-tenant), which would make cached
/// answers foreign to other connections.
/// </summary>
/// <remarks>
/// Cleared only when the state is provably back to the defaults: <c>RESET</c>/<c>DISCARD</c> of what was set, the end of the
/// transaction for <c>SET LOCAL</c>, or the connection's close (which, where the pool would keep the session, also drops
/// the physical connection: see <see cref="TrackingConnection"/>). A failed statement may have set state but never resets it.
/// Used by one connection at a time.
/// </remarks>
internal sealed class SessionTracker
{
    private SessionEffect _session;
    private SessionEffect _local;
    private HashSet<string>? _settings;

    /// <summary>Gets the state changed now (session and transaction-local).</summary>
    public SessionEffect Current => _session | _local;

    public bool Changed => Current != SessionEffect.None;

    public void Apply(SqlStatement statement, bool failed)
    {
        if (!failed && statement.Resets != SessionEffect.None)
        {
            Reset(statement.Resets, statement.SettingName);
        }

        if (statement.Sets == SessionEffect.None)
        {
            return;
        }

        if (statement.IsLocal && !failed)
        {
            _local |= statement.Sets;
            return;
        }

        _session |= statement.Sets;
        if ((statement.Sets & SessionEffect.Setting) != 0)
        {
            (_settings ??= new HashSet<string>(StringComparer.Ordinal)).Add(statement.SettingName ?? "*");
        }
    }

    /// <summary>The transaction ended: <c>SET LOCAL</c> values are gone.</summary>
    public void TransactionEnded() => _local = SessionEffect.None;

    public void Closed()
    {
        _session = SessionEffect.None;
        _local = SessionEffect.None;
        _settings = null;
    }

    private void Reset(SessionEffect effects, string? name)
    {
        if ((effects & SessionEffect.Setting) != 0)
        {
            if (name is null)
            {
                _settings = null;
            }
            else
            {
                _settings?.Remove(name);
            }

            if (_settings is null || (_settings.Count == 0))
            {
                _session &= ~SessionEffect.Setting;
            }

            effects &= ~SessionEffect.Setting;
        }

        _session &= ~effects;
    }
}
