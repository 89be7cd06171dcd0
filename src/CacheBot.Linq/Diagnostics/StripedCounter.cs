using System.Runtime.InteropServices;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// A counter striped over cache lines by processor id, so concurrent increments on the hit path do not contend on
/// one cache line. Reads sum the stripes (approximate while writers run).
/// </summary>
/// <remarks>
/// The first and the last cell are never written: the array's header (its length, read by every increment's bounds
/// check) shares a cache line with the first cell, and the object after the array may share one with the last, so
/// writing those would make every other processor's increment miss its cache (false sharing).
/// </remarks>
internal sealed class StripedCounter
{
    private static readonly int Mask = Math.Min(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount)) - 1;

    private readonly PaddedLong[] _cells = new PaddedLong[Mask + 3];

    public long Value
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _cells.Length; i++)
            {
                sum += Volatile.Read(ref _cells[i].Value);
            }

            return sum;
        }
    }

    public void Increment() => Interlocked.Increment(ref _cells[(Thread.GetCurrentProcessorId() & Mask) + 1].Value);

    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct PaddedLong
    {
        [FieldOffset(0)]
        public long Value;
    }
}
