using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace CacheBot.Linq.Model;

/// <summary>
/// A growable byte buffer over caller-provided stack memory that spills into <see cref="ArrayPool{T}"/>;
/// used to build dependency keys on the miss and write paths. Call <see cref="Dispose"/> to return a rented array.
/// </summary>
internal ref struct KeyBytes
{
    private Span<byte> _buffer;
    private byte[]? _rented;
    private int _length;

    public KeyBytes(Span<byte> initial)
    {
        _buffer = initial;
        _rented = null;
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public void Add(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void AddInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[_length..], value);
        _length += 8;
    }

    public void AddUInt64(ulong value) => AddInt64(unchecked((long)value));

    public void AddSpan(scoped ReadOnlySpan<byte> data)
    {
        Ensure(data.Length);
        data.CopyTo(_buffer[_length..]);
        _length += data.Length;
    }

    public readonly ulong Hash64() => XxHash3.HashToUInt64(Written);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer[.._length].CopyTo(next);
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = next;
        _buffer = next;
    }
}
