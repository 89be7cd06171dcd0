using CacheBot.Linq.Providers;
using CacheBot.Redis.Serialization;

namespace CacheBot.Redis.Tests.Serialization;

/// <summary>What other processes receive: every value exactly, or not at all (the column is then unknown: a table write).</summary>
public sealed class WriteCodecTests
{
    public static TheoryData<object?> Values() => new(
        [
        null!, true, false, (sbyte)-3, (byte)250, (short)-300, (ushort)60000, -5, 4_000_000_000u, long.MinValue, ulong.MaxValue, 'é',
        1.5f, double.NaN, -0.0, 1e-300, 12.340m, decimal.MaxValue, "", "david", "ünïcödé 🐘", new byte[] { 0, 1, 255 },
        Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Local).AddTicks(7),
        new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 1), new DateTimeOffset(2024, 1, 1, 5, 0, 0, TimeSpan.FromMinutes(330)),
        TimeSpan.FromTicks(-123456789), new DateOnly(1999, 12, 31), new TimeOnly(23, 59, 59, 999),
        ]);

    [Theory]
    [MemberData(nameof(Values))]
    public void Value_RoundTrips_WithItsExactTypeAndValue(object? value)
    {
        var writer = new PayloadWriter();
        Assert.True(ValueCodec.TryWrite(writer, value));
        var reader = new PayloadReader(writer.ToArray());
        var read = ValueCodec.Read(ref reader);
        Assert.True(reader.AtEnd);
        Assert.Equal(value?.GetType(), read?.GetType());
        if (value is DateTime dt)
        {
            Assert.Equal(dt.Ticks, ((DateTime)read!).Ticks);
            Assert.Equal(dt.Kind, ((DateTime)read!).Kind);
        }
        else if (value is decimal m)
        {
            Assert.Equal(m.ToString(System.Globalization.CultureInfo.InvariantCulture), ((decimal)read!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (value is double d)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits((double)read!));
        }
        else
        {
            Assert.Equal(value, read);
        }
    }

    [Fact]
    public void Value_LoneSurrogateOrUnknownType_IsRefused_AndNothingIsWritten()
    {
        var writer = new PayloadWriter();
        Assert.False(ValueCodec.TryWrite(writer, "a\ud800b"));
        Assert.False(ValueCodec.TryWrite(writer, new Uri("http://x")));
        Assert.Equal(0, writer.Length);
    }

    [Fact]
    public void Records_RoundTrip_KindTableAndImages()
    {
        var table = TableModel.ForName("db1", "dbo", "Photos");
        var image = new RowValues([new("Id", 5L), new("Title", "x"), new("When", "2024-01-01"), new("Blob", new Uri("http://x"))]);
        WriteRecord[] writes =
        [
            WriteRecord.ForImages(table, null, image),
            WriteRecord.ForImages(table, image, RowValues.Unknown),
            WriteRecord.ForTable(TableModel.ForName("db1", null, "Users")),
            WriteRecord.ForDatabase("db2"),
            WriteRecord.ForEverything(),
        ];

        var decoded = new WriteCodec().Decode(WriteCodec.Encode(writes, 1 << 20));

        Assert.Equal(writes.Select(w => w.Kind), decoded.Select(w => w.Kind));
        Assert.Equal(table.Id, decoded[0].Table.Id);
        Assert.Equal("dbo", decoded[0].Table.Schema);
        Assert.Null(decoded[0].OldRow);
        var row = Assert.IsType<RowValues>(decoded[0].NewRow);
        Assert.True(row.TryGet("id", out var id));
        Assert.Equal(5L, id);
        Assert.False(row.TryGet("Blob", out _)); // not serializable: unknown at the receiver
        Assert.Equal(0, Assert.IsType<RowValues>(decoded[1].NewRow).Count);
        Assert.Equal("db2", decoded[3].Table.Database);
    }

    [Fact]
    public void RowChangedInPlace_DecodesToOneImageOnBothSides_WhileAnUpdateKeepsTwo()
    {
        // The engine reads one instance on both sides as "every column changed" and two equal images as "nothing changed":
        // the receiving processes must see the same thing as the writing one.
        var table = TableModel.ForName("db1", null, "Photos");
        var image = new RowValues([new("Id", 5L), new("Title", "x")]);
        var before = new RowValues([new("Id", 5L), new("Title", "x")]);
        var decoded = new WriteCodec().Decode(WriteCodec.Encode([WriteRecord.ForImages(table, image, image), WriteRecord.ForImages(table, before, image)], 1 << 20));

        Assert.Same(decoded[0].OldRow, decoded[0].NewRow);
        Assert.True(Assert.IsType<RowValues>(decoded[0].NewRow).TryGet("Title", out var title));
        Assert.Equal("x", title);
        Assert.NotSame(decoded[1].OldRow, decoded[1].NewRow);
        Assert.Equal(2, Assert.IsType<RowValues>(decoded[1].OldRow).Count);
    }

    [Fact]
    public void OversizedWrites_AreSentAsOneTableWritePerTable()
    {
        var table = TableModel.ForName("db1", null, "Photos");
        var writes = Enumerable.Range(0, 500)
            .Select(i => WriteRecord.ForImages(table, null, new RowValues([new("Id", (long)i), new("Title", new string('x', 100))])))
            .Append(WriteRecord.ForTable(TableModel.ForName("db1", null, "Users")))
            .ToArray();

        var payload = WriteCodec.Encode(writes, 4096);
        var decoded = new WriteCodec().Decode(payload);

        Assert.True(payload.Length <= 4096);
        Assert.Equal(2, decoded.Length);
        Assert.All(decoded, w => Assert.Equal(WriteKind.Table, w.Kind));
    }

    [Fact]
    public void CorruptOrTruncatedPayload_IsRejected()
    {
        var payload = WriteCodec.Encode([WriteRecord.ForTable(TableModel.ForName("db1", null, "Photos"))], 1024);
        Assert.Throws<FormatException>(() => new WriteCodec().Decode(payload.AsSpan(0, payload.Length - 2)));
        Assert.Throws<FormatException>(() => new WriteCodec().Decode([9, 1, 1]));
        Assert.Throws<FormatException>(() => new WriteCodec().Decode([1, 200, 1]));
    }
}
