using System.Buffers.Binary;
using System.Text;

namespace CacheBot.Redis.Serialization;

/// <summary>Reads what <see cref="PayloadWriter"/> wrote; throws <see cref="FormatException"/> on a truncated or corrupt payload.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte() => Take(1)[0];

    public ulong ReadCount()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("A count in the payload is too long.");
    }

    /// <summary>Reads a count that bounds an allocation: it may not exceed the bytes left.</summary>
    public int ReadLength()
    {
        var count = ReadCount();
        if (count > (ulong)(_data.Length - _position))
        {
            throw new FormatException("A length in the payload exceeds the payload.");
        }

        return (int)count;
    }

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> ReadSpan(int length) => Take(length);

    public byte[] ReadBytes() => Take(ReadLength()).ToArray();

    public string ReadString() => Encoding.UTF8.GetString(Take(ReadLength()));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new FormatException("The payload ends early.");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
