namespace CacheBot.Linq2Db.Writes.Sql;

/// <summary>The classified statements of one command's text, in order.</summary>
internal sealed class SqlBatch
{
    public SqlBatch(IReadOnlyList<SqlStatement> statements)
    {
        Statements = statements;
        var plain = true;
        foreach (var statement in statements)
        {
            plain &= statement.IsPlainRead;
            HasCalls |= statement.Calls.Count > 0;
            HasTransactionControl |= statement.IsTransactionControl || statement.TransactionStateUnknown;
            HasSessionEffects |= statement.Sets != SessionEffect.None || statement.Resets != SessionEffect.None;
        }

        IsPlainRead = plain;
    }

    public IReadOnlyList<SqlStatement> Statements { get; }

    /// <summary>Gets whether every statement is a plain read: nothing to track, the command runs as it is.</summary>
    public bool IsPlainRead { get; }

    public bool HasCalls { get; }

    public bool HasTransactionControl { get; }

    public bool HasSessionEffects { get; }

    /// <summary>Gets the only statement, or null for an empty text or several statements.</summary>
    public SqlStatement? Single => Statements.Count == 1 ? Statements[0] : null;
}
