using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CacheBot.Redis.Serialization;

/// <summary>
/// Appends the compact binary encoding CacheBot.Redis stores in Redis (log entries, announcements, shared results):
/// little-endian fixed-width numbers, unsigned LEB128 counts, length-prefixed UTF-8 strings.
/// </summary>
/// <remarks>Not thread-safe; one writer per payload. Strings that are not valid UTF-16 (lone surrogates) cannot be
/// written exactly: <see cref="TryWriteString"/> refuses them instead of replacing characters.</remarks>
internal sealed class PayloadWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _buffer;

    public PayloadWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void Clear() => _buffer.Clear();

    /// <summary>Shortens the payload to <paramref name="length"/> bytes (undoes a partial write).</summary>
    public void Truncate(int length)
    {
        if (length == _buffer.WrittenCount)
        {
            return;
        }

        var kept = _buffer.WrittenSpan[..length].ToArray();
        _buffer.Clear();
        _buffer.Write(kept);
    }

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteCount(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteCount((ulong)bytes.Length);
        _buffer.Write(bytes);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>Writes a string (never null); false, with nothing written, when it is not valid UTF-16.</summary>
    public bool TryWriteString(string value)
    {
        int count;
        try
        {
            count = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        WriteCount((ulong)count);
        var span = _buffer.GetSpan(count);
        StrictUtf8.GetBytes(value, span);
        _buffer.Advance(count);
        return true;
    }
}
