using System.Linq.Expressions;

namespace CacheBot.Linq.Keys;

/// <content>Values: constants, captured closure values (member chains rooted at a constant or a static member).</content>
internal ref partial struct HashWalk
{
    public void AppendObject(object? value)
    {
        if (value is null)
        {
            WriteStructureTag(HashTag.ScalarOrNull);
            WriteValueTag(HashTag.Null);
            return;
        }

        var type = value.GetType();
        if (TryAppendBoxedScalar(value, type))
        {
            WriteStructureTag(HashTag.ScalarOrNull);
            return;
        }

        AppendComposite(value, type, null);
    }

    /// <summary>
    /// Hashes a value that is not a scalar: its runtime type, then its contents through <paramref name="hasher"/> (the
    /// hasher of <paramref name="type"/>, looked up when <see langword="null"/>).
    /// </summary>
    private void AppendComposite(object value, Type type, ValueHasher? hasher)
    {
        // Composites (collections, subqueries, entities) can change what a query means: their runtime type is structure.
        WriteStructureTag(HashTag.Composite);
        WriteType(type);
        if (_policy is not null && !type.IsValueType && _policy.HashByTypeOnly(type))
        {
            WriteValueTag(HashTag.TypeOnly);
            return;
        }

        if (_depth >= MaxDepth)
        {
            // Values nest too (arrays of arrays, self-referencing collections): bound them like nodes.
            MarkUnhashable();
            return;
        }

        var checkpoint = Save();
        try
        {
            _depth++;
            (hasher ?? ValueHasher.For(type)).AppendBoxed(value, ref this);
            _depth--;
        }
        catch (Exception)
        {
            // User code (a property getter, an iterator) threw: fail open, the query runs uncached.
            Restore(checkpoint);
            MarkUnhashable();
        }
    }

    private void VisitMember(MemberExpression node)
    {
        WriteMember(node.Member);
        if (!IsValueChain(node))
        {
            Visit(node.Expression);
            return;
        }

        // A captured value: the chain's members and the root's type are structure, the value read through it is not.
        WriteStructureTag(HashTag.ClosureValue);
        WriteChainStructure(node.Expression);
        AppendChainValueGuarded(node);
    }

    private void AppendChainValueGuarded(MemberExpression node)
    {
        var checkpoint = Save();
        try
        {
            AppendChainValue(node);
        }
        catch (Exception)
        {
            Restore(checkpoint);
            MarkUnhashable();
        }
    }

    private void AppendChainValue(MemberExpression leaf)
    {
        var hasher = MemberValueHasher.For(leaf.Member);
        if (hasher is null)
        {
            MarkUnhashable();
            return;
        }

        switch (Evaluate(leaf.Expression, out var instance))
        {
            case ChainState.Value when instance is null && !hasher.IsStatic:
            case ChainState.NullDereference:
                WriteValueTag(HashTag.NullDereference);
                break;
            case ChainState.Value:
                if (hasher.IsVolatile)
                {
                    MarkUnhashable();
                }

                hasher.Append(instance, ref this);
                break;
            default:
                MarkUnhashable();
                break;
        }
    }

    /// <summary>Reads the value of an inner hop of a closure chain (root first, by recursion bounded by the depth guard).</summary>
    private ChainState Evaluate(Expression? node, out object? value)
    {
        value = null;
        switch (node)
        {
            case null:
                return ChainState.Value;
            case ConstantExpression constant:
                value = constant.Value;
                return ChainState.Value;
            case MemberExpression hop:
                if (_depth >= MaxDepth)
                {
                    return ChainState.Failed;
                }

                _depth++;
                var state = Evaluate(hop.Expression, out var instance);
                _depth--;
                if (state != ChainState.Value)
                {
                    return state;
                }

                var accessor = MemberValueHasher.For(hop.Member);
                if (accessor is null)
                {
                    return ChainState.Failed;
                }

                if (instance is null && !accessor.IsStatic)
                {
                    return ChainState.NullDereference;
                }

                if (accessor.IsVolatile)
                {
                    MarkUnhashable();
                }

                // Inner hops are read even through objects the policy hashes by type (closure.db.TenantId): the leaf value
                // is what the query uses, so it must be in the key. Only a leaf of such a type is hashed by type.
                value = accessor.Read(instance);
                return ChainState.Value;
            default:
                return ChainState.Failed;
        }
    }

    private void WriteChainStructure(Expression? node)
    {
        while (node is MemberExpression hop)
        {
            WriteStructure((byte)hop.NodeType);
            WriteType(hop.Type);
            WriteMember(hop.Member);
            node = hop.Expression;
        }

        if (node is null)
        {
            WriteStructureTag(HashTag.StaticRoot);
        }
        else
        {
            WriteStructure((byte)node.NodeType);
            WriteType(node.Type);
        }
    }

    private static bool IsValueChain(MemberExpression node)
    {
        var inner = node.Expression;
        while (inner is MemberExpression hop)
        {
            inner = hop.Expression;
        }

        return inner is null or ConstantExpression;
    }

    private bool TryAppendBoxedScalar(object value, Type type)
    {
        if (type.IsEnum)
        {
            WriteValueTag(HashTag.Enum);
            WriteTypeValue(type);
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: ScalarValues.Append((bool)value, ref this); return true;
            case TypeCode.Char: ScalarValues.Append((char)value, ref this); return true;
            case TypeCode.SByte: ScalarValues.Append((sbyte)value, ref this); return true;
            case TypeCode.Byte: ScalarValues.Append((byte)value, ref this); return true;
            case TypeCode.Int16: ScalarValues.Append((short)value, ref this); return true;
            case TypeCode.UInt16: ScalarValues.Append((ushort)value, ref this); return true;
            case TypeCode.Int32: ScalarValues.Append((int)value, ref this); return true;
            case TypeCode.UInt32: ScalarValues.Append((uint)value, ref this); return true;
            case TypeCode.Int64: ScalarValues.Append((long)value, ref this); return true;
            case TypeCode.UInt64: ScalarValues.Append((ulong)value, ref this); return true;
            case TypeCode.Single: ScalarValues.Append((float)value, ref this); return true;
            case TypeCode.Double: ScalarValues.Append((double)value, ref this); return true;
            case TypeCode.Decimal: ScalarValues.Append((decimal)value, ref this); return true;
            case TypeCode.DateTime: ScalarValues.Append((DateTime)value, ref this); return true;
            case TypeCode.String: WriteValueString((string)value); return true;
            case TypeCode.DBNull: WriteValueTag(HashTag.DBNull); return true;
            case TypeCode.Object: return TryAppendBoxedStruct(value, type);
            default: return false;
        }
    }

    private bool TryAppendBoxedStruct(object value, Type type)
    {
        if (type == typeof(Guid)) { ScalarValues.Append((Guid)value, ref this); return true; }
        if (type == typeof(DateTimeOffset)) { ScalarValues.Append((DateTimeOffset)value, ref this); return true; }
        if (type == typeof(TimeSpan)) { ScalarValues.Append((TimeSpan)value, ref this); return true; }
        if (type == typeof(DateOnly)) { ScalarValues.Append((DateOnly)value, ref this); return true; }
        if (type == typeof(TimeOnly)) { ScalarValues.Append((TimeOnly)value, ref this); return true; }
        if (type == typeof(byte[])) { ScalarValues.Append((byte[])value, ref this); return true; }
        if (type == typeof(Int128)) { ScalarValues.Append((Int128)value, ref this); return true; }
        if (type == typeof(UInt128)) { ScalarValues.Append((UInt128)value, ref this); return true; }
        if (type == typeof(Half)) { ScalarValues.Append((Half)value, ref this); return true; }
        if (type == typeof(nint)) { ScalarValues.Append((nint)value, ref this); return true; }
        if (type == typeof(nuint)) { ScalarValues.Append((nuint)value, ref this); return true; }
        return false;
    }
}
