using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// The commands CacheBot runs next to a user's write (its <c>RETURNING</c> variant, the pre-image <c>SELECT</c>,
/// <c>BEGIN IMMEDIATE</c>/<c>COMMIT</c>), kept per connection and reused by SQL text. A provider keeps a reused command
/// prepared: Microsoft.Data.Sqlite re-parses a command whose text changed, which cost more than the write itself.
/// </summary>
/// <remarks>
/// A connection runs one command at a time, so a connection's set is used by one flow at a time (the lock only guards
/// against misuse). The set is bounded (<see cref="Capacity"/> texts; full, it starts over) and goes with its connection;
/// closing a SQLite connection finalizes the prepared statements, which are prepared again on the next use.
/// </remarks>
internal sealed class SiblingCommands
{
    /// <summary>How many distinct texts a connection keeps prepared.</summary>
    public const int Capacity = 64;

    private static readonly ConditionalWeakTable<DbConnection, SiblingCommands> ByConnection = new();

    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>
    /// The prepared command for <paramref name="sql"/> on <paramref name="like"/>'s connection and transaction, without
    /// parameters. The caller runs it and must not dispose it.
    /// </summary>
    public static DbCommand For(DbCommand like, string sql)
    {
        var connection = like.Connection ?? throw new InvalidOperationException("CacheBot: the command has no connection.");
        var set = ByConnection.GetValue(connection, static _ => new SiblingCommands());
        DbCommand command;
        lock (set._commands)
        {
            if (!set._commands.TryGetValue(sql, out command!))
            {
                if (set._commands.Count >= Capacity)
                {
                    set.Clear();
                }

                command = connection.CreateCommand();
                command.CommandText = sql;
                set._commands.Add(sql, command);
            }
        }

        command.Transaction = like.Transaction;
        command.CommandTimeout = like.CommandTimeout;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// Runs <paramref name="run"/> on the prepared command for <paramref name="sql"/> with <paramref name="like"/>'s own
    /// parameter objects lent to it (moved over, then moved back), so values, types and sizes are exactly the user's: a
    /// copy would set what the user left unset (Microsoft.Data.Sqlite truncates text to a <c>Size</c> of 0).
    /// </summary>
    public static async ValueTask<T> WithParametersAsync<T>(DbCommand like, string sql, Func<DbCommand, ValueTask<T>> run)
    {
        var sibling = For(like, sql);
        var parameters = like.Parameters;
        var lent = new DbParameter[parameters.Count];
        for (var i = 0; i < lent.Length; i++)
        {
            lent[i] = parameters[i];
        }

        parameters.Clear();
        try
        {
            foreach (var parameter in lent)
            {
                sibling.Parameters.Add(parameter);
            }

            return await run(sibling).ConfigureAwait(false);
        }
        finally
        {
            sibling.Parameters.Clear();
            foreach (var parameter in lent)
            {
                parameters.Add(parameter);
            }
        }
    }

    /// <summary>Whether every parameter of <paramref name="command"/> is an input (an output parameter must stay on the user's command).</summary>
    public static bool HasOnlyInputs(DbCommand command)
    {
        foreach (DbParameter parameter in command.Parameters)
        {
            if (parameter.Direction != ParameterDirection.Input)
            {
                return false;
            }
        }

        return true;
    }

    private void Clear()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
