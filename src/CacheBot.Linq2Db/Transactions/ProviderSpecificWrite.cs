using System.Diagnostics;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using CacheBot.Linq2Db.Writes;
using LinqToDB;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// A provider-specific write on one connection: an operation that asked for the raw connection and sends no command
/// CacheBot sees (PostgreSQL binary COPY through linq2db's <c>BulkCopy</c>). It writes the whole database unless linq2db
/// names its table; it ends at the copy's end, or at the connection's next use (command, transaction, commit, close).
/// </summary>
/// <remarks>
/// <para>Outside a transaction every read of the database bypasses the cache (<see cref="DatabaseGate"/>) from the start
/// until the write is applied at the end, so no reader that starts after the copy can get pre-copy data; inside one, the
/// write is held by the transaction like any other.</para>
/// <para>Learning the table: linq2db reports a bulk copy to the connection's trace handler just before it completes the
/// last batch (<c>TraceOperation.BulkCopy</c>, "INSERT BULK name(columns)"), and again when it completed or failed. For
/// the copy's duration CacheBot raises the connection's trace switch to <see cref="TraceLevel.Info"/> and puts its own
/// handler in front of the user's; every event the user's own switch allows still reaches the user's handler, and both
/// are restored when the write ends. A named table becomes an insert of unknown rows into that table only when the
/// catalog already knows the table fires nothing else (no trigger, no view over it, no inheritance parent); anything
/// else stays a write of the whole database.</para>
/// </remarks>
internal sealed class ProviderSpecificWrite
{
    private const string BulkMarker = "BULK ";

    private readonly TrackingConnection _connection;
    private bool _inFlight;
    private bool _gateClosed;
    private List<WriteRecord>? _tableWrites;
    private ulong? _nextTransactionBefore;
    private SqlTableName? _copiedTable;
    private DataConnection? _traced;
    private TraceSwitch? _userSwitch;
    private Action<TraceInfo>? _userHandler;

    public ProviderSpecificWrite(TrackingConnection connection) => _connection = connection;

    /// <summary>The operation asked for the raw connection: from now on its extent is unknown until it ends.</summary>
    public void Starting(IDataContext context)
    {
        // An earlier operation that never reported its end is over now (a connection serves one caller at a time).
        End();
        _inFlight = true;
        if (_connection.Transactions.State != TransactionState.Open)
        {
            _gateClosed = true;
            _connection.Options.ReadGate.Close();
            if (CanReadCopiedRows())
            {
                _nextTransactionBefore = CopiedRows.NextTransactionId(_connection.Options.OpenPlain!);
            }
        }

        if (context is DataConnection dataConnection)
        {
            Watch(dataConnection);
        }
    }

    /// <summary>
    /// Whether the copy's rows can be read back once it committed (<see cref="CopiedRows"/>): PostgreSQL, outside a
    /// transaction, names resolving as on a fresh connection, and a cache of this process only. A cache shared with other
    /// processes must learn of the write before it commits (they have no read gate), when its rows cannot be known yet.
    /// </summary>
    private bool CanReadCopiedRows() =>
        _connection.Dialect == SqlDialect.PostgreSql && _connection.Options.OpenPlain is not null
        && _connection.Options.Cache?.Coordinator is null && !_connection.Session.Changed;

    /// <summary>The write is over (or may be): apply (or, in a transaction, hold) what it wrote, then let reads use the cache.</summary>
    /// <param name="completed">Whether linq2db reported that the copy completed (its rows are committed and can be read back).</param>
    public void End(bool completed = false)
    {
        if (!_inFlight)
        {
            return;
        }

        _inFlight = false;
        Unwatch();
        var before = _nextTransactionBefore;
        var table = _copiedTable;
        _nextTransactionBefore = null;
        _copiedTable = null;
        if (completed && before is { } next && table is { } copied && _tableWrites is [var unknownRows]
            && CopiedRows.Read(_connection.Options.OpenPlain!, copied, next) is { } rows)
        {
            _tableWrites = [.. rows.Select(row => WriteRecord.ForImages(unknownRows.Table, null, row))];
        }

        var writes = _tableWrites ?? [WriteRecord.ForDatabase(_connection.Options.DatabaseId)];
        _tableWrites = null;
        try
        {
            _connection.Transactions.Record(writes);
        }
        finally
        {
            if (_gateClosed)
            {
                _gateClosed = false;
                _connection.Options.ReadGate.Open();
            }
        }
    }

    // linq2db 6 marks the per-connection trace setters obsolete (options are the way to configure tracing for a whole
    // connection); CacheBot needs them for the copy's duration only, so that other commands are never traced on its
    // account. linq2db is pinned exactly; v7 needs another way to learn the table.
#pragma warning disable CS0618
    private void Watch(DataConnection dataConnection)
    {
        _traced = dataConnection;
        _userSwitch = dataConnection.TraceSwitchConnection;
        _userHandler = dataConnection.OnTraceConnection;
        if (_userSwitch.Level < TraceLevel.Info)
        {
            dataConnection.TraceSwitchConnection = new TraceSwitch("CacheBot.BulkCopy", "CacheBot learns the table of a provider-specific bulk copy") { Level = TraceLevel.Info };
        }

        dataConnection.OnTraceConnection = OnTrace;
    }

    private void Unwatch()
    {
        if (_traced is not { } dataConnection)
        {
            return;
        }

        dataConnection.TraceSwitchConnection = _userSwitch!;
        dataConnection.OnTraceConnection = _userHandler!;
        _traced = null;
        _userSwitch = null;
        _userHandler = null;
    }
#pragma warning restore CS0618

    private void OnTrace(TraceInfo info)
    {
        var userSwitch = _userSwitch;
        var userHandler = _userHandler;
        if (info.Operation == TraceOperation.BulkCopy && _inFlight)
        {
            if (info.TraceInfoStep == TraceInfoStep.BeforeExecute)
            {
                Named(info.CommandText);
            }
            else if (info.TraceInfoStep is TraceInfoStep.AfterExecute or TraceInfoStep.Error)
            {
                End(completed: info.TraceInfoStep == TraceInfoStep.AfterExecute && info.Exception is null);
            }
        }

        if (userSwitch is not null && info.TraceLevel != TraceLevel.Off && userSwitch.Level >= info.TraceLevel)
        {
            userHandler?.Invoke(info);
        }
    }

    /// <summary>linq2db named the copy's table: narrow the write to it when the catalog allows, and apply it once now.</summary>
    private void Named(string? commandText)
    {
        // While the session's names may resolve elsewhere (a search path set with SQL), the name says nothing, as for commands.
        if (TableOf(commandText, _connection.Dialect) is not { } table || _connection.Session.Changed
            || !Schema.WriteClosure.IsSelfContained(_connection.Options, table))
        {
            return;
        }

        var model = TableModel.ForName(_connection.Options.DatabaseId, table.Schema, table.Name);
        _tableWrites = [WriteRecord.ForImages(model, null, RowValues.Unknown)];
        if (_nextTransactionBefore is not null)
        {
            // Its rows are read back at its end; until then this process's readers bypass the cache (the read gate).
            _copiedTable = table;
            return;
        }

        if (_connection.Transactions.State != TransactionState.Open)
        {
            // Before the last batch commits, as a command's write would be: readers of other processes stop trusting it now.
            _connection.Transactions.Record([.. _tableWrites]);
        }
    }

    /// <summary>
    /// The table of linq2db's bulk-copy trace text ("INSERT [ASYNC] BULK name(columns)"), read by the SQL classifier as
    /// <c>COPY name FROM STDIN</c>; null when the text is not that.
    /// </summary>
    internal static SqlTableName? TableOf(string? commandText, SqlDialect dialect)
    {
        var marker = commandText is null || !commandText.StartsWith("INSERT ", StringComparison.Ordinal) ? -1 : commandText.IndexOf(BulkMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            return null;
        }

        var start = marker + BulkMarker.Length;
        var end = NameEnd(commandText!, start);
        if (end <= start)
        {
            return null;
        }

        var batch = SqlClassifier.Classify($"COPY {commandText![start..end]} FROM STDIN", dialect);
        return batch.Statements is [{ Kind: SqlStatementKind.TableWrite, Tables: [var table] }] ? table : null;
    }

    /// <summary>Where the (possibly quoted, possibly qualified) name ends: at the first parenthesis outside quotes.</summary>
    private static int NameEnd(string text, int start)
    {
        var quoted = false;
        for (var i = start; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case '(' when !quoted:
                    return i;
            }
        }

        return -1;
    }
}
