namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// The parts of a write statement CacheBot needs: its kind, target table, and for UPDATE/DELETE the text of the table
/// clause and of the WHERE condition (reused verbatim, with the same parameters, to read the pre-image).
/// </summary>
internal sealed record SqlStatement(
    SqlStatementKind Kind,
    string? Schema,
    string? Table,
    string? TableClause = null,
    string? Where = null,
    bool HasFrom = false,
    bool HasReturning = false,
    bool IsDdl = false)
{
    public static readonly SqlStatement ReadOnly = new(SqlStatementKind.ReadOnly, null, null);

    public static readonly SqlStatement Unknown = new(SqlStatementKind.Unknown, null, null);

    public static readonly SqlStatement Begin = new(SqlStatementKind.BeginTransaction, null, null);

    public static readonly SqlStatement End = new(SqlStatementKind.EndTransaction, null, null);

    public bool IsWrite => Kind is not (SqlStatementKind.ReadOnly or SqlStatementKind.BeginTransaction or SqlStatementKind.EndTransaction);

    public bool IsTransactionControl => Kind is SqlStatementKind.BeginTransaction or SqlStatementKind.EndTransaction;
}
