using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Transactions;
using CacheBot.Linq.Providers.Sql;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Writes;

/// <summary>One intercepted command: CacheBot's settings, the command, its data connection and tracking connection, the dialect.</summary>
internal sealed class WriteContext
{
    public WriteContext(CacheBotOptionSet options, DbCommand command, DataConnection dataConnection)
    {
        Options = options;
        Command = command;
        DataConnection = dataConnection;
        Connection = WriteSink.TrackingConnectionOf(command, dataConnection);
        Dialect = ProviderConnections.DialectOf(dataConnection.DataProvider.Name);
    }

    public CacheBotOptionSet Options { get; }

    public DbCommand Command { get; }

    public DataConnection DataConnection { get; }

    public TrackingConnection? Connection { get; }

    public SqlDialect Dialect { get; }

    /// <summary>Gets whether the database returns row images (<c>RETURNING</c>): SQLite 3.35+ and PostgreSQL.</summary>
    public bool SupportsReturning => Dialect != SqlDialect.Generic;

    /// <summary>Gets whether a transaction may be open on the connection (then CacheBot's own catalog queries run under a savepoint).</summary>
    public bool MayBeInTransaction =>
        Connection?.Transactions.InTransaction != false || DataConnection.Transaction is not null || System.Transactions.Transaction.Current is not null;

    public void Record(List<WriteRecord> writes) => WriteSink.Record(Options, Command, DataConnection, writes);
}
