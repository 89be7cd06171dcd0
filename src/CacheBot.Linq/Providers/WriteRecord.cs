using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>
/// One write to apply: a row write (old and/or new row) or a table write (unknown rows). Rows are shallow snapshots
/// (member-wise copies) taken when the write is reported, so later mutations of the caller's object cannot change what
/// is invalidated at commit, and any entity model's column getters can read them.
/// </summary>
internal readonly record struct WriteRecord(TableModel Table, object? OldRow, object? NewRow, bool IsTableWrite, bool IsDatabaseWrite = false)
{
    public static WriteRecord ForTable(TableModel table) => new(table, null, null, true);

    /// <summary>A write to unknown tables of <paramref name="database"/> (SQL CacheBot cannot attribute): every entry on that database is invalidated.</summary>
    public static WriteRecord ForDatabase(string database) => new(TableModel.ForName(database, null, "*"), null, null, true, true);

    /// <summary>A row write from database row images (not entity objects); images are already private copies.</summary>
    public static WriteRecord ForImages(TableModel table, RowValues? oldRow, RowValues? newRow) => new(table, oldRow, newRow, false);

    public static WriteRecord ForRows(TableModel table, object? oldEntity, object? newEntity) =>
        new(table, oldEntity is null ? null : ShallowCopy.Of(oldEntity), newEntity is null ? null : ShallowCopy.Of(newEntity), false);
}
