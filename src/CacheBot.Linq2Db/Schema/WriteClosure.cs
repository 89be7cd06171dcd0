using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Transactions;
using CacheBot.Linq2Db.Writes;
using CacheBot.Linq.Providers.Sql;
using LinqToDB.Data;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// Everything else a write changes, as the catalog tells: rows of child tables through foreign-key actions (only the
/// children of changed or deleted keys, where the parent's row images give the keys), tables written by triggers, views
/// and inheritance parents whose rows follow the written table, a view's base tables and a parent's partitions. Followed
/// transitively (cascades of cascades, triggers of trigger targets, views of views).
/// </summary>
/// <remarks>
/// Soundness: every step falls back to more: images missing or incomplete make a child a table write; a trigger whose
/// targets are unknown (any PostgreSQL trigger or rule), a relation the catalog does not know, a catalog that cannot be
/// read, or more than <see cref="MaxRelations"/> relations make the write a whole-database write. DDL and unclassified
/// SQL clear the catalog instead (their writes are whole-database writes already).
/// </remarks>
internal sealed class WriteClosure
{
    private const int MaxRelations = 64;

    private readonly CacheBotOptionSet _options;
    private readonly CatalogSession _session;
    private readonly List<WriteRecord> _added = [];
    private readonly HashSet<string> _tableWrites = new(StringComparer.Ordinal);
    private readonly HashSet<(string Key, WriteEvents Events, bool DependentOnly, bool Images)> _visited = [];
    private readonly Queue<Step> _pending = new();
    private bool _wholeDatabase;

    private WriteClosure(CacheBotOptionSet options, CatalogSession session)
    {
        _options = options;
        _session = session;
    }

    /// <summary>
    /// Adds to <paramref name="writes"/> what else <paramref name="statement"/> changes. Read on the command's connection and
    /// transaction: after the statement ran when its row images are in <paramref name="writes"/>, before it runs otherwise
    /// (an open reader would block the catalog). Schema changes are handled by <see cref="SchemaChanged"/>.
    /// </summary>
    public static async ValueTask AddAsync(WriteContext context, SqlStatement statement, List<WriteRecord> writes, bool async, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var catalog = options.Schema;
        if (statement.Tables.Count == 0 || !catalog.IsSupported
            || statement.Kind is not (SqlStatementKind.Insert or SqlStatementKind.Update or SqlStatementKind.Delete or SqlStatementKind.Upsert
                or SqlStatementKind.TableWrite))
        {
            return;
        }

        var command = context.Command;
        var connection = command.Connection is TrackingConnection tracking ? tracking.Inner : command.Connection;
        var transaction = command.Transaction is TrackingTransaction tracked ? tracked.Inner : command.Transaction;
        if (connection is null)
        {
            writes.Add(WriteRecord.ForDatabase(options.DatabaseId));
            return;
        }

        var session = new CatalogSession(connection, transaction, async, cancellationToken)
        {
            UseSavepoint = context.Dialect == SqlDialect.PostgreSql && context.MayBeInTransaction,
        };
        var failed = false;
        var closure = new WriteClosure(options, session);
        try
        {
            await closure.RunAsync(statement, writes).ConfigureAwait(false);
            writes.AddRange(closure._added);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or InvalidCastException or FormatException)
        {
            failed = true;
            writes.Add(WriteRecord.ForDatabase(options.DatabaseId));
        }

        try
        {
            await session.EndAsync(failed).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // The transaction may be unusable: its writes are already recorded, coarsely if the catalog failed.
        }
    }

    /// <summary>
    /// Whether a plain INSERT or UPDATE of <paramref name="table"/> may delete rows its images would not report (SQLite
    /// <c>ON CONFLICT REPLACE</c>), from the catalog read on the command's connection; true when that cannot be known.
    /// </summary>
    public static async ValueTask<bool> ReplacesOnConflictAsync(WriteContext context, SqlTableName table, bool async, CancellationToken cancellationToken)
    {
        var catalog = context.Options.Schema;
        var command = context.Command;
        var connection = command.Connection is TrackingConnection tracking ? tracking.Inner : command.Connection;
        if (!catalog.IsSupported || connection is null)
        {
            return true;
        }

        var transaction = command.Transaction is TrackingTransaction tracked ? tracked.Inner : command.Transaction;
        try
        {
            var facts = await catalog.GetAsync(new CatalogSession(connection, transaction, async, cancellationToken), new RelationRef(table.Schema, table.Name))
                .ConfigureAwait(false);
            return facts is not { ReplacesOnConflict: false };
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or InvalidCastException or FormatException)
        {
            return true;
        }
    }

    /// <summary>A statement changed the schema: forget every fact, and keep nothing read while its transaction may be open.</summary>
    public static void SchemaChanged(WriteContext context)
    {
        var connection = context.Connection;
        Func<bool>? stillOpen;
        if (connection is not null)
        {
            stillOpen = connection.Transactions.InTransaction || connection.Transactions.ApiTransaction is not null
                ? () => connection.Transactions.InTransaction || connection.Transactions.ApiTransaction is not null
                : null;
        }
        else
        {
            var transaction = context.Command.Transaction ?? context.DataConnection.Transaction;
            stillOpen = transaction is null ? null : () => transaction.Connection is not null;
        }

        context.Options.Schema.DdlExecuted(stillOpen);
    }

    /// <summary>
    /// Whether the table's writes are known (from facts already learnt) to change nothing else, so a write that may have
    /// run can be recorded as a write of the table alone.
    /// </summary>
    public static bool IsSelfContained(CacheBotOptionSet options, SqlTableName table) =>
        options.Schema.IsSelfContained(new RelationRef(table.Schema, table.Name));

    /// <summary>
    /// Whether reading the written table's row images would let its foreign-key actions narrow: an UPDATE that may
    /// change a referenced key, or a DELETE, of a table whose (already learnt) children with that action have column
    /// schemes registered. <c>WriteExecution</c> reads images when this or the table's own schemes ask for them.
    /// </summary>
    public static bool ImagesNarrowCascades(CacheBotOptionSet options, SqlStatement statement)
    {
        if (statement.Table is null || statement.Kind is not (SqlStatementKind.Update or SqlStatementKind.Delete)
            || options.Cache is not { } cache || options.Schema.TryGetKnown(new RelationRef(statement.Schema, statement.Table)) is not { } facts)
        {
            return false;
        }

        var assigned = statement.Kind == SqlStatementKind.Update ? statement.AssignedColumns : null;
        foreach (var foreignKey in facts.Children)
        {
            var action = statement.Kind == SqlStatementKind.Delete ? foreignKey.OnDelete : foreignKey.OnUpdate;
            if (action == ForeignKeyAction.None
                || (assigned is not null && foreignKey.ParentColumns.Length > 0 && !foreignKey.ParentColumns.Any(assigned.Contains)))
            {
                continue;
            }

            if (cache.NeedsRowImages(TableModel.ForName(options.DatabaseId, foreignKey.Child.Schema, foreignKey.Child.Name)))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask RunAsync(SqlStatement statement, List<WriteRecord> writes)
    {
        if (statement.Kind == SqlStatementKind.TableWrite)
        {
            // Unknown rows of each named table (MERGE, TRUNCATE without CASCADE, REPLACE, COPY FROM, several targets).
            foreach (var table in statement.Tables)
            {
                Enqueue(new Step(new RelationRef(table.Schema, table.Name), WriteEvents.All));
            }
        }
        else
        {
            var events = statement.Kind switch
            {
                SqlStatementKind.Insert => WriteEvents.Insert,
                SqlStatementKind.Update => WriteEvents.Update,
                SqlStatementKind.Delete => WriteEvents.Delete,
                _ => WriteEvents.Insert | WriteEvents.Update, // an upsert
            };
            var images = statement.Kind is SqlStatementKind.Update or SqlStatementKind.Delete ? ImagesOf(writes, statement.Table!) : null;
            var assigned = statement.Kind == SqlStatementKind.Update && statement.AssignedColumns is { } columns
                ? new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase)
                : null;
            Enqueue(new Step(new RelationRef(statement.Schema, statement.Table!), events, images?.Old, images?.New, assigned));
        }

        while (_pending.Count > 0 && !_wholeDatabase)
        {
            await ProcessAsync(_pending.Dequeue()).ConfigureAwait(false);
        }

        if (_wholeDatabase)
        {
            _added.Clear();
            _added.Add(WriteRecord.ForDatabase(_options.DatabaseId));
        }
    }

    private async ValueTask ProcessAsync(Step step)
    {
        var facts = await _options.Schema.GetAsync(_session, step.Relation).ConfigureAwait(false);
        if (facts is null)
        {
            _wholeDatabase = true; // a relation the catalog cannot see (another database, a name CacheBot misread)
            return;
        }

        foreach (var dependent in facts.Dependents)
        {
            TableWrite(dependent);
            Enqueue(new Step(dependent, WriteEvents.None, DependentOnly: true));
        }

        if (step.DependentOnly)
        {
            return;
        }

        foreach (var trigger in facts.Triggers)
        {
            if ((trigger.Events & step.Events) == 0)
            {
                continue;
            }

            if (trigger.Targets is null)
            {
                _wholeDatabase = true;
                return;
            }

            foreach (var target in trigger.Targets)
            {
                TableWrite(target);
                Enqueue(new Step(target, WriteEvents.All));
            }
        }

        foreach (var written in facts.WrittenWith)
        {
            TableWrite(written);
            Enqueue(new Step(written, WriteEvents.All));
        }

        foreach (var foreignKey in facts.Children)
        {
            await CascadeAsync(step, facts, foreignKey).ConfigureAwait(false);
        }
    }

    private async ValueTask CascadeAsync(Step step, TableFacts parent, ForeignKeyFacts foreignKey)
    {
        var child = foreignKey.Child;
        var deletes = (step.Events & (WriteEvents.Delete | WriteEvents.Truncate)) != 0 && foreignKey.OnDelete != ForeignKeyAction.None;
        var updates = (step.Events & WriteEvents.Update) != 0 && foreignKey.OnUpdate != ForeignKeyAction.None
            && (step.Assigned is null || foreignKey.ParentColumns.Length == 0 || foreignKey.ParentColumns.Any(step.Assigned.Contains));
        if (!deletes && !updates)
        {
            return;
        }

        var precise = step.Events is WriteEvents.Delete or WriteEvents.Update && step.Old is not null && foreignKey.ParentColumns.Length > 0
            && (step.Events == WriteEvents.Delete || step.New is not null);
        var childFacts = precise ? await _options.Schema.GetAsync(_session, child).ConfigureAwait(false) : null;
        if (!precise || childFacts is null || !TryKeyChanges(step, parent, foreignKey, out var oldKeys, out var newKeys))
        {
            TableWrite(child);
            Enqueue(new Step(child, WriteEvents.All));
            return;
        }

        var action = step.Events == WriteEvents.Delete ? foreignKey.OnDelete : foreignKey.OnUpdate;
        var childTable = TableModel.ForName(_options.DatabaseId, child.Schema, child.Name);
        var columns = foreignKey.ChildColumns;
        var olds = new List<RowValues>();
        var news = new List<RowValues>();
        foreach (var key in oldKeys)
        {
            var old = RowKeys.Image(columns, key);
            olds.Add(old);
            if (action == ForeignKeyAction.Cascade)
            {
                _added.Add(WriteRecord.ForImages(childTable, old, null)); // deleted, or moved to one of the new keys below
                continue;
            }

            var set = step.Events == WriteEvents.Delete && foreignKey.DeleteSetColumns is { } only ? only : columns;
            var values = (object?[])key.Clone();
            var known = true;
            for (var i = 0; i < columns.Length; i++)
            {
                if (!set.Contains(columns[i], StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (action == ForeignKeyAction.SetNull)
                {
                    values[i] = null;
                }
                else if (childFacts.FindColumn(columns[i]) is { HasConstantDefault: true } column)
                {
                    values[i] = column.Default;
                }
                else
                {
                    known = false;
                }
            }

            var now = known ? RowKeys.Image(columns, values) : RowValues.Unknown;
            news.Add(now);
            _added.Add(WriteRecord.ForImages(childTable, old, now));
        }

        if (action == ForeignKeyAction.Cascade && step.Events == WriteEvents.Update)
        {
            foreach (var key in newKeys)
            {
                var now = RowKeys.Image(columns, key);
                news.Add(now);
                _added.Add(WriteRecord.ForImages(childTable, null, now));
            }
        }

        if (olds.Count == 0)
        {
            return; // no key changed: no child row changed
        }

        var childEvents = step.Events == WriteEvents.Delete && action == ForeignKeyAction.Cascade ? WriteEvents.Delete : WriteEvents.Update;
        Enqueue(new Step(child, childEvents, olds, childEvents == WriteEvents.Delete ? null : news, new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The parent keys whose children change: for a delete every deleted row's key; for an update the old and new keys of
    /// the rows whose referenced columns changed (paired by primary key when the update does not assign it, else all of them).
    /// </summary>
    private static bool TryKeyChanges(Step step, TableFacts parent, ForeignKeyFacts foreignKey, out List<object?[]> oldKeys, out List<object?[]> newKeys)
    {
        oldKeys = [];
        newKeys = [];
        var referenced = foreignKey.ParentColumns;
        foreach (var row in step.Old!)
        {
            if (!RowKeys.TryRead(row, referenced, out var key))
            {
                return false;
            }

            oldKeys.Add(key);
        }

        if (step.Events == WriteEvents.Delete)
        {
            return true;
        }

        foreach (var row in step.New!)
        {
            if (!RowKeys.TryRead(row, referenced, out var key))
            {
                return false;
            }

            newKeys.Add(key);
        }

        var primaryKey = parent.PrimaryKey;
        if (primaryKey.Count == 0 || step.Assigned is null || primaryKey.Any(step.Assigned.Contains))
        {
            return true; // rows cannot be paired: every old and new key may have changed
        }

        var after = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        for (var i = 0; i < step.New!.Count; i++)
        {
            if (!RowKeys.TryRead(step.New[i], primaryKey, out var id))
            {
                return true;
            }

            after[RowKeys.Text(id)] = newKeys[i];
        }

        var changedOld = new List<object?[]>();
        var changedNew = new List<object?[]>();
        for (var i = 0; i < step.Old!.Count; i++)
        {
            if (!RowKeys.TryRead(step.Old[i], primaryKey, out var id) || !after.TryGetValue(RowKeys.Text(id), out var newKey))
            {
                return true;
            }

            if (!RowKeys.Same(oldKeys[i], newKey))
            {
                changedOld.Add(oldKeys[i]);
                changedNew.Add(newKey);
            }
        }

        oldKeys = changedOld;
        newKeys = changedNew;
        return true;
    }

    /// <summary>The written table's old and new row images from the write's records; null when any is missing.</summary>
    private static (List<RowValues> Old, List<RowValues>? New)? ImagesOf(List<WriteRecord> writes, string table)
    {
        var old = new List<RowValues>();
        var now = new List<RowValues>();
        foreach (var write in writes)
        {
            if (write.IsDatabaseWrite || !string.Equals(write.Table.Name, table, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (write.IsTableWrite || write.OldRow is not (null or RowValues) || write.NewRow is not (null or RowValues)
                || ReferenceEquals(write.OldRow, RowValues.Unknown) || ReferenceEquals(write.NewRow, RowValues.Unknown))
            {
                return null;
            }

            if (write.OldRow is RowValues o)
            {
                old.Add(o);
            }

            if (write.NewRow is RowValues n)
            {
                now.Add(n);
            }
        }

        return (old, now);
    }

    private void TableWrite(RelationRef relation)
    {
        if (_tableWrites.Add(relation.Name.ToUpperInvariant()))
        {
            _added.Add(WriteRecord.ForTable(TableModel.ForName(_options.DatabaseId, relation.Schema, relation.Name)));
        }
    }

    private void Enqueue(Step step)
    {
        if (_visited.Add((step.Relation.Key, step.Events, step.DependentOnly, step.Old is not null)))
        {
            if (_visited.Count > MaxRelations)
            {
                _wholeDatabase = true;
                return;
            }

            _pending.Enqueue(step);
        }
    }

    /// <summary>One relation to follow: how it was written, with the rows' images when they are known.</summary>
    private sealed record Step(
        RelationRef Relation,
        WriteEvents Events,
        List<RowValues>? Old = null,
        List<RowValues>? New = null,
        HashSet<string>? Assigned = null,
        bool DependentOnly = false);
}
