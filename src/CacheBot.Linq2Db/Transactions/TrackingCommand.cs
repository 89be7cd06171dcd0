using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>Wraps the provider's command so it accepts the wrapped connection and transaction.</summary>
internal sealed class TrackingCommand : DbCommand
{
    private TrackingConnection? _connection;
    private TrackingTransaction? _transaction;

    public TrackingCommand(TrackingConnection connection, DbCommand inner)
    {
        _connection = connection;
        Inner = inner;
    }

    public DbCommand Inner { get; }

    [AllowNull]
    public override string CommandText
    {
        get => Inner.CommandText;
        set => Inner.CommandText = value;
    }

    public override int CommandTimeout
    {
        get => Inner.CommandTimeout;
        set => Inner.CommandTimeout = value;
    }

    public override CommandType CommandType
    {
        get => Inner.CommandType;
        set => Inner.CommandType = value;
    }

    public override bool DesignTimeVisible
    {
        get => Inner.DesignTimeVisible;
        set => Inner.DesignTimeVisible = value;
    }

    public override UpdateRowSource UpdatedRowSource
    {
        get => Inner.UpdatedRowSource;
        set => Inner.UpdatedRowSource = value;
    }

    protected override DbConnection? DbConnection
    {
        get => _connection;
        set
        {
            _connection = value as TrackingConnection;
            Inner.Connection = value is TrackingConnection tracking ? tracking.Inner : value;
        }
    }

    protected override DbTransaction? DbTransaction
    {
        get => _transaction;
        set
        {
            _transaction = value as TrackingTransaction;
            Inner.Transaction = value is TrackingTransaction tracking ? tracking.Inner : value;
        }
    }

    protected override DbParameterCollection DbParameterCollection => Inner.Parameters;

    public override void Cancel() => Inner.Cancel();

    public override int ExecuteNonQuery() => Inner.ExecuteNonQuery();

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => Inner.ExecuteNonQueryAsync(cancellationToken);

    public override object? ExecuteScalar() => Inner.ExecuteScalar();

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => Inner.ExecuteScalarAsync(cancellationToken);

    public override void Prepare() => Inner.Prepare();

    protected override DbParameter CreateDbParameter() => Inner.CreateParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Inner.ExecuteReader(behavior);

    protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        Inner.ExecuteReaderAsync(behavior, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
