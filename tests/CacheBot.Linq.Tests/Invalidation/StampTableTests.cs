using CacheBot.Linq.Invalidation;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// The stamp table must never under-report a key's last write (soundness), and another key's write should rarely make a
/// key look newer than it is (precision: such a false collision turns a hit into a miss).
/// </summary>
public sealed class StampTableTests
{
    [Fact]
    public void EveryBumpedKey_ReadsAtLeastItsLastPosition()
    {
        var random = new Random(20261130);
        var stamps = new StampTable(10); // 1,024 slots for 5,000 keys: every slot is shared many times
        var last = new Dictionary<ulong, long>();
        for (var position = 1L; position <= 20_000; position++)
        {
            var key = DependencyKey((ulong)random.Next(5_000));
            stamps.Bump(key, position);
            last[key] = position;
        }

        foreach (var (key, position) in last)
        {
            Assert.True(stamps.Read(key) >= position, $"key {key:x16} reads {stamps.Read(key)}, below its last write {position}");
        }
    }

    [Fact]
    public void ABumpNeverMovesASlotBack()
    {
        var stamps = new StampTable(10);
        const ulong key = 0x1234_5678_9ABC_DEF0UL;
        stamps.Bump(key, 50);
        stamps.Bump(key, 20); // a writer that finished later with an earlier position
        Assert.Equal(50, stamps.Read(key));
    }

    [Fact]
    public void AKeySharingOneSlotWithAWrittenKey_IsNotInvalidated()
    {
        var stamps = new StampTable(10);
        const ulong written = 0x0000_0001_0000_0005UL; // slots 5 and 1
        const ulong sharesFirstSlot = 0x0000_0002_0000_0005UL; // slots 5 and 2
        stamps.Bump(written, 7);
        Assert.Equal(7, stamps.Read(written));
        Assert.Equal(0, stamps.Read(sharesFirstSlot));
    }

    [Fact]
    public void FalseCollisions_AreRare_WhenAFewHundredKeysAreWritten()
    {
        // 2^16 slots, 200 keys written, 20,000 other keys checked. One slot per key would show about 200 / 65,536 of
        // them as written (about 61); two slots per key about (400 / 65,536)^2 (about 1).
        var stamps = new StampTable(16);
        var written = new HashSet<ulong>();
        for (var i = 0UL; i < 200; i++)
        {
            written.Add(DependencyKey(i));
        }

        foreach (var key in written)
        {
            stamps.Bump(key, 1);
        }

        var falseCollisions = 0;
        for (var i = 1_000UL; i < 21_000; i++)
        {
            var key = DependencyKey(i);
            if (!written.Contains(key) && stamps.Read(key) > 0)
            {
                falseCollisions++;
            }
        }

        Assert.InRange(falseCollisions, 0, 6);
    }

    /// <summary>A well-mixed 64-bit key, as dependency keys are (hashes): SplitMix64's finalizer.</summary>
    private static ulong DependencyKey(ulong i)
    {
        var z = (i + 1) * 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
