namespace CacheBot.Linq.Providers.Sql;

/// <summary>The classified statements of one command's text, in order.</summary>
public sealed class SqlBatch
{
    /// <summary>Initializes a new instance of the <see cref="SqlBatch"/> class over classified statements.</summary>
    /// <param name="statements">The statements of one command text, in order.</param>
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

    /// <summary>Gets the statements, in text order.</summary>
    public IReadOnlyList<SqlStatement> Statements { get; }

    /// <summary>Gets whether every statement is a plain read: nothing to track, the command runs as it is.</summary>
    public bool IsPlainRead { get; }

    /// <summary>Gets whether a statement calls a function that is not provably read-only (see <see cref="SqlStatement.Calls"/>).</summary>
    public bool HasCalls { get; }

    /// <summary>Gets whether a statement begins, ends or changes a transaction, or may (a body with its own BEGIN/END).</summary>
    public bool HasTransactionControl { get; }

    /// <summary>Gets whether a statement sets or resets session state (see <see cref="SessionEffect"/>).</summary>
    public bool HasSessionEffects { get; }

}
