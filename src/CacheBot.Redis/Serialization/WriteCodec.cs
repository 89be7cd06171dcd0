using System.Collections.Concurrent;
using CacheBot.Linq.Providers;

namespace CacheBot.Redis.Serialization;

/// <summary>
/// Serializes <see cref="WriteRecord"/>s for the shared log: table identity (database, schema, name), kind, and row images
/// as column name -> exactly typed value. Entity snapshots are read column by column (<see cref="ColumnModel.TryGetValue"/>).
/// </summary>
/// <remarks>
/// <para>Soundness: a column whose value cannot be written exactly is left out of the image; the receiving process then
/// cannot match a scheme on that column and applies the write as a table write (the same fallback the core uses for a
/// value it cannot read). A payload above the size limit is written coarsely: one table write per table (or, if even that
/// is too large, a write to everything). Decoding builds images (<see cref="RowValues"/>) that the receiver converts
/// with its own column types, exactly as a local row image is.</para>
/// <para>Thread-safe: the only shared state is a bounded cache of name-only <see cref="TableModel"/>s.</para>
/// </remarks>
internal sealed class WriteCodec
{
    private const byte Version = 1;
    // FlagSame: one image stands for both (a row changed in place, NotifyUpdated(row, row) or Invalidate(row)); it decodes
    // to one instance on both sides, which the engine reads as "every column changed" (a decoded pair of equal images would
    // read as "nothing changed").
    private const byte FlagOld = 1, FlagNew = 2, FlagSame = 4;
    private const int MaxCachedTables = 4096;

    private readonly ConcurrentDictionary<(string Database, string? Schema, string Name), TableModel> _tables = new();

    /// <summary>Encodes writes exactly, or coarsely when the exact form exceeds <paramref name="maxBytes"/>.</summary>
    public static byte[] Encode(IReadOnlyList<WriteRecord> writes, int maxBytes)
    {
        var writer = new PayloadWriter();
        WriteAll(writer, writes, coarse: false);
        if (writer.Length <= maxBytes)
        {
            return writer.ToArray();
        }

        return EncodeCoarse(writes, maxBytes);
    }

    /// <summary>Encodes writes as table, database or everything writes (announcements; oversized log entries).</summary>
    public static byte[] EncodeCoarse(IReadOnlyList<WriteRecord> writes, int maxBytes = int.MaxValue)
    {
        var writer = new PayloadWriter();
        WriteAll(writer, Coarsen(writes), coarse: true);
        if (writer.Length <= maxBytes)
        {
            return writer.ToArray();
        }

        writer.Clear();
        WriteAll(writer, [WriteRecord.ForEverything()], coarse: true);
        return writer.ToArray();
    }

    /// <summary>Decodes a payload written by <see cref="Encode"/> or <see cref="EncodeCoarse"/>.</summary>
    /// <exception cref="FormatException">The payload is corrupt or of an unknown version.</exception>
    public WriteRecord[] Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != Version)
        {
            throw new FormatException("Unknown log entry version.");
        }

        var count = reader.ReadLength();
        var records = new WriteRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = ReadRecord(ref reader);
        }

        return reader.AtEnd ? records : throw new FormatException("Trailing bytes after the log entry.");
    }

    /// <summary>Table writes for each table (or database) the writes touch, without duplicates.</summary>
    public static List<WriteRecord> Coarsen(IReadOnlyList<WriteRecord> writes)
    {
        var result = new List<WriteRecord>(writes.Count);
        var seen = new HashSet<(WriteKind, ulong, string)>();
        foreach (var write in writes)
        {
            if (write.Kind == WriteKind.Everything)
            {
                return [WriteRecord.ForEverything()];
            }

            var coarse = write.Kind == WriteKind.Rows ? WriteRecord.ForTable(write.Table) : write;
            if (seen.Add((coarse.Kind, coarse.Kind == WriteKind.Database ? 0UL : coarse.Table.Id, coarse.Table.Database)))
            {
                result.Add(coarse);
            }
        }

        return result;
    }

    private static void WriteAll(PayloadWriter writer, IReadOnlyList<WriteRecord> writes, bool coarse)
    {
        writer.WriteByte(Version);
        writer.WriteCount((ulong)writes.Count);
        foreach (var write in writes)
        {
            var kind = coarse && write.Kind == WriteKind.Rows ? WriteKind.Table : write.Kind;
            var mark = writer.Length;
            if (!TryWriteRecord(writer, write, kind))
            {
                // A name that cannot be written exactly (not valid UTF-16) would name another table at the receiver:
                // widen the write to its database, or to everything.
                writer.Truncate(mark);
                if (kind == WriteKind.Database || !TryWriteRecord(writer, WriteRecord.ForDatabase(write.Table.Database), WriteKind.Database))
                {
                    writer.Truncate(mark);
                    writer.WriteByte((byte)WriteKind.Everything);
                }
            }
        }
    }

    private static bool TryWriteRecord(PayloadWriter writer, WriteRecord write, WriteKind kind)
    {
        writer.WriteByte((byte)kind);
        if (kind == WriteKind.Everything)
        {
            return true;
        }

        if (!writer.TryWriteString(write.Table.Database))
        {
            return false;
        }

        if (kind == WriteKind.Database)
        {
            return true;
        }

        writer.WriteByte(write.Table.Schema is null ? (byte)0 : (byte)1);
        if ((write.Table.Schema is { } schema && !writer.TryWriteString(schema)) || !writer.TryWriteString(write.Table.Name))
        {
            return false;
        }

        if (kind == WriteKind.Rows)
        {
            var same = write.OldRow is not null && ReferenceEquals(write.OldRow, write.NewRow);
            writer.WriteByte((byte)((write.OldRow is null ? 0 : FlagOld) | (write.NewRow is null ? 0 : FlagNew) | (same ? FlagSame : 0)));
            if (write.OldRow is { } oldRow)
            {
                WriteImage(writer, write.Table, oldRow);
            }

            if (write.NewRow is { } newRow && !same)
            {
                WriteImage(writer, write.Table, newRow);
            }
        }

        return true;
    }

    private static void WriteImage(PayloadWriter writer, TableModel table, object row)
    {
        var values = new List<KeyValuePair<string, object?>>();
        if (row is RowValues image)
        {
            values.AddRange(image.Values);
        }
        else
        {
            foreach (var column in table.Columns)
            {
                if (column.TryGetValue(row, out var value))
                {
                    values.Add(new(column.Name, value));
                }
            }
        }

        // Values that cannot be written exactly are left out: the column is then unknown to the receiver (a table write
        // for every scheme that needs it).
        var scratch = new PayloadWriter(64);
        var count = 0;
        foreach (var (name, value) in values)
        {
            var mark = scratch.Length;
            if (scratch.TryWriteString(name) && ValueCodec.TryWrite(scratch, value is DBNull ? null : value))
            {
                count++;
            }
            else
            {
                scratch.Truncate(mark);
            }
        }

        writer.WriteCount((ulong)count);
        writer.WriteRaw(scratch.WrittenMemory.Span);
    }

    private WriteRecord ReadRecord(ref PayloadReader reader)
    {
        var kind = (WriteKind)reader.ReadByte();
        switch (kind)
        {
            case WriteKind.Everything:
                return WriteRecord.ForEverything();
            case WriteKind.Database:
            {
                var database = reader.ReadString();
                return database.Length == 0 ? throw new FormatException("Empty database name.") : WriteRecord.ForDatabase(database);
            }

            case WriteKind.Table:
            case WriteKind.Rows:
            {
                var database = reader.ReadString();
                var schema = reader.ReadByte() == 0 ? null : reader.ReadString();
                var table = Table(database, schema, reader.ReadString());
                if (kind == WriteKind.Table)
                {
                    return WriteRecord.ForTable(table);
                }

                var flags = reader.ReadByte();
                var oldRow = (flags & FlagOld) != 0 ? ReadImage(ref reader) : null;
                var newRow = (flags & FlagSame) != 0 ? oldRow : (flags & FlagNew) != 0 ? ReadImage(ref reader) : null;
                return WriteRecord.ForImages(table, oldRow, newRow);
            }

            default:
                throw new FormatException("Unknown write kind in the log entry.");
        }
    }

    private static RowValues ReadImage(ref PayloadReader reader)
    {
        var count = reader.ReadLength();
        var values = new Dictionary<string, object?>(count, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            values[name] = ValueCodec.Read(ref reader);
        }

        return RowValues.FromDictionary(values);
    }

    private TableModel Table(string database, string? schema, string name)
    {
        var key = (database, schema, name);
        if (_tables.TryGetValue(key, out var table))
        {
            return table;
        }

        table = TableModel.ForName(database, schema, name);
        if (_tables.Count < MaxCachedTables)
        {
            _tables.TryAdd(key, table);
        }

        return table;
    }
}
