namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// One classified statement: what it does (<see cref="Kind"/>), the tables it writes, and for UPDATE/DELETE the text of
/// its table clause and WHERE condition (reused verbatim, with the same parameters, to read the pre-image), the
/// functions it calls that are not provably read-only, and the session state it changes.
/// </summary>
public sealed record SqlStatement(SqlStatementKind Kind)
{
    /// <summary>A provable read.</summary>
    public static readonly SqlStatement ReadOnly = new(SqlStatementKind.ReadOnly);

    /// <summary>A write of unknown extent: every table of the database.</summary>
    public static readonly SqlStatement DatabaseWrite = new(SqlStatementKind.DatabaseWrite);

    /// <summary>Gets the written tables (the target of INSERT/UPDATE/DELETE/upsert first).</summary>
    public IReadOnlyList<SqlTableName> Tables { get; init; } = [];

    /// <summary>Gets the target table's schema, when qualified.</summary>
    public string? Schema => Tables.Count > 0 ? Tables[0].Schema : null;

    /// <summary>Gets the target table's name.</summary>
    public string? Table => Tables.Count > 0 ? Tables[0].Name : null;

    /// <summary>Gets the UPDATE's table clause as written (<c>"Photo" AS t1</c>), for the pre-image SELECT.</summary>
    public string? TableClause { get; init; }

    /// <summary>Gets the WHERE condition as written (without the keyword), or null when there is none.</summary>
    public string? Where { get; init; }

    /// <summary>Gets the statement's leading <c>WITH ...</c> clause (read-only CTEs), prefixed to the pre-image SELECT.</summary>
    public string? WithClause { get; init; }

    /// <summary>
    /// Gets the columns an UPDATE assigns (bare names as written, quotes removed), or null when they cannot be read (then
    /// any column may change). Lets foreign-key actions on columns the update does not assign be skipped.
    /// </summary>
    public IReadOnlyList<string>? AssignedColumns { get; init; }

    /// <summary>Gets whether the statement reads other tables for its targets (UPDATE ... FROM, DELETE ... USING) or a cursor.</summary>
    public bool HasFrom { get; init; }

    /// <summary>Gets an UPDATE's <c>FROM</c> list (PostgreSQL, SQLite 3.33+), without the keyword; null when it has none.</summary>
    public string? FromClause { get; init; }

    /// <summary>Gets how an UPDATE's target is named in its other clauses: its alias, else the last part of its name.</summary>
    public string? TargetQualifier { get; init; }

    /// <summary>Gets whether the statement has its own RETURNING (or OUTPUT) clause.</summary>
    public bool HasReturning { get; init; }

    /// <summary>Gets the character offset just after the statement's last token (before trailing comments and <c>;</c>).</summary>
    public int TextEnd { get; init; }

    /// <summary>Gets the savepoint name of SAVEPOINT / RELEASE / ROLLBACK TO (unquoted names folded to lower case).</summary>
    public string? Savepoint { get; init; }

    /// <summary>
    /// Gets the functions the statement calls that are not provably read-only by the dialect's static knowledge (lower case
    /// unless quoted); in PostgreSQL also its operators of other than standard spelling (<c>operator ===</c>) and its
    /// explicit casts to other than standard types (<c>::mytype</c>), which run functions too.
    /// </summary>
    public IReadOnlyList<string> Calls { get; init; } = [];

    /// <summary>Gets the session state the statement changes (reads bypass, writes become database writes while set).</summary>
    public SessionEffect Sets { get; init; }

    /// <summary>Gets the session state the statement provably returns to the connection's defaults.</summary>
    public SessionEffect Resets { get; init; }

    /// <summary>Gets the settings named in <c>SET name ...</c> / <c>RESET name</c> (lower case), for <see cref="SessionEffect.Setting"/>.</summary>
    public string? SettingName { get; init; }

    /// <summary>Gets whether <see cref="Sets"/> only lasts until the end of the transaction (<c>SET LOCAL</c>).</summary>
    public bool IsLocal { get; init; }

    /// <summary>Gets the conflict key and values of an upsert that names its key.</summary>
    public UpsertShape? Upsert { get; init; }

    /// <summary>Gets whether the statement may change the transaction state in ways the kind does not say (a body with its own BEGIN/END).</summary>
    public bool TransactionStateUnknown { get; init; }

    /// <summary>Gets whether the statement changes the schema (catalogs learnt from it must be dropped).</summary>
    public bool ChangesSchema { get; init; }

    /// <summary>Gets whether the statement writes data or schema (<see cref="SqlStatementKind.Insert"/> to <see cref="SqlStatementKind.DatabaseWrite"/>).</summary>
    public bool IsWrite => Kind is >= SqlStatementKind.Insert and <= SqlStatementKind.DatabaseWrite;

    /// <summary>Gets whether the statement is transaction control (<see cref="SqlStatementKind.Begin"/> and after).</summary>
    public bool IsTransactionControl => Kind >= SqlStatementKind.Begin;

    /// <summary>Gets whether the statement provably neither writes, calls possibly writing functions, nor changes transaction or session state.</summary>
    public bool IsPlainRead => Kind == SqlStatementKind.ReadOnly && Calls.Count == 0 && Sets == SessionEffect.None && Resets == SessionEffect.None
        && !TransactionStateUnknown;
}
