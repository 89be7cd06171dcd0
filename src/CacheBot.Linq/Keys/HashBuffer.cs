using System.Buffers;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CacheBot.Linq.Keys;

/// <summary>
/// An append-only byte stream over a caller-provided (stack) buffer that spills into <see cref="ArrayPool{T}.Shared"/>.
/// </summary>
/// <remarks>
/// Invariants: bytes <c>[0, length)</c> of the current buffer are the stream; a rented array is returned exactly once, by
/// <see cref="Dispose"/> or when it is replaced by a bigger one. The struct must not be copied after the first write.
/// </remarks>
internal ref struct HashBuffer
{
    private Span<byte> _buffer;
    private byte[]? _rented;
    private int _length;

    public HashBuffer(Span<byte> initial)
    {
        _buffer = initial;
        _rented = null;
        _length = 0;
    }

    public readonly int Length => _length;

    /// <summary>Gets the bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write<T>(T value)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        if (_length + size > _buffer.Length)
        {
            Grow(size);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_buffer), _length), value);
        _length += size;
    }

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_buffer[_length..]);
        _length += bytes.Length;
    }

    /// <summary>Hashes the stream with one-shot XxHash128.</summary>
    public readonly UInt128 Hash() => XxHash128.HashToUInt128(_buffer[.._length]);

    public void Dispose()
    {
        var rented = _rented;
        _rented = null;
        _buffer = default;
        _length = 0;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Grow(int needed)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer[.._length].CopyTo(next);
        var old = _rented;
        _rented = next;
        _buffer = next;
        if (old is not null)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }
}
