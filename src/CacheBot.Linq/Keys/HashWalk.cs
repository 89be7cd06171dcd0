using System.IO.Hashing;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CacheBot.Linq.Keys;

/// <summary>
/// The state of one <see cref="ExpressionHasher.Hash"/> call: the full and shape byte streams, the flags, the parameter
/// scope and the recursion depth. Threaded by <see langword="ref"/> through the node walk and the value hashers.
/// </summary>
/// <remarks>
/// <para>Invariants:</para>
/// <list type="bullet">
/// <item>Structure (node types, types, methods, members, parameter positions) goes to both streams; values go to the
/// full stream only. While <see cref="IsValueOnly"/> (inside collections and entities) structure writes go to the full
/// stream only, so a collection's contents never change the shape.</item>
/// <item>Every variable-length item is preceded by a tag and/or a length, so both streams are prefix-free encodings of
/// the tree: equal streams mean equal trees (up to hash collisions of the 128-bit digests).</item>
/// <item>Runtime handles (types, methods) are hashed as <see cref="nint"/> values: hashes are process-local.</item>
/// <item>Per call, nothing is allocated: buffers start on the stack and spill into the shared array pool.</item>
/// </list>
/// </remarks>
internal ref partial struct HashWalk
{
    /// <summary>Nodes nested deeper than this make the tree unhashable instead of risking a stack overflow.</summary>
    public const int MaxDepth = 200;

    /// <summary>Blobs up to this many bytes are written raw; longer ones as their own 128-bit digest.</summary>
    private const int MaxRawBlob = 256;

    private readonly IKeyHashPolicy? _policy;
    private HashBuffer _full;
    private HashBuffer _shape;
    private ParameterScope _scope;
    private ExpressionHashFlags _flags;
    private int _depth;
    private int _lambdaDepth;
    private int _valueOnly;
    private readonly bool _withShape;
    private readonly bool _portable;

    public HashWalk(Span<byte> fullBuffer, Span<byte> shapeBuffer, IKeyHashPolicy? policy, bool withShape = true, bool portable = false)
    {
        _full = new HashBuffer(fullBuffer);
        _shape = new HashBuffer(shapeBuffer);
        _policy = policy;
        _withShape = withShape;
        _portable = portable;
    }

    public readonly IKeyHashPolicy? Policy => _policy;

    public readonly bool IsValueOnly => _valueOnly != 0;

    public readonly ExpressionHashFlags Flags => _flags;

    /// <summary>Gets the full stream written so far (plan recording compares it).</summary>
    public readonly ReadOnlySpan<byte> FullStream => _full.Written;

    public readonly ExpressionHash Complete() => new(_full.Hash(), _withShape ? _shape.Hash() : default, _flags);

    public void Dispose()
    {
        _full.Dispose();
        _shape.Dispose();
    }

    public void MarkUnhashable() => _flags |= ExpressionHashFlags.Unhashable;

    /// <summary>Notes a value keyed by object identity: a portable hash of this tree is process-local after all.</summary>
    public void MarkNotPortable() => _flags |= ExpressionHashFlags.NotPortable;

    public void EnterValueOnly() => _valueOnly++;

    public void ExitValueOnly() => _valueOnly--;

    public void WriteStructure<T>(T value)
        where T : unmanaged
    {
        _full.Write(value);
        if (_valueOnly == 0 && _withShape)
        {
            _shape.Write(value);
        }
    }

    public void WriteStructureTag(HashTag tag) => WriteStructure((byte)tag);

    public void WriteType(Type type) => WriteStructure(_portable ? PortableIds.Of(type) : (ulong)type.TypeHandle.Value);

    /// <summary>Writes a type that is part of a value (an enum's type, a <see cref="Type"/> constant).</summary>
    public void WriteTypeValue(Type type) => WriteValue(_portable ? PortableIds.Of(type) : (ulong)type.TypeHandle.Value);

    public void WriteValue<T>(T value)
        where T : unmanaged => _full.Write(value);

    /// <summary>
    /// Writes an object's identity (<see cref="ObjectIdentity"/>). Identities are numbered per process, so a portable hash
    /// also gets this process's random salt: another process's object with the same number never hashes alike.
    /// </summary>
    public void WriteIdentity(object value)
    {
        _full.Write(ObjectIdentity.Get(value));
        if (_portable)
        {
            _full.Write(ObjectIdentity.ProcessSalt);
        }
    }

    public void WriteValueTag(HashTag tag) => _full.Write((byte)tag);

    /// <summary>Writes bytes whose length the reader already knows (a count or length was written before).</summary>
    public void WriteValueBlob(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= MaxRawBlob)
        {
            _full.WriteBytes(bytes);
        }
        else
        {
            _full.Write(XxHash128.HashToUInt128(bytes));
        }
    }

    public void WriteValueString(string value)
    {
        _full.Write((byte)HashTag.String);
        _full.Write(value.Length);
        WriteValueBlob(MemoryMarshal.AsBytes(value.AsSpan()));
    }

    /// <summary>Writes a method: its handle (which identifies a generic instantiation exactly) and its declaring type.</summary>
    public void WriteMethod(MethodBase? method)
    {
        if (method is null)
        {
            WriteStructureTag(HashTag.NoMember);
            return;
        }

        var declaringType = method.DeclaringType;
        if (declaringType is null)
        {
            // Dynamic and global methods have no stable identity we can read without allocating.
            MarkUnhashable();
            WriteStructureTag(HashTag.Unhashable);
            return;
        }

        WriteStructure(_portable ? PortableIds.Of(method) : (ulong)method.MethodHandle.Value);
        WriteType(declaringType);
    }

    /// <summary>Writes a field or property: its declaring type and metadata token.</summary>
    public void WriteMember(MemberInfo? member)
    {
        if (member is null)
        {
            WriteStructureTag(HashTag.NoMember);
            return;
        }

        var declaringType = member.DeclaringType;
        if (declaringType is null)
        {
            MarkUnhashable();
            WriteStructureTag(HashTag.Unhashable);
            return;
        }

        WriteType(declaringType);
        WriteStructure(member.MetadataToken);
    }

    private void WriteStructureString(string? value)
    {
        if (value is null)
        {
            WriteStructure(-1);
            return;
        }

        WriteStructure(value.Length);
        var bytes = MemoryMarshal.AsBytes(value.AsSpan());
        _full.WriteBytes(bytes);
        if (_valueOnly == 0 && _withShape)
        {
            _shape.WriteBytes(bytes);
        }
    }

    private readonly WalkCheckpoint Save() => new(_depth, _lambdaDepth, _valueOnly, _scope.Count);

    private void Restore(WalkCheckpoint checkpoint)
    {
        _depth = checkpoint.Depth;
        _lambdaDepth = checkpoint.LambdaDepth;
        _valueOnly = checkpoint.ValueOnly;
        _scope.PopTo(checkpoint.ScopeCount);
    }
}
