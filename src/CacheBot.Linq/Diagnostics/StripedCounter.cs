using System.Runtime.InteropServices;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// A counter striped over cache lines by processor id, so concurrent increments on the hit path do not contend on
/// one cache line. Reads sum the stripes (approximate while writers run).
/// </summary>
internal sealed class StripedCounter
{
    private readonly PaddedLong[] _cells = new PaddedLong[Math.Min(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount))];

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

    public void Increment() => Interlocked.Increment(ref _cells[Thread.GetCurrentProcessorId() & (_cells.Length - 1)].Value);

    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct PaddedLong
    {
        [FieldOffset(0)]
        public long Value;
    }
}
