using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using CacheBot.Linq.Keys;
using Xunit;

namespace CacheBot.Linq.Tests.Keys;

public sealed class ExpressionHasherValueTests
{
    public static TheoryData<string> ValueKinds => new()
    {
        "bool", "byte", "sbyte", "short", "ushort", "int", "uint", "long", "ulong", "char", "float", "double", "decimal",
        "string", "DateTime", "DateTimeOffset", "TimeSpan", "DateOnly", "TimeOnly", "Guid", "byte[]", "enum", "Int128",
        "Half", "int?", "PhotoKind?", "Type",
    };

    [Theory]
    [MemberData(nameof(ValueKinds))]
    public void Hash_ConstantOfKind_EqualForEqualValuesDifferentOtherwise(string kind)
    {
        var (a, twin, b, type) = Values(kind);

        var hashA = ExpressionHasher.Hash(Expression.Constant(a, type));
        var hashTwin = ExpressionHasher.Hash(Expression.Constant(twin, type));
        var hashB = ExpressionHasher.Hash(Expression.Constant(b, type));

        Assert.Equal(hashA, hashTwin);
        Assert.NotEqual(hashA.Full, hashB.Full);
        Assert.Equal(hashA.Shape, hashB.Shape);
        Assert.True(hashA.IsHashable);
    }

    [Theory]
    [MemberData(nameof(ValueKinds))]
    public void Hash_CapturedValueOfKind_EqualForEqualValuesDifferentOtherwise(string kind)
    {
        var (a, twin, b, type) = Values(kind);

        var hashA = ExpressionHasher.Hash(Captured(a, type));
        var hashTwin = ExpressionHasher.Hash(Captured(twin, type));
        var hashB = ExpressionHasher.Hash(Captured(b, type));

        Assert.Equal(hashA, hashTwin);
        Assert.NotEqual(hashA.Full, hashB.Full);
        Assert.Equal(hashA.Shape, hashB.Shape);
        Assert.True(hashA.IsHashable);
    }

    [Fact]
    public void Hash_SameNumberDifferentType_DifferentFull()
    {
        var asInt = ExpressionHasher.Hash(Expression.Constant(1, typeof(object)));
        var asLong = ExpressionHasher.Hash(Expression.Constant(1L, typeof(object)));
        var asEnum = ExpressionHasher.Hash(Expression.Constant(PhotoKind.Portrait, typeof(object)));

        Assert.NotEqual(asInt.Full, asLong.Full);
        Assert.NotEqual(asInt.Full, asEnum.Full);
    }

    [Fact]
    public void Hash_CapturedOtherEnumerable_DependsOnContents()
    {
        Assert.Equal(ExpressionHasher.Hash(IdIn(Enumerable.Range(0, 3))), ExpressionHasher.Hash(IdIn(Enumerable.Range(0, 3))));
        Assert.NotEqual(ExpressionHasher.Hash(IdIn(Enumerable.Range(0, 3))).Full, ExpressionHasher.Hash(IdIn(Enumerable.Range(0, 4))).Full);
        Assert.True(ExpressionHasher.Hash(IdIn(new LinkedList<int>([1, 2]))).IsHashable);
    }

    [Fact]
    public void Hash_CapturedDictionary_Unhashable()
    {
        var lookup = new Dictionary<int, string> { [1] = "a" };
        var expression = KeyTestTrees.Photos.Where(p => lookup.ContainsKey(p.Id)).Expression;

        Assert.False(ExpressionHasher.Hash(expression).IsHashable);
    }

    [Fact]
    public void Hash_SelfReferencingArray_UnhashableWithoutStackOverflow()
    {
        var array = new object[1];
        array[0] = array;

        Assert.False(ExpressionHasher.Hash(Expression.Constant(array)).IsHashable);
    }

    [Fact]
    public void Hash_CapturedDelegate_HashedByIdentity()
    {
        Func<int, bool> even = x => x % 2 == 0;
        Func<int, bool> odd = x => x % 2 == 1;

        Assert.Equal(ExpressionHasher.Hash(Expression.Constant(even)), ExpressionHasher.Hash(Expression.Constant(even)));
        Assert.NotEqual(ExpressionHasher.Hash(Expression.Constant(even)).Full, ExpressionHasher.Hash(Expression.Constant(odd)).Full);
    }

    [Fact]
    public void Hash_GetterThrows_UnhashableWithoutException()
    {
        var holder = new KeyTestFilterHolder { Filter = null! };
        var nullHop = KeyTestTrees.Photos.Where(p => p.UserId == holder.Filter.UserId).Expression;
        var throwing = Expression.Property(Expression.Constant(new ThrowingEntity()), nameof(ThrowingEntity.Value));

        Assert.True(ExpressionHasher.Hash(nullHop).IsHashable); // The query itself would throw; nothing to read.
        Assert.False(ExpressionHasher.Hash(throwing).IsHashable);
        Assert.False(ExpressionHasher.Hash(Expression.Constant(new ThrowingEntity())).IsHashable);
    }

    [Fact]
    public void Hash_HashSetComparer_PartOfFull()
    {
        var ordinal = new HashSet<string>(["a"], StringComparer.Ordinal);
        var ignoreCase = new HashSet<string>(["a"], StringComparer.OrdinalIgnoreCase);

        Assert.NotEqual(ExpressionHasher.Hash(Expression.Constant(ordinal)).Full, ExpressionHasher.Hash(Expression.Constant(ignoreCase)).Full);
    }

    private static Expression IdIn(IEnumerable<int> ids) => KeyTestTrees.Photos.Where(p => ids.Contains(p.Id)).Expression;

    /// <summary>Emulates a closure: <c>Constant(new StrongBox&lt;T&gt;(value)).Value</c> with a fresh box.</summary>
    private static MemberExpression Captured(object? value, Type type)
    {
        var box = Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(type), value)!;
        return Expression.Field(Expression.Constant(box), "Value");
    }

    private static (object? A, object? Twin, object? B, Type Type) Values(string kind) => kind switch
    {
        "bool" => (true, true, false, typeof(bool)),
        "byte" => ((byte)1, (byte)1, (byte)2, typeof(byte)),
        "sbyte" => ((sbyte)-1, (sbyte)-1, (sbyte)1, typeof(sbyte)),
        "short" => ((short)1, (short)1, (short)2, typeof(short)),
        "ushort" => ((ushort)1, (ushort)1, (ushort)2, typeof(ushort)),
        "int" => (1, 1, 2, typeof(int)),
        "uint" => (1u, 1u, 2u, typeof(uint)),
        "long" => (1L << 40, 1L << 40, (1L << 40) + 1, typeof(long)),
        "ulong" => (1UL, 1UL, 2UL, typeof(ulong)),
        "char" => ('a', 'a', 'A', typeof(char)),
        "float" => (1.5f, 1.5f, 2.5f, typeof(float)),
        "double" => (1.5, 1.5, 1.5000001, typeof(double)),
        "decimal" => (1.5m, 1.5m, 1.6m, typeof(decimal)),
        "string" => ("david", new string("david".AsSpan()), "David", typeof(string)),
        "DateTime" => (new DateTime(2024, 1, 1), new DateTime(2024, 1, 1), new DateTime(2024, 1, 1).AddTicks(1), typeof(DateTime)),
        "DateTimeOffset" => (new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2024, 1, 1, 1, 0, 0, TimeSpan.FromHours(1)), typeof(DateTimeOffset)),
        "TimeSpan" => (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), typeof(TimeSpan)),
        "DateOnly" => (new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), typeof(DateOnly)),
        "TimeOnly" => (new TimeOnly(10, 0), new TimeOnly(10, 0), new TimeOnly(10, 1), typeof(TimeOnly)),
        "Guid" => (new Guid("00000000-0000-0000-0000-000000000001"), new Guid("00000000-0000-0000-0000-000000000001"),
            new Guid("00000000-0000-0000-0000-000000000002"), typeof(Guid)),
        "byte[]" => (new byte[] { 1, 2 }, new byte[] { 1, 2 }, new byte[] { 1, 3 }, typeof(byte[])),
        "enum" => (PhotoKind.Portrait, PhotoKind.Portrait, PhotoKind.Panorama, typeof(PhotoKind)),
        "Int128" => ((Int128)1 << 100, (Int128)1 << 100, (Int128)1 << 101, typeof(Int128)),
        "Half" => ((Half)1.5f, (Half)1.5f, (Half)2.5f, typeof(Half)),
        "int?" => (5, 5, null, typeof(int?)),
        "PhotoKind?" => (PhotoKind.Landscape, PhotoKind.Landscape, null, typeof(PhotoKind?)),
        "Type" => (typeof(Photo), typeof(Photo), typeof(KeyTestUser), typeof(Type)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind."),
    };

    private sealed class ThrowingEntity
    {
        private readonly string _reason = "Not readable.";

        public int Value => throw new InvalidOperationException(_reason);
    }
}
